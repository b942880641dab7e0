/**
 * PKCS#11 constants used by the adapter (values from PKCS#11 v2.40 / v3.0 pkcs11t.h). pkcs11js does not
 * export the v3.0 EdDSA ones, so they are listed here by value.
 */
export const CKO = { PUBLIC_KEY: 2, PRIVATE_KEY: 3, SECRET_KEY: 4 } as const;
export const CKK = { EC: 0x3, AES: 0x1f, EC_EDWARDS: 0x40 } as const;
export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  TRUSTED: 0x86,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  LOCAL: 0x163,
  NEVER_EXTRACTABLE: 0x164,
  ALWAYS_SENSITIVE: 0x165,
  MODIFIABLE: 0x170,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  WRAP_WITH_TRUSTED: 0x210,
} as const;
export const CKM = {
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  EDDSA: 0x1057,
  AES_KEY_GEN: 0x1080,
  AES_GCM: 0x1087,
  AES_KEY_WRAP_PAD: 0x210a,
  RSA_PKCS_KEY_PAIR_GEN: 0x0,
  RSA_PKCS_OAEP: 0x9,
} as const;
export const CKU = { SO: 0, USER: 1 } as const;
/** pkcs11js parameter type tag for CK_GCM_PARAMS in the v2.40 layout (with ulIvBits). */
export const CK_PARAMS_AES_GCM_V240 = 7;

/** DER-encoded named-curve OIDs for CKA_EC_PARAMS. */
export const EC_PARAMS = {
  p256: Buffer.from('06082a8648ce3d030107', 'hex'), // 1.2.840.10045.3.1.7 prime256v1
  secp256k1: Buffer.from('06052b8104000a', 'hex'), // 1.3.132.0.10
  ed25519: Buffer.from('06032b6570', 'hex'), // 1.3.101.112 id-Ed25519 (RFC 8410)
} as const;
