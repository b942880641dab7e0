/**
 * Consistency proofs, RFC 9162 §2.1.4: generation (§2.1.4.1) from any MerkleSource, and
 * verification (§2.1.4.2). The error policy is that of inclusion.ts.
 *
 * Edge cases the RFC leaves to the caller, decided here:
 * - m = n: the proof is empty and the two roots must be equal.
 * - m = 0: the proof is empty and the old root must be the empty-tree hash SHA-256(""); any newer
 *   tree extends the empty tree. (Stricter than accepting any old root: a size-0 tree head with
 *   another root is malformed.)
 * - m > n: refused with QT_MERKLE_SIZE (a log never shrinks).
 */
import { aint, equalBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { amerkleHash, emptyRoot, hashChildren } from './hash.js';
import { aproof, asourceSize } from './inclusion.js';
import { consistencyRanges, floorPow2 } from './ranges.js';
import { perfectNodeReader, rangeHash, type MerkleSource } from './source.js';

/** Checks (m, n): safe integers with m <= n. */
export function atreeSizes(m: unknown, n: unknown): void {
  aint(m, 'm');
  aint(n, 'n');
  if ((m as number) > (n as number)) {
    throw new QtError(
      'QT_MERKLE_SIZE',
      `old tree size m = ${m as number} is larger than new tree size n = ${n as number}`,
      {
        path: 'm',
      },
    );
  }
}

/** The consistency proof between the trees of the first m and the first n leaves of `source`. */
export function consistencyProof(
  source: MerkleSource,
  m: number,
  n: number,
  hashes: HashPrimitives = nobleHashes,
): Uint8Array[] {
  atreeSizes(m, n);
  const read = perfectNodeReader(source, hashes);
  asourceSize(source, n);
  if (m === 0 || m === n) return [];
  return consistencyRanges(m, n).map((r) => rangeHash(read, r, hashes).slice());
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows that the tree of m leaves with root `oldRoot` is a
 * prefix of the tree of n leaves with root `newRoot`.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  hashes: HashPrimitives = nobleHashes,
): boolean {
  atreeSizes(m, n);
  amerkleHash(oldRoot, 'oldRoot');
  amerkleHash(newRoot, 'newRoot');
  if (!aproof(proof)) return false;
  if (m === 0) return proof.length === 0 && equalBytes(oldRoot, emptyRoot(hashes));
  if (m === n) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // When m is a power of two, D[0:m] is itself a node of the new tree and the proof omits it.
  const path = floorPow2(m) === m ? [oldRoot, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr, hashes);
      sr = hashChildren(c, sr, hashes);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c, hashes);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}
