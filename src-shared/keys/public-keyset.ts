/**
 * public.json: the public half of a key set, safe to publish and to pin as a trust root.
 * Loading checks every key id against its public key, so a pinned file cannot name one key
 * and carry another.
 */
import { fromBase64url, toBase64url } from '../bytes.js';
import { checkPublicKeyEntry, type PublicKeyEntry } from '../sign/index.js';
import { checkDistinct } from './consistency.js';
import { PUBLIC_KEYSET_TYPE, parseKeySetJson, publicKeySetSchema, type PublicKeySetJson } from './schema.js';

export function encodePublicKeySet(keys: readonly PublicKeyEntry[]): PublicKeySetJson {
  const checked = keys.map((k, i) => checkPublicKeyEntry(k, `keys[${i}]`));
  checkDistinct(checked, 'keys');
  return {
    v: 1,
    type: PUBLIC_KEYSET_TYPE,
    keys: checked.map((k) => ({ suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) })),
  };
}

/** Parses and checks a public key set (a JSON value, e.g. from parseJsonBytes). */
export function decodePublicKeySet(value: unknown): PublicKeyEntry[] {
  const json = parseKeySetJson(publicKeySetSchema, value, 'public key set');
  const keys = json.keys.map((k, i) => {
    const publicKey = fromBase64url(k.publicKey, `$.keys[${i}].publicKey`);
    return checkPublicKeyEntry({ suite: k.suite, keyid: k.keyid, publicKey }, `$.keys[${i}]`);
  });
  checkDistinct(keys, '$.keys');
  return keys;
}
