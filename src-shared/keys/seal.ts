/**
 * secret.json: a key set's secret keys, sealed under a passphrase (docs/formats.md, "Secret keys
 * at rest").
 *
 *   key        = scrypt(passphrase, salt, N, r, p, dkLen = 32)          (RFC 7914)
 *   aad        = H(qtrust/sealed-key/v1, JCS({ v, type, keyids, kdf, aead }))
 *   ciphertext = XChaCha20-Poly1305(key, nonce (24 random bytes), aad).encrypt(plaintext)
 *
 * where `plaintext` is secret-encoding.ts's binary form. Binding the header as associated data
 * means that swapping key ids, lowering the KDF cost or moving a ciphertext under another header
 * fails decryption exactly as a wrong passphrase does. The unsealed keys are then checked like any
 * other (key ids, pairwise consistency) before they are returned.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { abytes, fromBase64url, toBase64url, wipe } from '../bytes.js';
import { canonicalBytes } from '../canonical.js';
import { QtError } from '../errors.js';
import { TAGS, hashTagged, type HashPrimitives } from '../hash.js';
import { keyId, type SecretKeyEntry, type SuiteBackend } from '../sign/index.js';
import { checkDistinct, checkKeyPair } from './consistency.js';
import {
  DEFAULT_SCRYPT,
  SCRYPT_SALT_LENGTH,
  ascryptParams,
  nobleScryptKdf,
  type Kdf,
  type ScryptParams,
} from './kdf.js';
import {
  SEALED_AEAD,
  SECRET_KEYSET_TYPE,
  parseSecretKeySetJson,
  type PlaintextSecretKeySetJson,
  type SealedSecretKeySetJson,
  type SecretKeySetJson,
} from './schema.js';
import { decodeSecretKeys, encodeSecretKeys } from './secret-encoding.js';

export const NONCE_LENGTH = 24;
const TAG_LENGTH = 16;

export interface SealOptions {
  readonly params?: ScryptParams;
  /** 32 bytes; random by default. Given only by tests and vectors. */
  readonly salt?: Uint8Array;
  /** 24 bytes; random by default. Given only by tests and vectors. */
  readonly nonce?: Uint8Array;
  readonly kdf?: Kdf;
  readonly backend?: SuiteBackend;
  readonly hashes?: HashPrimitives;
}

export interface OpenOptions {
  readonly kdf?: Kdf;
  readonly backend?: SuiteBackend;
  readonly hashes?: HashPrimitives;
}

export interface OpenedKeySet {
  readonly keys: SecretKeyEntry[];
  /** True when the file held its keys in plaintext (`"insecure": true`). */
  readonly insecure: boolean;
}

type SealedHeader = Pick<SealedSecretKeySetJson, 'v' | 'type' | 'keyids'> & {
  kdf: SealedSecretKeySetJson['sealed']['kdf'];
  aead: typeof SEALED_AEAD;
};

/** The associated data: the tagged hash of the canonical header. Exported for vectors. */
export function sealedAad(header: SealedHeader, hashes?: HashPrimitives): Uint8Array {
  return hashTagged(TAGS.sealedKey, canonicalBytes(header), hashes);
}

/** Seals `keys` (checked first: key ids and pairwise consistency) under `passphrase`. */
export async function sealSecretKeySet(
  keys: readonly SecretKeyEntry[],
  passphrase: Uint8Array,
  opts: SealOptions = {},
): Promise<SealedSecretKeySetJson> {
  abytes(passphrase, 'passphrase');
  if (passphrase.length === 0)
    throw new QtError('QT_PASSPHRASE', 'passphrase must not be empty', { path: 'passphrase' });
  checkKeys(keys, opts.backend);
  const params = ascryptParams(opts.params ?? DEFAULT_SCRYPT, 'params');
  const salt = abytes(opts.salt ?? randomBytes(SCRYPT_SALT_LENGTH), 'salt', SCRYPT_SALT_LENGTH);
  const nonce = abytes(opts.nonce ?? randomBytes(NONCE_LENGTH), 'nonce', NONCE_LENGTH);
  const header: SealedHeader = {
    v: 1,
    type: SECRET_KEYSET_TYPE,
    keyids: keys.map((k) => k.keyid),
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: toBase64url(salt) },
    aead: SEALED_AEAD,
  };
  const key = await (opts.kdf ?? nobleScryptKdf)(passphrase, salt, params);
  const plaintext = encodeSecretKeys(keys);
  try {
    const ciphertext = xchacha20poly1305(key, nonce, sealedAad(header, opts.hashes)).encrypt(plaintext);
    return {
      v: 1,
      type: SECRET_KEYSET_TYPE,
      keyids: header.keyids,
      sealed: {
        kdf: header.kdf,
        aead: SEALED_AEAD,
        nonce: toBase64url(nonce),
        ciphertext: toBase64url(ciphertext),
      },
    };
  } finally {
    wipe(key, plaintext);
  }
}

/** The unprotected form, written only when the user asked for it (`--insecure-plaintext`). */
export function plaintextSecretKeySet(
  keys: readonly SecretKeyEntry[],
  backend?: SuiteBackend,
): PlaintextSecretKeySetJson {
  checkKeys(keys, backend);
  return {
    v: 1,
    type: SECRET_KEYSET_TYPE,
    keyids: keys.map((k) => k.keyid),
    insecure: true,
    plaintext: {
      keys: keys.map((k) => ({
        suite: k.suite,
        keyid: k.keyid,
        publicKey: toBase64url(k.publicKey),
        secretKey: toBase64url(k.secretKey),
      })),
    },
  };
}

/** Parses a secret key set (either form) without opening it; tells the caller whether a passphrase is needed. */
export function parseSecretKeySet(value: unknown): SecretKeySetJson {
  return parseSecretKeySetJson(value);
}

export function isSealed(set: SecretKeySetJson): set is SealedSecretKeySetJson {
  return 'sealed' in set;
}

/**
 * Opens a secret key set. A sealed set needs `passphrase`; a wrong one, or any change to the file,
 * fails with QT_KEY_DECRYPT. The returned secret keys belong to the caller, who wipes them
 * (wipeSecretKeys) when done.
 */
export async function openSecretKeySet(
  value: unknown,
  passphrase: Uint8Array | undefined,
  opts: OpenOptions = {},
): Promise<OpenedKeySet> {
  const set = parseSecretKeySetJson(value);
  if (!isSealed(set)) {
    const keys = set.plaintext.keys.map((k, i) => ({
      suite: k.suite,
      keyid: k.keyid,
      publicKey: fromBase64url(k.publicKey, `$.plaintext.keys[${i}].publicKey`),
      secretKey: fromBase64url(k.secretKey, `$.plaintext.keys[${i}].secretKey`),
    }));
    return { keys: finishOpen(keys, set.keyids, '$.plaintext.keys', opts.backend), insecure: true };
  }
  const { kdf: kdfJson, nonce: nonceText, ciphertext: ctText } = set.sealed;
  const params = ascryptParams(kdfJson, '$.sealed.kdf');
  const salt = fromBase64url(kdfJson.salt, '$.sealed.kdf.salt');
  if (salt.length !== SCRYPT_SALT_LENGTH) {
    throw new QtError(
      'QT_KEYSET_FORMAT',
      `$.sealed.kdf.salt must be ${SCRYPT_SALT_LENGTH} bytes, got ${salt.length}`,
      {
        path: '$.sealed.kdf.salt',
      },
    );
  }
  const nonce = fromBase64url(nonceText, '$.sealed.nonce');
  if (nonce.length !== NONCE_LENGTH) {
    throw new QtError(
      'QT_KEYSET_FORMAT',
      `$.sealed.nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`,
      {
        path: '$.sealed.nonce',
      },
    );
  }
  const ciphertext = fromBase64url(ctText, '$.sealed.ciphertext');
  if (ciphertext.length <= TAG_LENGTH) {
    throw new QtError('QT_KEYSET_FORMAT', '$.sealed.ciphertext is too short to hold any key', {
      path: '$.sealed.ciphertext',
    });
  }
  if (passphrase === undefined) {
    throw new QtError('QT_PASSPHRASE', 'the secret key set is sealed: a passphrase is required', {
      path: 'passphrase',
    });
  }
  abytes(passphrase, 'passphrase');
  const header: SealedHeader = {
    v: set.v,
    type: set.type,
    keyids: set.keyids,
    kdf: kdfJson,
    aead: set.sealed.aead,
  };
  const key = await (opts.kdf ?? nobleScryptKdf)(passphrase, salt, params);
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(key, nonce, sealedAad(header, opts.hashes)).decrypt(ciphertext);
  } catch (cause) {
    throw new QtError('QT_KEY_DECRYPT', 'cannot open the secret key set: wrong passphrase or damaged file', {
      path: '$.sealed',
      cause,
    });
  } finally {
    wipe(key);
  }
  let raw;
  try {
    raw = decodeSecretKeys(plaintext);
  } finally {
    wipe(plaintext);
  }
  const keys = raw.map((k, i) => ({ ...k, keyid: set.keyids[i] ?? '' }));
  return { keys: finishOpen(keys, set.keyids, '$.sealed', opts.backend), insecure: false };
}

/** Overwrites every secret key with zeros. */
export function wipeSecretKeys(keys: readonly SecretKeyEntry[]): void {
  for (const k of keys) wipe(k.secretKey);
}

function checkKeys(keys: readonly SecretKeyEntry[], backend: SuiteBackend | undefined): void {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new QtError('QT_RANGE', 'keys must be a non-empty array of secret key entries', { path: 'keys' });
  }
  checkDistinct(
    keys.map((k, i) => checkKeyPair(k, `keys[${i}]`, backend)),
    'keys',
  );
}

/** Checks opened keys against the header's key ids; wipes them all if anything is wrong. */
function finishOpen(
  keys: SecretKeyEntry[],
  keyids: readonly string[],
  path: string,
  backend: SuiteBackend | undefined,
): SecretKeyEntry[] {
  try {
    if (keys.length !== keyids.length) {
      throw new QtError(
        'QT_KEY_MISMATCH',
        `$.keyids lists ${keyids.length} keys but the file holds ${keys.length}`,
        {
          path: '$.keyids',
        },
      );
    }
    keys.forEach((k, i) => {
      if (k.keyid !== keyids[i] || keyId(k.suite, k.publicKey) !== keyids[i]) {
        throw new QtError('QT_KEY_MISMATCH', `$.keyids[${i}] does not match the key it names`, {
          path: `$.keyids[${i}]`,
        });
      }
      checkKeyPair(k, `${path}[${i}]`, backend);
    });
    checkDistinct(keys, path);
    return keys;
  } catch (e) {
    wipeSecretKeys(keys);
    throw e;
  }
}
