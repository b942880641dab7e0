/**
 * Anchor commitments (docs/formats.md, "Anchor commitments"): the indexed topic an anchor carries
 * instead of the log's origin, so the origin is never published and outsiders cannot link one log's
 * anchors, while an auditor holding the log's salt (from a trust file) can compute every commitment
 * it expects and ask the chain for all of them at once.
 *
 *   commitment = keccakTagged("qtrust/anchor-commitment/v1",
 *                             salt[32] || u8(len(origin)) || origin (ASCII) || u64be(treeSize))
 *
 * The salt has a fixed length, the origin is length-prefixed (an origin is at most 255 bytes) and the
 * tree size has a fixed width, so the encoding is injective: two different (salt, origin, tree size)
 * triples never give the same digest input. Keccak-256 so that a contract could recompute it.
 */
import { abytes, aint, astring, bytesToHex, hexToBytes, u64be } from '../bytes.js';
import { QtError } from '../errors.js';
import { ORIGIN_PATTERN } from '../evidence/record.js';
import { keccakTagged, TAGS, type HashPrimitives } from '../hash.js';

export const ANCHOR_SALT_LENGTH = 32;

/** The exact bytes committed to, before tagging. Exported for vectors and other implementations. */
export function commitmentInput(salt: Uint8Array, origin: string, treeSize: number): Uint8Array {
  abytes(salt, 'salt', ANCHOR_SALT_LENGTH);
  astring(origin, 'origin');
  if (!ORIGIN_PATTERN.test(origin)) {
    throw new QtError(
      'QT_ANCHOR_INPUT',
      'origin must be 1 to 255 printable ASCII characters without spaces or "+"',
      {
        path: 'origin',
      },
    );
  }
  // The contract refuses empty trees (EmptyTree), so a commitment to size 0 is never meaningful.
  aint(treeSize, 'treeSize', 1);
  const out = new Uint8Array(ANCHOR_SALT_LENGTH + 1 + origin.length + 8);
  out.set(salt, 0);
  out[ANCHOR_SALT_LENGTH] = origin.length;
  for (let i = 0; i < origin.length; i++) out[ANCHOR_SALT_LENGTH + 1 + i] = origin.charCodeAt(i);
  out.set(u64be(treeSize), ANCHOR_SALT_LENGTH + 1 + origin.length);
  return out;
}

/** The 32-byte commitment to (salt, origin, tree size). */
export function anchorCommitment(
  salt: Uint8Array,
  origin: string,
  treeSize: number,
  hashes?: HashPrimitives,
): Uint8Array {
  return keccakTagged(TAGS.anchorCommitment, commitmentInput(salt, origin, treeSize), hashes);
}

/** The commitment as 0x-prefixed lowercase hex (an EVM topic). */
export function anchorCommitmentHex(
  salt: Uint8Array,
  origin: string,
  treeSize: number,
  hashes?: HashPrimitives,
): `0x${string}` {
  return `0x${bytesToHex(anchorCommitment(salt, origin, treeSize, hashes))}`;
}

/** A 0x-prefixed 32-byte hex value (a topic, hash or word) as bytes; QT_ANCHOR_INPUT otherwise. */
export function word32(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new QtError('QT_ANCHOR_INPUT', `${name} must be 0x followed by 64 hex digits`, { path: name });
  }
  return hexToBytes(value.slice(2).toLowerCase());
}

/** Bytes as a 0x-prefixed lowercase hex string. */
export function hex0x(bytes: Uint8Array): `0x${string}` {
  return `0x${bytesToHex(bytes)}`;
}
