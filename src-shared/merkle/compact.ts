/**
 * An incremental Merkle tree with O(log n) state: a "compact range" over [0, size), i.e. the roots
 * of the perfect subtrees given by the binary digits of `size`, largest first. Appending a leaf
 * merges equal-sized subtrees like a binary counter's carry, and the root at the current size is
 * those roots combined right to left (RFC 9162 §2.1.1). Memory stays at most 53 hashes whatever
 * the number of leaves, which is what a streaming verifier needs.
 */
import { aint } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { amerkleHash, emptyRoot, hashChildren } from './hash.js';

function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) count += x % 2;
  return count;
}

export class CompactRange {
  readonly #hashes: HashPrimitives;
  /** Perfect subtree roots, largest (leftmost) first; one per set bit of #size. */
  readonly #roots: Uint8Array[] = [];
  #size = 0;

  constructor(hashes: HashPrimitives = nobleHashes) {
    this.#hashes = hashes;
  }

  /**
   * Resumes from a saved state (`size` and `roots()` of an earlier range). The number of roots must
   * equal the number of set bits of `size` (QT_MERKLE_SIZE otherwise).
   */
  static resume(
    size: number,
    roots: readonly Uint8Array[],
    hashes: HashPrimitives = nobleHashes,
  ): CompactRange {
    aint(size, 'size');
    if (!Array.isArray(roots))
      throw new QtError('QT_TYPE', 'roots must be an array of hashes', { path: 'roots' });
    if (roots.length !== popcount(size)) {
      throw new QtError(
        'QT_MERKLE_SIZE',
        `a compact range of size ${size} has ${popcount(size)} roots, got ${roots.length}`,
        {
          path: 'roots',
        },
      );
    }
    const range = new CompactRange(hashes);
    roots.forEach((r, i) => range.#roots.push(amerkleHash(r, `roots[${i}]`).slice()));
    range.#size = size;
    return range;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect subtree roots, largest first: with `size`, the state to persist. */
  roots(): Uint8Array[] {
    return this.#roots.map((r) => r.slice());
  }

  /** Appends one leaf hash (32 bytes, already leaf-hashed with `leafHash`). */
  append(leafHash: Uint8Array): void {
    amerkleHash(leafHash, 'leafHash');
    if (this.#size === Number.MAX_SAFE_INTEGER) {
      throw new QtError('QT_MERKLE_SIZE', 'the tree is full (2^53 - 1 leaves)', { path: 'leafHash' });
    }
    let h: Uint8Array = leafHash.slice();
    // Each trailing 1 bit of the old size is a subtree of the same size as the carry: merge it.
    for (let s = this.#size; s % 2 === 1; s = Math.floor(s / 2)) {
      h = hashChildren(this.#roots.pop() as Uint8Array, h, this.#hashes);
    }
    this.#roots.push(h);
    this.#size++;
  }

  /** MTH(D[0:size]) for the leaves appended so far; SHA-256("") when empty. */
  root(): Uint8Array {
    const n = this.#roots.length;
    if (n === 0) return emptyRoot(this.#hashes);
    let h = this.#roots[n - 1] as Uint8Array;
    for (let j = n - 2; j >= 0; j--) h = hashChildren(this.#roots[j] as Uint8Array, h, this.#hashes);
    return h === this.#roots[n - 1] ? h.slice() : h;
  }
}

/** MTH(D[0:n]) of RFC 9162 §2.1.1 for a list of leaf hashes (each 32 bytes). */
export function rootFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  hashes: HashPrimitives = nobleHashes,
): Uint8Array {
  if (!Array.isArray(leafHashes)) {
    throw new QtError('QT_TYPE', 'leafHashes must be an array of 32-byte hashes', { path: 'leafHashes' });
  }
  const range = new CompactRange(hashes);
  leafHashes.forEach((h, i) => {
    amerkleHash(h, `leafHashes[${i}]`);
    range.append(h);
  });
  return range.root();
}
