/**
 * Where proof generation reads hashes from. A log stored in SQLite serves proofs through one of
 * the accessor interfaces; small in-memory callers can pass the array of leaf hashes.
 *
 * - `NodeHashReader.getNodeHash(level, index)` returns the hash of the perfect subtree covering
 *   leaves [index * 2^level, (index + 1) * 2^level); level 0 is the leaf hash. Only perfect
 *   (complete) subtrees are ever requested, so a store need never update a node once written.
 * - `LeafHashReader.getLeafHash(index)` returns one leaf hash; interior nodes are then recomputed
 *   from leaves (O(n) work per proof: fine for small logs and tests, not for a large log).
 */
import { QtError } from '../errors.js';
import { describe, isBytes } from '../bytes.js';
import type { HashPrimitives } from '../hash.js';
import { hashChildren, MERKLE_HASH_SIZE } from './hash.js';
import { floorPow2, log2, type LeafRange } from './ranges.js';

export interface NodeHashReader {
  getNodeHash(level: number, index: number): Uint8Array;
}

export interface LeafHashReader {
  getLeafHash(index: number): Uint8Array;
}

export type MerkleSource = readonly Uint8Array[] | NodeHashReader | LeafHashReader;

/** Reads the hash of the perfect subtree (level, index). */
export type PerfectNodeReader = (level: number, index: number) => Uint8Array;

function checked(value: unknown, what: string): Uint8Array {
  if (!isBytes(value) || value.length !== MERKLE_HASH_SIZE) {
    const got = isBytes(value) ? `${value.length} bytes` : describe(value);
    throw new QtError(
      'QT_MERKLE_STORAGE',
      `${what} must return a ${MERKLE_HASH_SIZE}-byte hash, got ${got}`,
      {
        path: what,
      },
    );
  }
  return value;
}

/** Turns any accepted source into a perfect-node reader; values returned by storage are checked. */
export function perfectNodeReader(source: unknown, hashes: HashPrimitives): PerfectNodeReader {
  if (Array.isArray(source)) {
    const leaves = source as readonly unknown[];
    return fromLeaves((i) => checked(leaves[i], `leafHashes[${i}]`), hashes);
  }
  if (typeof source === 'object' && source !== null) {
    const s = source as Partial<NodeHashReader & LeafHashReader>;
    if (typeof s.getNodeHash === 'function') {
      const get = s.getNodeHash.bind(source);
      return (level, index) => checked(get(level, index), `getNodeHash(${level}, ${index})`);
    }
    if (typeof s.getLeafHash === 'function') {
      const get = s.getLeafHash.bind(source);
      return fromLeaves((i) => checked(get(i), `getLeafHash(${i})`), hashes);
    }
  }
  throw new QtError(
    'QT_TYPE',
    `source must be an array of leaf hashes or an object with getNodeHash(level, index) or getLeafHash(index), got ${describe(source)}`,
    { path: 'source' },
  );
}

function fromLeaves(leaf: (i: number) => Uint8Array, hashes: HashPrimitives): PerfectNodeReader {
  const node = (level: number, index: number): Uint8Array => {
    if (level === 0) return leaf(index);
    return hashChildren(node(level - 1, 2 * index), node(level - 1, 2 * index + 1), hashes);
  };
  return node;
}

/**
 * MTH(D[start:end]) from perfect subtrees: the range splits into perfect subtrees of decreasing
 * power-of-two sizes (the binary digits of end - start, each aligned because `start` is aligned to
 * the largest), and RFC 9162 §2.1.1 combines them right to left.
 */
export function rangeHash(read: PerfectNodeReader, range: LeafRange, hashes: HashPrimitives): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (let s = range.start; s < range.end;) {
    const p = floorPow2(range.end - s);
    pieces.push(read(log2(p), s / p));
    s += p;
  }
  let h = pieces[pieces.length - 1] as Uint8Array;
  for (let j = pieces.length - 2; j >= 0; j--) h = hashChildren(pieces[j] as Uint8Array, h, hashes);
  return h;
}
