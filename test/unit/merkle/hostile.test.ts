import { describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import {
  amerkleHash,
  CompactRange,
  consistencyProof,
  inclusionProof,
  leafHash,
  MAX_PROOF_ELEMENTS,
  MemoryTree,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src-shared/merkle/index.js';
import { floorPow2, splitPoint } from '../../../src-shared/merkle/ranges.js';
import { makeLeafHashes } from './reference.js';

const leaves = makeLeafHashes(8);
const tree = MemoryTree.fromLeafHashes(leaves);
const h = leaves[0] as Uint8Array;

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof QtError) return e.code;
    throw e;
  }
  return 'no error';
}

/** Values that are not 32-byte Uint8Arrays, including look-alikes. */
const notHashes: [string, unknown, string][] = [
  ['undefined', undefined, 'QT_TYPE'],
  ['null', null, 'QT_TYPE'],
  ['string', 'a'.repeat(32), 'QT_TYPE'],
  ['array of numbers', Array.from({ length: 32 }, () => 0), 'QT_TYPE'],
  ['look-alike object', { length: 32, 0: 1 }, 'QT_TYPE'],
  ['ArrayBuffer', new ArrayBuffer(32), 'QT_TYPE'],
  ['Uint16Array', new Uint16Array(16), 'QT_TYPE'],
  ['31 bytes', new Uint8Array(31), 'QT_MERKLE_HASH_LENGTH'],
  ['33 bytes', new Uint8Array(33), 'QT_MERKLE_HASH_LENGTH'],
  ['empty', new Uint8Array(0), 'QT_MERKLE_HASH_LENGTH'],
];

/** Values that are not acceptable sizes or indices. */
const notSizes: [string, unknown, string][] = [
  ['string', '1', 'QT_TYPE'],
  ['float', 1.5, 'QT_TYPE'],
  ['NaN', Number.NaN, 'QT_TYPE'],
  ['Infinity', Number.POSITIVE_INFINITY, 'QT_TYPE'],
  ['bigint', 1n, 'QT_TYPE'],
  ['unsafe integer', 2 ** 53, 'QT_TYPE'],
  ['negative', -1, 'QT_RANGE'],
];

describe('hash inputs', () => {
  it.each(notHashes)('refuses %s everywhere a hash goes', (_name, bad, want) => {
    const b = bad as Uint8Array;
    expect(code(() => amerkleHash(b, 'x'))).toBe(want);
    expect(code(() => nodeHash(b, h))).toBe(want);
    expect(code(() => nodeHash(h, b))).toBe(want);
    expect(code(() => rootFromLeafHashes([h, b]))).toBe(want);
    expect(code(() => MemoryTree.fromLeafHashes([b]))).toBe(want);
    expect(code(() => tree.append(b))).toBe(want);
    expect(code(() => new CompactRange().append(b))).toBe(want);
    expect(code(() => CompactRange.resume(1, [b]))).toBe(want);
    expect(code(() => verifyInclusion(b, 0, 1, [], h))).toBe(want);
    expect(code(() => verifyInclusion(h, 0, 1, [], b))).toBe(want);
    expect(code(() => verifyInclusion(h, 0, 2, [b], h))).toBe(want);
    expect(code(() => verifyConsistency(1, 2, [b], h, h))).toBe(want);
    expect(code(() => verifyConsistency(1, 2, [h], b, h))).toBe(want);
    expect(code(() => verifyConsistency(1, 2, [h], h, b))).toBe(want);
  });

  it('leafHash takes bytes only', () => {
    expect(code(() => leafHash('abc' as unknown as Uint8Array))).toBe('QT_TYPE');
  });

  it('refuses non-array lists', () => {
    for (const bad of [undefined, null, 'x', { length: 0 }, new Uint8Array(32)]) {
      const b = bad as Uint8Array[];
      expect(code(() => rootFromLeafHashes(b))).toBe('QT_TYPE');
      expect(code(() => MemoryTree.fromLeafHashes(b))).toBe('QT_TYPE');
      expect(code(() => CompactRange.resume(0, b))).toBe('QT_TYPE');
      expect(code(() => verifyInclusion(h, 0, 1, b, h))).toBe('QT_TYPE');
      expect(code(() => verifyConsistency(1, 2, b, h, h))).toBe('QT_TYPE');
    }
  });
});

describe('indices and sizes', () => {
  it.each(notSizes)('refuses %s as an index or size', (_name, bad, want) => {
    const b = bad as number;
    expect(code(() => inclusionProof(leaves, b, 8))).toBe(want);
    expect(code(() => inclusionProof(leaves, 0, b))).toBe(want === 'QT_RANGE' ? 'QT_RANGE' : want);
    expect(code(() => verifyInclusion(h, b, 8, [], h))).toBe(want);
    expect(code(() => verifyInclusion(h, 0, b, [], h))).toBe(want);
    expect(code(() => consistencyProof(leaves, b, 8))).toBe(want);
    expect(code(() => consistencyProof(leaves, 1, b))).toBe(want);
    expect(code(() => verifyConsistency(b, 8, [], h, h))).toBe(want);
    expect(code(() => verifyConsistency(1, b, [], h, h))).toBe(want);
    expect(code(() => tree.root(b))).toBe(want);
    expect(code(() => tree.inclusionProof(0, b))).toBe(want);
    expect(code(() => tree.consistencyProof(0, b))).toBe(want);
    expect(code(() => tree.getNodeHash(0, b))).toBe(want);
    expect(code(() => tree.getNodeHash(b, 0))).toBe(want);
    expect(code(() => CompactRange.resume(b, []))).toBe(want);
  });

  it('refuses an index at or beyond the tree size, including size 0 (QT_MERKLE_INDEX)', () => {
    expect(code(() => inclusionProof(leaves, 0, 0))).toBe('QT_MERKLE_INDEX');
    expect(code(() => inclusionProof(leaves, 8, 8))).toBe('QT_MERKLE_INDEX');
    expect(code(() => tree.inclusionProof(3, 3))).toBe('QT_MERKLE_INDEX');
    expect(code(() => verifyInclusion(h, 0, 0, [], h))).toBe('QT_MERKLE_INDEX');
    expect(code(() => verifyInclusion(h, 5, 5, [], h))).toBe('QT_MERKLE_INDEX');
    expect(code(() => tree.getNodeHash(0, 8))).toBe('QT_MERKLE_INDEX');
    expect(code(() => tree.getNodeHash(3, 1))).toBe('QT_MERKLE_INDEX');
    expect(code(() => tree.getNodeHash(4, 0))).toBe('QT_MERKLE_INDEX');
    expect(code(() => tree.getNodeHash(64, 0))).toBe('QT_RANGE');
    expect(code(() => tree.getLeafHash(8))).toBe('QT_MERKLE_INDEX');
  });

  it('refuses sizes beyond the stored tree and shrinking trees (QT_MERKLE_SIZE)', () => {
    expect(code(() => inclusionProof(leaves, 0, 9))).toBe('QT_MERKLE_SIZE');
    expect(code(() => consistencyProof(leaves, 1, 9))).toBe('QT_MERKLE_SIZE');
    expect(code(() => consistencyProof(leaves, 5, 4))).toBe('QT_MERKLE_SIZE');
    expect(code(() => verifyConsistency(2, 1, [], h, h))).toBe('QT_MERKLE_SIZE');
    expect(code(() => tree.root(9))).toBe('QT_MERKLE_SIZE');
    expect(code(() => tree.inclusionProof(0, 9))).toBe('QT_MERKLE_SIZE');
    expect(code(() => tree.consistencyProof(1, 9))).toBe('QT_MERKLE_SIZE');
    expect(code(() => CompactRange.resume(3, [h]))).toBe('QT_MERKLE_SIZE');
    expect(code(() => CompactRange.resume(2, [h, h]))).toBe('QT_MERKLE_SIZE');
  });

  it('refuses to append beyond 2^53 - 1 leaves', () => {
    const roots = Array.from({ length: 53 }, () => h);
    const full = CompactRange.resume(Number.MAX_SAFE_INTEGER, roots);
    expect(code(() => full.append(h))).toBe('QT_MERKLE_SIZE');
  });
});

describe('proof lists', () => {
  it('returns false, without hashing, for a proof longer than any tree allows', () => {
    const long = Array.from(
      { length: MAX_PROOF_ELEMENTS + 1 },
      () => 'not even bytes',
    ) as unknown as Uint8Array[];
    expect(verifyInclusion(h, 0, 2, long, h)).toBe(false);
    expect(verifyConsistency(1, 2, long, h, h)).toBe(false);
  });

  it('returns false for edge cases of consistency', () => {
    const r = tree.root(8);
    expect(verifyConsistency(0, 8, [], tree.root(0), r)).toBe(true);
    expect(verifyConsistency(0, 8, [], r, r)).toBe(false); // size 0 must have the empty root
    expect(verifyConsistency(0, 0, [h], tree.root(0), tree.root(0))).toBe(false);
    expect(verifyConsistency(8, 8, [], r, r)).toBe(true);
    expect(verifyConsistency(8, 8, [h], r, r)).toBe(false);
    expect(verifyConsistency(8, 8, [], r, h)).toBe(false);
    expect(verifyConsistency(4, 8, [], tree.root(4), r)).toBe(false);
  });
});

describe('sources', () => {
  it('refuses a source that is not an array or reader', () => {
    for (const bad of [undefined, null, 42, 'x', {}, { getNodeHash: 1 }]) {
      expect(code(() => inclusionProof(bad as never, 0, 1))).toBe('QT_TYPE');
      expect(code(() => consistencyProof(bad as never, 1, 2))).toBe('QT_TYPE');
    }
  });

  it('refuses bad values returned by storage (QT_MERKLE_STORAGE)', () => {
    const badNode = { getNodeHash: () => new Uint8Array(31) };
    const missing = { getNodeHash: () => undefined as unknown as Uint8Array };
    const badLeaf = { getLeafHash: () => 'x' as unknown as Uint8Array };
    expect(code(() => inclusionProof(badNode, 0, 2))).toBe('QT_MERKLE_STORAGE');
    expect(code(() => inclusionProof(missing, 0, 2))).toBe('QT_MERKLE_STORAGE');
    expect(code(() => inclusionProof(badLeaf, 0, 2))).toBe('QT_MERKLE_STORAGE');
    expect(code(() => inclusionProof([h, new Uint8Array(3)], 0, 2))).toBe('QT_MERKLE_STORAGE');
    expect(code(() => consistencyProof(badNode, 1, 2))).toBe('QT_MERKLE_STORAGE');
  });

  it('hands out copies: mutating a returned hash does not change the tree', () => {
    const before = tree.root();
    tree.getNodeHash(0, 0).fill(0);
    tree.inclusionProof(0).forEach((p) => p.fill(0));
    tree.root().fill(0);
    tree.root(1).fill(0);
    expect(tree.root()).toEqual(before);
    const range = new CompactRange();
    range.append(h);
    range.root().fill(0);
    range.roots()[0]?.fill(0);
    expect(range.root()).toEqual(h);
  });

  it('MemoryTree grows past its initial capacity and keeps proofs valid', () => {
    const many = makeLeafHashes(300);
    const t = new MemoryTree();
    many.forEach((x, i) => expect(t.append(x)).toBe(i));
    expect(t.size).toBe(300);
    expect(verifyInclusion(many[299] as Uint8Array, 299, 300, t.inclusionProof(299), t.root())).toBe(true);
    expect(t.getLeafHash(7)).toEqual(many[7]);
    // Proofs of the latest size share cached right-border hashes; an append must invalidate them.
    for (let round = 0; round < 2; round++) {
      const root = t.root();
      for (let i = 0; i < t.size; i++) {
        expect(verifyInclusion(t.getLeafHash(i), i, t.size, t.inclusionProof(i), root)).toBe(true);
      }
      t.append(many[round] as Uint8Array);
    }
  });
});

describe('range arithmetic beyond 32 bits', () => {
  it('computes powers of two for sizes above 2^32', () => {
    expect(floorPow2(1)).toBe(1);
    expect(floorPow2(2 ** 32 - 1)).toBe(2 ** 31);
    expect(floorPow2(2 ** 32)).toBe(2 ** 32);
    expect(floorPow2(2 ** 40 + 5)).toBe(2 ** 40);
    expect(floorPow2(Number.MAX_SAFE_INTEGER)).toBe(2 ** 52);
    expect(splitPoint(2 ** 33)).toBe(2 ** 32);
    expect(splitPoint(2 ** 33 + 1)).toBe(2 ** 33);
  });

  it('proves and verifies in a tree of 2^40 + 3 leaves (all leaves equal)', () => {
    // With every leaf equal to h, the perfect subtree of level l has hash P[l] = node(P[l-1], P[l-1]),
    // so a storage reader is one array lookup and the root of 2^40 + 2 + 1 leaves is known in closed
    // form: node(P[40], node(P[1], P[0])). This exercises the index arithmetic beyond 32 bits.
    const P: Uint8Array[] = [h];
    for (let l = 1; l <= 41; l++) P.push(nodeHash(P[l - 1] as Uint8Array, P[l - 1] as Uint8Array));
    const reader = { getNodeHash: (level: number) => P[level] as Uint8Array };
    const n = 2 ** 40 + 3;
    const root = nodeHash(P[40] as Uint8Array, nodeHash(P[1] as Uint8Array, P[0] as Uint8Array));
    for (const i of [0, 2 ** 39 + 12345, 2 ** 40 - 1, 2 ** 40, 2 ** 40 + 1, 2 ** 40 + 2]) {
      const proof = inclusionProof(reader, i, n);
      expect(verifyInclusion(h, i, n, proof, root)).toBe(true);
      expect(verifyInclusion(h, i, n, proof, P[41] as Uint8Array)).toBe(false);
    }
    const proof = consistencyProof(reader, 2 ** 40, n);
    expect(verifyConsistency(2 ** 40, n, proof, P[40] as Uint8Array, root)).toBe(true);
    expect(
      verifyConsistency(
        2 ** 40 + 1,
        n,
        consistencyProof(reader, 2 ** 40 + 1, n),
        nodeHash(P[40] as Uint8Array, h),
        root,
      ),
    ).toBe(true);
  });
});
