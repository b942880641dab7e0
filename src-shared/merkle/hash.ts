/**
 * RFC 9162 §2.1 hashing: leaves and interior nodes are hashed with distinct one-byte prefixes
 * (0x00 and 0x01) so that a leaf can never be passed off as an interior node (second-preimage
 * defence), and the hash of the empty tree is SHA-256 of the empty string.
 *
 * The hash primitive comes from `HashPrimitives` so a Node backend (node:crypto) can be injected;
 * it must return exactly the SHA-256 digest.
 */
import { abytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';

/** Every Merkle hash (leaf hash, node hash, root, proof element) is a 32-byte SHA-256 digest. */
export const MERKLE_HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Asserts `value` is a 32-byte Uint8Array: QT_TYPE for a non-Uint8Array, QT_MERKLE_HASH_LENGTH otherwise. */
export function amerkleHash(value: unknown, name: string): Uint8Array {
  const bytes = abytes(value, name);
  if (bytes.length !== MERKLE_HASH_SIZE) {
    throw new QtError(
      'QT_MERKLE_HASH_LENGTH',
      `${name} must be ${MERKLE_HASH_SIZE} bytes long, got ${bytes.length}`,
      {
        path: name,
      },
    );
  }
  return bytes;
}

/** MTH({d}) = SHA-256(0x00 || d), RFC 9162 §2.1.1. */
export function leafHash(data: Uint8Array, hashes: HashPrimitives = nobleHashes): Uint8Array {
  abytes(data, 'data');
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return hashes.sha256(input);
}

/** SHA-256(0x01 || left || right), RFC 9162 §2.1.1. */
export function nodeHash(
  left: Uint8Array,
  right: Uint8Array,
  hashes: HashPrimitives = nobleHashes,
): Uint8Array {
  amerkleHash(left, 'left');
  amerkleHash(right, 'right');
  return hashChildren(left, right, hashes);
}

/** MTH({}) = SHA-256(""), RFC 9162 §2.1.1. */
export function emptyRoot(hashes: HashPrimitives = nobleHashes): Uint8Array {
  return hashes.sha256(new Uint8Array(0));
}

/** nodeHash without input checks, for inner loops whose inputs are already known to be 32 bytes. */
export function hashChildren(left: Uint8Array, right: Uint8Array, hashes: HashPrimitives): Uint8Array {
  const input = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + MERKLE_HASH_SIZE);
  return hashes.sha256(input);
}
