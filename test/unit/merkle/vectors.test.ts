import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  MemoryTree,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src-shared/merkle/index.js';
import { QtError } from '../../../src-shared/errors.js';
import { hex, hexes, nodeHashes, unhex } from './reference.js';

interface Vectors {
  hasher: {
    empty_tree_root: string;
    empty_leaf_hash: string;
    leaf: { data_hex: string; leaf_hash: string };
    node: { left_hex: string; right_hex: string; node_hash: string };
  };
  leaves_hex: string[];
  roots: { tree_size: number; root: string }[];
  inclusion: { index: number; tree_size: number; proof: string[] }[];
  consistency: { m: number; n: number; proof: string[] }[];
}
const v = JSON.parse(
  readFileSync(new URL('../../vectors/merkle/rfc6962.json', import.meta.url), 'utf8'),
) as Vectors;
const leafHashes = v.leaves_hex.map((l) => leafHash(unhex(l)));
const rootAt = (size: number): Uint8Array => unhex(v.roots[size - 1]?.root as string);

describe('RFC 6962 hasher vectors (transparency-dev/merkle rfc6962_test.go)', () => {
  it('hashes the empty tree, the empty leaf and a leaf', () => {
    expect(hex(emptyRoot())).toBe(v.hasher.empty_tree_root);
    expect(hex(leafHash(new Uint8Array(0)))).toBe(v.hasher.empty_leaf_hash);
    expect(hex(leafHash(unhex(v.hasher.leaf.data_hex)))).toBe(v.hasher.leaf.leaf_hash);
    expect(hex(leafHash(unhex(v.hasher.leaf.data_hex), nodeHashes))).toBe(v.hasher.leaf.leaf_hash);
  });

  it('hashes a node over non-hash inputs exactly as SHA-256(0x01 || l || r)', () => {
    // The vector's children are 4-byte strings; nodeHash itself refuses non-32-byte children, so
    // the prefix rule is checked through the raw primitive here.
    const input = new Uint8Array([1, ...unhex(v.hasher.node.left_hex), ...unhex(v.hasher.node.right_hex)]);
    expect(hex(nodeHashes.sha256(input))).toBe(v.hasher.node.node_hash);
    const l = leafHashes[0] as Uint8Array;
    const r = leafHashes[1] as Uint8Array;
    expect(hex(nodeHash(l, r))).toBe(hex(nodeHashes.sha256(new Uint8Array([1, ...l, ...r]))));
  });
});

describe('RFC 6962 tree vectors (transparency-dev/merkle proof/verify_test.go)', () => {
  it.each(v.roots.map((r) => [r.tree_size, r.root] as const))('root of size %i', (size, root) => {
    expect(hex(rootFromLeafHashes(leafHashes.slice(0, size)))).toBe(root);
    expect(hex(rootFromLeafHashes(leafHashes.slice(0, size), nodeHashes))).toBe(root);
    expect(hex(MemoryTree.fromLeafHashes(leafHashes).root(size))).toBe(root);
  });

  it.each(v.inclusion.map((c) => [c.index, c.tree_size, c] as const))(
    'inclusion of %i in %i',
    (index, size, c) => {
      const proof = c.proof.map(unhex);
      expect(hexes(inclusionProof(leafHashes, index, size))).toEqual(c.proof);
      expect(hexes(MemoryTree.fromLeafHashes(leafHashes).inclusionProof(index, size))).toEqual(c.proof);
      expect(verifyInclusion(leafHashes[index] as Uint8Array, index, size, proof, rootAt(size))).toBe(true);
      expect(
        verifyInclusion(leafHashes[index] as Uint8Array, index, size, proof, rootAt(size), nodeHashes),
      ).toBe(true);
    },
  );

  it.each(v.consistency.map((c) => [c.m, c.n, c] as const))('consistency %i -> %i', (m, n, c) => {
    const proof = c.proof.map(unhex);
    expect(hexes(consistencyProof(leafHashes, m, n))).toEqual(c.proof);
    expect(hexes(MemoryTree.fromLeafHashes(leafHashes).consistencyProof(m, n))).toEqual(c.proof);
    expect(verifyConsistency(m, n, proof, rootAt(m), rootAt(n))).toBe(true);
  });
});

/** True when the call is refused: it returns false or throws a QtError. */
function refused(f: () => boolean): boolean {
  try {
    return !f();
  } catch (e) {
    return e instanceof QtError;
  }
}
const someHash = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');

describe('corrupted vector proofs (the probes of transparency-dev/merkle verify_test.go)', () => {
  it.each(v.inclusion.filter((c) => c.proof.length > 0).map((c) => [c.index, c.tree_size, c] as const))(
    'inclusion %i in %i',
    (i, n, c) => {
      const proof = c.proof.map(unhex);
      const leaf = leafHashes[i] as Uint8Array;
      const root = rootAt(n);
      const probes: (() => boolean)[] = [
        () => verifyInclusion(leaf, i - 1, n, proof, root),
        () => verifyInclusion(leaf, i + 1, n, proof, root),
        () => verifyInclusion(leaf, i ^ 2, n, proof, root),
        () => verifyInclusion(leaf, i, n * 2, proof, root),
        () => verifyInclusion(leaf, i, Math.floor(n / 2), proof, root),
        () => verifyInclusion(someHash, i, n, proof, root),
        () => verifyInclusion(leaf, i, n, proof, emptyRoot()),
        () => verifyInclusion(leaf, i, n, proof, someHash),
        () => verifyInclusion(leaf, i, n, [...proof, new Uint8Array(0)], root),
        () => verifyInclusion(leaf, i, n, [...proof, root], root),
        () => verifyInclusion(leaf, i, n, [new Uint8Array(0), ...proof], root),
        () => verifyInclusion(leaf, i, n, [root, ...proof], root),
        () => verifyInclusion(leaf, i, n, proof.slice(0, -1), root),
        () => verifyInclusion(leaf, i, n, [proof[0] as Uint8Array, someHash, ...proof.slice(1)], root),
        ...proof.map((_, j) => () => {
          const bad = proof.map((p) => p.slice());
          (bad[j] as Uint8Array)[0] = ((bad[j] as Uint8Array)[0] as number) ^ 8;
          return verifyInclusion(leaf, i, n, bad, root);
        }),
      ];
      probes.forEach((probe, k) => expect(refused(probe), `probe ${k}`).toBe(true));
    },
  );

  it.each(v.consistency.filter((c) => c.proof.length > 0).map((c) => [c.m, c.n, c] as const))(
    'consistency %i -> %i',
    (m, n, c) => {
      const proof = c.proof.map(unhex);
      const r1 = rootAt(m);
      const r2 = rootAt(n);
      const probes: (() => boolean)[] = [
        () => verifyConsistency(m - 1, n, proof, r1, r2),
        () => verifyConsistency(m + 1, n, proof, r1, r2),
        () => verifyConsistency(m ^ 2, n, proof, r1, r2),
        () => verifyConsistency(m, n * 2, proof, r1, r2),
        () => verifyConsistency(m, Math.floor(n / 2), proof, r1, r2),
        () => verifyConsistency(m, n, proof, someHash, r2),
        () => verifyConsistency(m, n, proof, r1, someHash),
        () => verifyConsistency(m, n, proof, r2, r1),
        () => verifyConsistency(m, n, [], r1, r2),
        () => verifyConsistency(m, n, [...proof, new Uint8Array(0)], r1, r2),
        () => verifyConsistency(m, n, [...proof, r1], r1, r2),
        () => verifyConsistency(m, n, [...proof, r2], r1, r2),
        () => verifyConsistency(m, n, [new Uint8Array(0), ...proof], r1, r2),
        () => verifyConsistency(m, n, [r1, ...proof], r1, r2),
        () => verifyConsistency(m, n, [r2, ...proof], r1, r2),
        () => verifyConsistency(m, n, [proof[0] as Uint8Array, ...proof], r1, r2),
        () => verifyConsistency(m, n, proof.slice(0, -1), r1, r2),
        ...proof.map((_, j) => () => {
          const bad = proof.map((p) => p.slice());
          (bad[j] as Uint8Array)[0] = ((bad[j] as Uint8Array)[0] as number) ^ 16;
          return verifyConsistency(m, n, bad, r1, r2);
        }),
      ];
      probes.forEach((probe, k) => expect(refused(probe), `probe ${k}`).toBe(true));
    },
  );
});
