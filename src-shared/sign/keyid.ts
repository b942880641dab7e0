/**
 * Key ids: a short, stable name derived from the public key alone.
 *
 *   keyid = suite ":" hex( first 16 bytes of H("qtrust/keyid/v1", utf8(suite) || 0x00 || publicKey) )
 *
 * The suite is bound into the hash (and spelled out in front), so the same bytes read under two
 * suites get two different ids; the 0x00 separator cannot occur in a suite id, which keeps the
 * input injective. 128 bits leave second-preimage attacks out of reach; key ids are names, and
 * every verification still checks the full public key.
 */
import { abytes, aplainObject, astring, bytesToHex, concatBytes, utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { hashTagged, TAGS, type HashPrimitives } from '../hash.js';
import { getSuite } from './suites.js';
import type { KeyPair, SuiteId } from './suite.js';

export interface PublicKeyEntry {
  readonly suite: SuiteId;
  readonly keyid: string;
  readonly publicKey: Uint8Array;
}

export interface SecretKeyEntry extends PublicKeyEntry {
  readonly secretKey: Uint8Array;
}

/** Bytes of the digest kept in a key id. */
export const KEYID_BYTES = 16;

/** The shape of every key id; the suite part must also name a registered suite. */
export const KEYID_PATTERN = /^([a-z0-9-]{1,32}):([0-9a-f]{32})$/;

export function keyId(suite: SuiteId, publicKey: Uint8Array, hashes?: HashPrimitives): string {
  const s = getSuite(suite);
  abytes(publicKey, 'publicKey', s.publicKeyLength);
  const digest = hashTagged(
    TAGS.keyId,
    concatBytes(utf8ToBytes(s.id), new Uint8Array([0]), publicKey),
    hashes,
  );
  return `${s.id}:${bytesToHex(digest.subarray(0, KEYID_BYTES))}`;
}

/** Asserts a key id is well formed and names a known suite; returns that suite. */
export function akeyid(value: unknown, name = 'keyid'): SuiteId {
  const s = astring(value, name, { maxLength: 80 });
  const m = KEYID_PATTERN.exec(s);
  if (m === null) {
    throw new QtError('QT_KEYID_FORMAT', `${name} must look like "<suite>:<32 lowercase hex digits>"`, {
      path: name,
    });
  }
  return getSuite(m[1], name).id;
}

/** Checks a public-key entry: known suite, exact key length, and a keyid that matches the key. */
export function checkPublicKeyEntry(value: unknown, name = 'key'): PublicKeyEntry {
  const o = aplainObject(value, name);
  const suite = getSuite(o.suite, `${name}.suite`).id;
  const publicKey = abytes(o.publicKey, `${name}.publicKey`, getSuite(suite).publicKeyLength);
  const keyid = astring(o.keyid, `${name}.keyid`, { maxLength: 80 });
  if (keyid !== keyId(suite, publicKey)) {
    throw new QtError(
      'QT_KEYID_MISMATCH',
      `${name}.keyid "${keyid.slice(0, 80)}" is not the key id of its ${suite} public key`,
      {
        path: `${name}.keyid`,
      },
    );
  }
  return Object.freeze({ suite, keyid, publicKey });
}

/** Checks a secret-key entry: everything checkPublicKeyEntry checks, plus the secret key length. */
export function checkSecretKeyEntry(value: unknown, name = 'signer'): SecretKeyEntry {
  const pub = checkPublicKeyEntry(value, name);
  const secretKey = abytes(
    (value as Record<string, unknown>).secretKey,
    `${name}.secretKey`,
    getSuite(pub.suite).secretKeyLength,
  );
  return Object.freeze({ ...pub, secretKey });
}

/** The public-key entry of a key pair (or of a bare suite and public key). */
export function publicKeyEntry(suite: SuiteId, publicKey: Uint8Array): PublicKeyEntry {
  return Object.freeze({ suite, keyid: keyId(suite, publicKey), publicKey });
}

/** The secret-key entry of a key pair, ready for signEnvelope. */
export function secretKeyEntry(pair: KeyPair): SecretKeyEntry {
  return Object.freeze({
    ...publicKeyEntry(pair.suite, pair.publicKey),
    secretKey: abytes(pair.secretKey, 'secretKey'),
  });
}
