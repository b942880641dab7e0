import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProof,
  inclusionProof,
  MemoryTree,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src-shared/merkle/index.js';
import { hex, hexes, makeLeafHashes, nodeHashes, refMth, refPath, refProof } from './reference.js';

const MAX = 64;
const leaves = makeLeafHashes(MAX);
const tree = MemoryTree.fromLeafHashes(leaves, nodeHashes);
const roots = Array.from({ length: MAX + 1 }, (_, n) => refMth(leaves.slice(0, n)));

function flip(proof: readonly Uint8Array[], i: number, bit: number): Uint8Array[] {
  return proof.map((p, j) => {
    if (j !== i) return p;
    const q = p.slice();
    q[bit >> 3] = (q[bit >> 3] as number) ^ (1 << (bit & 7));
    return q;
  });
}

/** Every way a valid inclusion claim can be tampered with must verify false (or be refused). */
function inclusionTamperings(i: number, n: number, proof: Uint8Array[]): boolean[] {
  const leaf = leaves[i] as Uint8Array;
  const root = roots[n] as Uint8Array;
  const out: boolean[] = [];
  const check = (f: () => boolean): void => {
    try {
      out.push(f());
    } catch {
      out.push(false);
    }
  };
  for (let j = 0; j < proof.length; j++)
    check(() => verifyInclusion(leaf, i, n, flip(proof, j, (i * 7 + j) % 256), root, nodeHashes));
  check(() => verifyInclusion(flip([leaf], 0, 3)[0] as Uint8Array, i, n, proof, root, nodeHashes));
  check(() => verifyInclusion(leaf, i, n, proof, flip([root], 0, 200)[0] as Uint8Array));
  if (i > 0) check(() => verifyInclusion(leaf, i - 1, n, proof, root, nodeHashes));
  if (i + 1 < n) check(() => verifyInclusion(leaf, i + 1, n, proof, root, nodeHashes));
  // A wrong size is checked against the root of that size: a tree head binds size and root together
  // (the signed checkpoint), while a proof alone binds only the shape the size implies (RFC 9162
  // §2.1.3.2), so sizes with the same shape and the *same* root cannot be told apart by design.
  for (const other of [n - 1, n + 1, n * 2, Math.floor(n / 2)]) {
    if (other > i && other !== n && other <= MAX)
      check(() => verifyInclusion(leaf, i, other, proof, roots[other] as Uint8Array, nodeHashes));
  }
  if (proof.length > 0) check(() => verifyInclusion(leaf, i, n, proof.slice(0, -1), root, nodeHashes));
  if (proof.length > 0) check(() => verifyInclusion(leaf, i, n, proof.slice(1), root, nodeHashes));
  check(() => verifyInclusion(leaf, i, n, [...proof, root], root, nodeHashes));
  check(() => verifyInclusion(leaf, i, n, [root, ...proof], root, nodeHashes));
  return out;
}

function consistencyTamperings(m: number, n: number, proof: Uint8Array[]): boolean[] {
  const r1 = roots[m] as Uint8Array;
  const r2 = roots[n] as Uint8Array;
  const out: boolean[] = [];
  const check = (f: () => boolean): void => {
    try {
      out.push(f());
    } catch {
      out.push(false);
    }
  };
  for (let j = 0; j < proof.length; j++)
    check(() => verifyConsistency(m, n, flip(proof, j, (m + n + j) % 256), r1, r2, nodeHashes));
  check(() => verifyConsistency(m, n, proof, flip([r1], 0, 9)[0] as Uint8Array, r2, nodeHashes));
  check(() => verifyConsistency(m, n, proof, r1, flip([r2], 0, 9)[0] as Uint8Array, nodeHashes));
  if (m !== n) check(() => verifyConsistency(m, n, proof, r2, r1, nodeHashes));
  if (m > 1) check(() => verifyConsistency(m - 1, n, proof, r1, r2, nodeHashes));
  if (m + 1 < n) check(() => verifyConsistency(m + 1, n, proof, r1, r2, nodeHashes));
  for (const other of [m - 1, m + 1, Math.floor(m / 2), m * 2]) {
    if (other > 0 && other < n && other !== m)
      check(() => verifyConsistency(other, n, proof, roots[other] as Uint8Array, r2, nodeHashes));
  }
  for (const other of [n - 1, n + 1, n * 2]) {
    if (other > m && other !== n && other <= MAX)
      check(() => verifyConsistency(m, other, proof, r1, roots[other] as Uint8Array, nodeHashes));
  }
  if (proof.length > 0) check(() => verifyConsistency(m, n, proof.slice(0, -1), r1, r2, nodeHashes));
  if (proof.length > 0) check(() => verifyConsistency(m, n, proof.slice(1), r1, r2, nodeHashes));
  check(() => verifyConsistency(m, n, [...proof, r2], r1, r2, nodeHashes));
  check(() => verifyConsistency(m, n, [r1, ...proof], r1, r2, nodeHashes));
  return out;
}

describe('exhaustive small trees (sizes 0..64)', () => {
  it('roots: CompactRange, rootFromLeafHashes and MemoryTree agree with the RFC recursion at every size', () => {
    const range = new CompactRange(nodeHashes);
    for (let n = 0; n <= MAX; n++) {
      expect(hex(range.root())).toBe(hex(roots[n] as Uint8Array));
      expect(hex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(hex(roots[n] as Uint8Array));
      expect(hex(tree.root(n))).toBe(hex(roots[n] as Uint8Array));
      if (n < MAX) range.append(leaves[n] as Uint8Array);
    }
  });

  it('every leaf is provable in every tree size, and every tampered proof fails', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(hexes(proof)).toEqual(hexes(refPath(i, leaves.slice(0, n))));
        expect(
          verifyInclusion(leaves[i] as Uint8Array, i, n, proof, roots[n] as Uint8Array, nodeHashes),
        ).toBe(true);
        expect(inclusionTamperings(i, n, proof)).not.toContain(true);
      }
    }
  });

  it('every older tree is provably consistent with every newer one, and every tampered proof fails', () => {
    for (let n = 0; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        if (m > 0) expect(hexes(proof)).toEqual(hexes(refProof(m, leaves.slice(0, n))));
        expect(
          verifyConsistency(m, n, proof, roots[m] as Uint8Array, roots[n] as Uint8Array, nodeHashes),
        ).toBe(true);
        if (m > 0 && m < n) expect(consistencyTamperings(m, n, proof)).not.toContain(true);
      }
    }
  });

  it('generic sources (arrays, getLeafHash, getNodeHash) give the same proofs as MemoryTree', () => {
    const leafReader = { getLeafHash: (i: number) => leaves[i] as Uint8Array };
    for (let n = 1; n <= 20; n++) {
      for (let i = 0; i < n; i++) {
        const want = hexes(tree.inclusionProof(i, n));
        expect(hexes(inclusionProof(leaves, i, n))).toEqual(want);
        expect(hexes(inclusionProof(leafReader, i, n, nodeHashes))).toEqual(want);
        expect(hexes(inclusionProof(tree, i, n))).toEqual(want);
      }
      for (let m = 0; m <= n; m++) {
        const want = hexes(tree.consistencyProof(m, n));
        expect(hexes(consistencyProof(leaves, m, n))).toEqual(want);
        expect(hexes(consistencyProof(leafReader, m, n))).toEqual(want);
      }
    }
  });
});

describe('random larger trees', () => {
  const big = makeLeafHashes(3000);
  const bigTree = MemoryTree.fromLeafHashes(big);
  const bigRoots = new Map<number, Uint8Array>();
  const rootOf = (n: number): Uint8Array => {
    let r = bigRoots.get(n);
    if (r === undefined) {
      r = refMth(big.slice(0, n));
      bigRoots.set(n, r);
    }
    return r;
  };

  it('inclusion proofs verify against the reference root', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, i]) => {
          const proof = bigTree.inclusionProof(i, n);
          expect(proof.length).toBeLessThanOrEqual(12);
          expect(verifyInclusion(big[i] as Uint8Array, i, n, proof, rootOf(n))).toBe(true);
          expect(verifyInclusion(big[i] as Uint8Array, i, n, flip(proof, 0, 1), rootOf(n))).toBe(
            proof.length === 0,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('consistency proofs verify against reference roots and match the RFC recursion', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        ([m, n]) => {
          const proof = bigTree.consistencyProof(m, n);
          expect(hexes(proof)).toEqual(hexes(refProof(m, big.slice(0, n))));
          expect(verifyConsistency(m, n, proof, rootOf(m), rootOf(n))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a compact range resumed from a saved state continues with the same roots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (a, b) => {
        const first = new CompactRange();
        big.slice(0, a).forEach((h) => first.append(h));
        const resumed = CompactRange.resume(first.size, first.roots());
        big.slice(a, a + b).forEach((h) => resumed.append(h));
        expect(resumed.size).toBe(a + b);
        expect(hex(resumed.root())).toBe(hex(bigTree.root(a + b)));
      }),
      { numRuns: 30 },
    );
  });
});
