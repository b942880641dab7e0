/**
 * The hash primitives of the append path. `crypto.hash` (one-shot, no Hash object per call) is
 * several times cheaper than createHash for the ~300-byte inputs of records and the 65-byte inputs
 * of Merkle nodes; outputs are the same SHA-256 (checked against noble in the store tests).
 * Keccak is never used by the store and stays with the shared backend.
 */
import { hash } from 'node:crypto';
import type { HashPrimitives } from '../../src-shared/hash.js';
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
