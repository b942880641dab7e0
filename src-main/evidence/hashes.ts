/**
 * The hash primitives of the append path. `crypto.hash` (one-shot, no Hash object per call) is
 * several times cheaper than createHash for the ~300-byte inputs of records and the 65-byte inputs
 * of Merkle nodes; outputs are the same SHA-256 (checked against noble in the store tests).
 * Keccak is never used by the store and stays with the shared backend.
 */
import { hash } from 'node:crypto';
import { TAGS, taggedInput, type HashPrimitives } from '../../src-shared/hash.js';
import { checkRecordLength } from '../../src-shared/evidence/record.js';
import { nodeHashes } from '../crypto/node-backend.js';

function sha256(data: Uint8Array): Uint8Array {
  const b = hash('sha256', data, 'buffer') as Buffer;
  // A plain Uint8Array view: Buffer's slice() shares memory where Uint8Array's copies.
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const storeHashes: HashPrimitives = Object.freeze({
  sha256,
  keccak256: nodeHashes.keccak256,
});

/** u8(len(tag)) || tag || u64be(0): the record tag's prefix of taggedInput, length to be filled in. */
const EVIDENCE_PREFIX = taggedInput(TAGS.evidence, new Uint8Array(0));
const PREFIX = EVIDENCE_PREFIX.length;

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
  const n = Buffer.byteLength(text, 'utf8');
  checkRecordLength(n);
  const buf = new Uint8Array(PREFIX + n);
  buf.set(EVIDENCE_PREFIX);
  // u64be(n): n is at most 1 MiB, so only the low four bytes are non-zero.
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint32(PREFIX - 4, n);
  Buffer.from(buf.buffer, buf.byteOffset + PREFIX, n).write(text, 'utf8');
  const recordHash = hashes.sha256(buf);
  buf[PREFIX - 1] = 0x00;
  const leaf = hashes.sha256(buf.subarray(PREFIX - 1));
  return { bytes: buf.subarray(PREFIX), hash: recordHash, leaf };
}
