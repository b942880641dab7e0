// Shared fixtures for the key-set tests: deterministic key sets and cheap scrypt parameters.
import { generateKeySet, type ScryptParams } from '../../../src-shared/keys/index.js';
import type { SecretKeyEntry } from '../../../src-shared/sign/index.js';

/** The smallest cost the reader accepts; keeps each derivation to a few milliseconds. */
export const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
export const PASS = new TextEncoder().encode('correct horse battery staple');

export function seed(byte: number, length: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

/** ed25519 + ml-dsa-65 from fixed seeds (32 bytes each). */
export function fixedKeys(byte = 1): SecretKeyEntry[] {
  return generateKeySet('ed25519+ml-dsa-65', [seed(byte, 32), seed(byte + 1, 32)]);
}

export const SALT = seed(0xa5, 32);
export const NONCE = seed(0x5a, 24);

/** A deep copy of a JSON value, for tampering. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Flips one bit of the base64url-encoded bytes at byte `index`. */
export function flipB64(text: string, index = 0): string {
  const bytes = Buffer.from(text, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes.toString('base64url');
}

/** A JSON value opened up for tampering with arbitrary (wrong-typed) members. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile-input tests write values of any type
export type Tamperable = Record<string, any>;
