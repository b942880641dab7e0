/** Shared fixtures for the sign tests: keys are made once per file (Falcon keygen is slow). */
import {
  getSuite,
  secretKeyEntry,
  SUITE_IDS,
  type KeyPair,
  type SuiteId,
} from '../../../src-shared/sign/index.js';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A deterministic key pair per suite (seed = suite index repeated). */
export function fixedKey(suite: SuiteId, fill = 1): KeyPair {
  const s = getSuite(suite);
  return s.keygen(new Uint8Array(s.seedLength).fill(fill + SUITE_IDS.indexOf(suite)));
}

export const signer = (k: KeyPair) => secretKeyEntry(k);

/** Values of the wrong type that every API taking bytes must refuse. */
export const NOT_BYTES: readonly unknown[] = [
  undefined,
  null,
  0,
  'aa',
  [1, 2, 3],
  { length: 32 },
  new Uint16Array(16),
  new DataView(new ArrayBuffer(32)),
  { 0: 1, 1: 2, length: 2, byteLength: 2, buffer: new ArrayBuffer(2) },
];

/** Flips one bit of a copy. */
export function flip(b: Uint8Array, index = 0, bit = 0): Uint8Array {
  const out = Uint8Array.from(b);
  out[index] = (out[index] as number) ^ (1 << bit);
  return out;
}
