/** Key sets at rest: public.json, secret.json (sealed or, when asked, plaintext). */
export {
  DEFAULT_SCRYPT,
  SCRYPT_KEY_LENGTH,
  SCRYPT_LIMITS,
  SCRYPT_SALT_LENGTH,
  ascryptParams,
  nobleScryptKdf,
  passphraseFromBytes,
  passphraseFromText,
  type Kdf,
  type ScryptParams,
} from './kdf.js';
export { checkDistinct, checkKeyPair } from './consistency.js';
export { generateKeySet } from './generate.js';
export { decodePublicKeySet, encodePublicKeySet } from './public-keyset.js';
export {
  MAX_KEYS,
  PUBLIC_KEYSET_TYPE,
  SEALED_AEAD,
  SECRET_KEYSET_TYPE,
  type PlaintextSecretKeySetJson,
  type PublicKeySetJson,
  type SealedSecretKeySetJson,
  type SecretKeySetJson,
} from './schema.js';
export {
  NONCE_LENGTH,
  isSealed,
  openSecretKeySet,
  parseSecretKeySet,
  plaintextSecretKeySet,
  sealSecretKeySet,
  sealedAad,
  wipeSecretKeys,
  type OpenOptions,
  type OpenedKeySet,
  type SealOptions,
} from './seal.js';
