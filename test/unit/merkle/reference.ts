/**
 * An independent oracle for the Merkle tests: the recursive definitions of RFC 9162 §2.1.1
 * (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF) written out literally over leaf data, with
 * node:crypto SHA-256. Slow (O(n) per call) and obviously correct, unlike the code under test.
 */
import { createHash } from 'node:crypto';
import type { HashPrimitives } from '../../../src-shared/hash.js';

export const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());

/** A HashPrimitives backed by node:crypto, as the Node backend would inject. */
export const nodeHashes: HashPrimitives = {
  sha256,
  keccak256: () => {
    throw new Error('not used');
  },
};

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

export function refLeaf(data: Uint8Array): Uint8Array {
  return sha256(cat(Uint8Array.of(0), data));
}

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH over leaf hashes (D given already leaf-hashed). */
export function refMth(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array(0));
  if (d.length === 1) return d[0] as Uint8Array;
  const s = k(d.length);
  return sha256(cat(Uint8Array.of(1), refMth(d.slice(0, s)), refMth(d.slice(s))));
}

export function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...refPath(m, d.slice(0, s)), refMth(d.slice(s))]
    : [...refPath(m - s, d.slice(s)), refMth(d.slice(0, s))];
}

function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const s = k(d.length);
  return m <= s
    ? [...refSubproof(m, d.slice(0, s), b), refMth(d.slice(s))]
    : [...refSubproof(m - s, d.slice(s), false), refMth(d.slice(0, s))];
}

export function refProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  return refSubproof(m, d, true);
}

/** Deterministic distinct leaf hashes for tree tests. */
export function makeLeafHashes(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => refLeaf(new TextEncoder().encode(`leaf ${i}`)));
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const hexes = (bs: readonly Uint8Array[]): string[] => bs.map(hex);
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
