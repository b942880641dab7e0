/**
 * Everything secret or random in a demo log comes from its seed through HKDF-SHA-256 (RFC 5869):
 *
 *   bytes(seed, label, length) = HKDF(IKM = utf8(seed), salt = utf8("qtrust/demo/v1"),
 *                                     info = utf8(label), L = length)
 *
 * One label per use (`producer/ed25519`, `approver/alice/ml-dsa-65`, `prng`...), so every key and
 * the PRNG seed are independent of each other, and the same seed always gives the same keys. The
 * keys are then made by each suite's deterministic keygen(seed). A demo seed is a name, not a
 * secret: anyone who knows it can rebuild every key of the demo. Never use demo keys for anything
 * else.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { astring, utf8ToBytes } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { generateKeySet } from '../../src-shared/keys/index.js';
import { getSuite, type SecretKeyEntry, type SuiteId } from '../../src-shared/sign/index.js';

export const DEMO_SALT = 'qtrust/demo/v1';
/** Longest seed text accepted. */
export const MAX_SEED_LENGTH = 256;

/** Checks a seed: 1 to 256 characters without control characters. */
export function aseed(value: unknown, name = 'seed'): string {
  const s = astring(value, name);
  // eslint-disable-next-line no-control-regex
  if (s.length === 0 || s.length > MAX_SEED_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(s)) {
    throw new QtError(
      'QT_RANGE',
      `${name} must be 1 to ${MAX_SEED_LENGTH} characters without control characters`,
      { path: name },
    );
  }
  return s;
}

/** HKDF-SHA-256 output of `length` bytes for `label` (see the file comment). */
export function seedBytes(seed: string, label: string, length: number): Uint8Array {
  aseed(seed);
  astring(label, 'label', { nonEmpty: true });
  return hkdf(sha256, utf8ToBytes(seed), utf8ToBytes(DEMO_SALT), utf8ToBytes(label), length);
}

/** The key set `<owner>/<suite>` for each suite, from the seed. */
export function seedKeySet(seed: string, owner: string, suites: readonly SuiteId[]): SecretKeyEntry[] {
  return generateKeySet(
    suites.join('+'),
    suites.map((s) => seedBytes(seed, `${owner}/${s}`, getSuite(s).seedLength)),
  );
}
