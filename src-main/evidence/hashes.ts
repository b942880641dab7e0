/**
 * The hash primitives of the append path and the verifier. SHA-256 is OpenSSL's one-shot
 * `crypto.hash` with its digest taken as a 'binary' string (nodeHashes, src-main/crypto/
 * node-backend.ts): measured here, 0.9 us for a 330-byte record against 1.9 us for the same call
 * returning a Buffer (a Buffer per digest is an off-heap allocation) and 2.0 us for createHash.
 * Outputs are the same SHA-256 (checked against noble in the store tests). Keccak is never used by
 * the store and stays with the shared backend.
 */
import { Buffer } from 'node:buffer';
import { TAGS, taggedInput, type HashPrimitives } from '../../src-shared/hash.js';
import { checkRecordLength } from '../../src-shared/evidence/record.js';
import { nodeHashes } from '../crypto/node-backend.js';

export const storeHashes: HashPrimitives = nodeHashes;

/** u8(len(tag)) || tag || u64be(0): the record tag's prefix of taggedInput, length to be filled in. */
const EVIDENCE_PREFIX = taggedInput(TAGS.evidence, new Uint8Array(0));
const PREFIX = EVIDENCE_PREFIX.length;

/**
 * Record buffers are carved from 1 MiB slabs: a Uint8Array of a few hundred bytes is an ArrayBuffer
 * of its own off the V8 heap, costly to allocate and to collect, where a view of a slab is a small
 * on-heap object. A slab lives as long as one of its views does (until the batch that holds them
 * is committed). Texts that could need more than a quarter of a slab get their own buffer.
 */
const SLAB_BYTES = 1 << 20;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let used = 0;

function region(text: string): { buf: Buffer; at: number } {
  // UTF-8 needs at most 3 bytes per UTF-16 unit; the exact length is known once written.
  const max = PREFIX + 3 * text.length;
  if (max > SLAB_BYTES / 4) {
    const n = Buffer.byteLength(text, 'utf8');
    checkRecordLength(n); // before allocating for an oversized text
    return { buf: Buffer.allocUnsafeSlow(PREFIX + n), at: 0 };
  }
  if (used + max > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  return { buf: slab, at: used };
}

export interface SealedText {
  /** The canonical UTF-8 bytes (a view into the buffer the digests were computed over). */
  readonly bytes: Uint8Array;
  /** H("qtrust/evidence/v1", bytes), docs/formats.md "Hashing". */
  readonly hash: Uint8Array;
  /** RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || bytes). */
  readonly leaf: Uint8Array;
}

/**
 * Encodes canonical record text once, directly after its domain-separation prefix, and computes
 * the record hash and the leaf hash from that one buffer: the text is encoded once and neither
 * digest input is a second copy. The last byte of the prefix (the low byte of the length) is then
 * overwritten with the leaf prefix 0x00, so the leaf input is a view of the same buffer. Refuses
 * encodings over MAX_RECORD_BYTES (QT_RECORD_INVALID), as createRecord does.
 */
export function sealRecordText(text: string, hashes: HashPrimitives = storeHashes): SealedText {
  const { buf, at } = region(text);
  const start = at + PREFIX;
  const n = buf.write(text, start, 'utf8');
  checkRecordLength(n);
  if (buf === slab) used = start + n;
  buf.set(EVIDENCE_PREFIX, at);
  // u64be(n): n is at most 1 MiB, so only the low four bytes are non-zero.
  buf.writeUInt32BE(n, start - 4);
  // Plain Uint8Array views: Buffer's slice() shares memory where Uint8Array's copies.
  const input = new Uint8Array(buf.buffer, buf.byteOffset + at, PREFIX + n);
  const recordHash = hashes.sha256(input);
  input[PREFIX - 1] = 0x00;
  const leaf = hashes.sha256(input.subarray(PREFIX - 1));
  return { bytes: input.subarray(PREFIX), hash: recordHash, leaf };
}
