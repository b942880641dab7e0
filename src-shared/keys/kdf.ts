/**
 * Passphrase key derivation for sealed secret keys: scrypt (RFC 7914).
 *
 * The parameters travel in the key file, so they are attacker-controlled on load: before any
 * work is done they are checked against fixed bounds (memory 128·N·r bytes, work N·r·p), so a
 * crafted file cannot make `qtrust sign` allocate gigabytes or spin for minutes.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { aint, abytes, bytesToUtf8, utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Written into every new key file: about 128 MiB and well under a second with node:crypto here. */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

export const SCRYPT_SALT_LENGTH = 32;
export const SCRYPT_KEY_LENGTH = 32;

/** Bounds applied to parameters read from a file (and to the ones used for sealing). */
export const SCRYPT_LIMITS = Object.freeze({
  /** Below 2^10 a passphrase is barely stretched; tests use 2^10, files use the default. */
  minLog2N: 10,
  maxLog2N: 20,
  maxR: 32,
  maxP: 16,
  /** 128·N·r bytes of memory: 256 MiB, twice the default. */
  maxMemory: 2 ** 28,
  /** N·r·p block mixes: 4 times the default. */
  maxWork: 2 ** 22,
});

/**
 * A passphrase KDF: derives `SCRYPT_KEY_LENGTH` bytes. Injected so that the Node side can use
 * node:crypto's native scrypt (several times faster) with output identical to noble's.
 */
export type Kdf = (passphrase: Uint8Array, salt: Uint8Array, params: ScryptParams) => Promise<Uint8Array>;

/** Checks scrypt parameters against SCRYPT_LIMITS; `path` names their location in the file. */
export function ascryptParams(params: ScryptParams, path = 'kdf'): ScryptParams {
  const N = inRange(params.N, `${path}.N`, 2 ** SCRYPT_LIMITS.minLog2N, 2 ** SCRYPT_LIMITS.maxLog2N);
  const r = inRange(params.r, `${path}.r`, 1, SCRYPT_LIMITS.maxR);
  const p = inRange(params.p, `${path}.p`, 1, SCRYPT_LIMITS.maxP);
  if ((N & (N - 1)) !== 0) {
    throw new QtError('QT_KEY_KDF_PARAMS', `${path}.N must be a power of two, got ${N}`, {
      path: `${path}.N`,
    });
  }
  if (128 * N * r > SCRYPT_LIMITS.maxMemory) {
    throw new QtError(
      'QT_KEY_KDF_PARAMS',
      `${path}: scrypt would need ${128 * N * r} bytes of memory (128·N·r), more than the limit ${SCRYPT_LIMITS.maxMemory}`,
      { path },
    );
  }
  if (N * r * p > SCRYPT_LIMITS.maxWork) {
    throw new QtError(
      'QT_KEY_KDF_PARAMS',
      `${path}: scrypt work N·r·p = ${N * r * p} exceeds the limit ${SCRYPT_LIMITS.maxWork}`,
      { path },
    );
  }
  return { N, r, p };
}

function inRange(value: unknown, name: string, min: number, max: number): number {
  const n = aint(value, name, -Number.MAX_SAFE_INTEGER);
  if (n < min || n > max) {
    throw new QtError('QT_KEY_KDF_PARAMS', `${name} must be between ${min} and ${max}, got ${n}`, {
      path: name,
    });
  }
  return n;
}

/** Pure-JS scrypt from @noble/hashes; the default KDF of the core. */
export const nobleScryptKdf: Kdf = async (passphrase, salt, params) => {
  abytes(passphrase, 'passphrase');
  abytes(salt, 'salt', SCRYPT_SALT_LENGTH);
  const { N, r, p } = ascryptParams(params);
  return scryptAsync(passphrase, salt, {
    N,
    r,
    p,
    dkLen: SCRYPT_KEY_LENGTH,
    maxmem: SCRYPT_LIMITS.maxMemory + 4096,
  });
};

/**
 * The passphrase as the KDF sees it: UTF-8 of the NFC-normalized text, so that the same typed
 * passphrase unlocks a file on every platform and keyboard. An empty passphrase is refused.
 */
export function passphraseFromText(text: string, name = 'passphrase'): Uint8Array {
  const bytes = utf8ToBytes(text.normalize('NFC'));
  if (bytes.length === 0) {
    throw new QtError('QT_PASSPHRASE', `${name} must not be empty`, { path: name });
  }
  return bytes;
}

/** Same as passphraseFromText for bytes read from a file (strict UTF-8). */
export function passphraseFromBytes(bytes: Uint8Array, name = 'passphrase'): Uint8Array {
  return passphraseFromText(bytesToUtf8(abytes(bytes, name), name), name);
}
