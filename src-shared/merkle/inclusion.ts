/**
 * Inclusion proofs, RFC 9162 §2.1.3: generation (§2.1.3.1) from any MerkleSource, and
 * verification (§2.1.3.2).
 *
 * Error policy (docs/formats.md, "Merkle trees"): a QtError is thrown when an argument is malformed
 * (wrong type, a hash that is not 32 bytes, index >= tree size); verification returns false when
 * the arguments are well formed but the proof does not prove the claim (wrong hashes, too few or
 * too many elements, a root that does not match).
 */
import { aint, equalBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { amerkleHash, hashChildren } from './hash.js';
import { inclusionRanges } from './ranges.js';
import { perfectNodeReader, rangeHash, type MerkleSource } from './source.js';

/** Proofs never need more than 64 elements (tree sizes are safe integers, below 2^53). */
export const MAX_PROOF_ELEMENTS = 64;

/** Checks (index, treeSize): safe integers with index < treeSize. */
export function aleafIndex(index: unknown, treeSize: unknown): void {
  aint(treeSize, 'treeSize');
  aint(index, 'index');
  if ((index as number) >= (treeSize as number)) {
    throw new QtError(
      'QT_MERKLE_INDEX',
      `index ${index as number} is not below treeSize ${treeSize as number}`,
      {
        path: 'index',
      },
    );
  }
}

/** Checks that `proof` is an array of 32-byte hashes; returns false early for an absurd length. */
export function aproof(proof: unknown): boolean {
  if (!Array.isArray(proof))
    throw new QtError('QT_TYPE', 'proof must be an array of 32-byte hashes', { path: 'proof' });
  if (proof.length > MAX_PROOF_ELEMENTS) return false;
  proof.forEach((p, i) => amerkleHash(p, `proof[${i}]`));
  return true;
}

/** Checks that an array source holds at least `treeSize` leaf hashes. */
export function asourceSize(source: MerkleSource, treeSize: number): void {
  if (Array.isArray(source) && source.length < treeSize) {
    throw new QtError(
      'QT_MERKLE_SIZE',
      `treeSize ${treeSize} exceeds the ${source.length} leaf hashes given`,
      {
        path: 'treeSize',
      },
    );
  }
}

/** The inclusion proof of leaf `index` in the tree of the first `treeSize` leaves of `source`. */
export function inclusionProof(
  source: MerkleSource,
  index: number,
  treeSize: number,
  hashes: HashPrimitives = nobleHashes,
): Uint8Array[] {
  aleafIndex(index, treeSize);
  const read = perfectNodeReader(source, hashes);
  asourceSize(source, treeSize);
  return inclusionRanges(index, treeSize).map((r) => rangeHash(read, r, hashes).slice());
}

/**
 * RFC 9162 §2.1.3.2: true when `proof` shows `leafHash` at `index` in the tree of `treeSize` leaves
 * whose root is `root`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hashes: HashPrimitives = nobleHashes,
): boolean {
  amerkleHash(leafHash, 'leafHash');
  amerkleHash(root, 'root');
  aleafIndex(index, treeSize);
  if (!aproof(proof)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false; // more elements than the path has levels
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r, hashes);
      // fn is the last node of its level (a right border without a sibling): climb until it has one.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p, hashes);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}
