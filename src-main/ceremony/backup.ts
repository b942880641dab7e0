/**
 * Backup of a key from one token to a second one (docs/hsm.md, "Backup"). What works on
 * SoftHSM-class tokens (PLATFORM.md): the key was created extractable only under a trusted wrapping
 * key (CKA_WRAP_WITH_TRUSTED). The target token makes an RSA-3072 transport pair (session objects);
 * the source's security officer imports its public half as a trusted wrapping key (only the SO may
 * set CKA_TRUSTED) and generates a trusted AES-256 KEK, wrapped to the target by RSA-OAEP (SHA-1: the
 * only OAEP hash SoftHSM offers; OAEP-SHA-1 remains sound as an encryption padding). As the user, the
 * source wraps the key under the KEK (AES key wrap with padding, RFC 5649); the target unwraps it with
 * the same attributes. The KEK is destroyed on the source afterwards and lives only in the target's
 * session. Ed25519 private keys cannot be wrapped by SoftHSM at all: the script refuses them.
 */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type * as Pkcs11Js from 'pkcs11js';
import { bytesToHex } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { CKA, CKK, CKM, CKO, EC_PARAMS } from '../hsm/constants.js';
import { pk } from '../hsm/errors.js';
import type { Pkcs11Api } from '../hsm/module.js';
import type { HsmKeyPair, HsmSession, KeyAttributes } from '../hsm/session.js';

const CKA_MODULUS = 0x120;
const CKA_MODULUS_BITS = 0x121;
const CKA_PUBLIC_EXPONENT = 0x122;
const CKK_RSA = 0x0;
const CKM_SHA_1 = 0x220;
const CKG_MGF1_SHA1 = 1;
const CKZ_DATA_SPECIFIED = 1;
/** pkcs11js parameter type tag for CK_RSA_PKCS_OAEP_PARAMS. */
const CK_PARAMS_RSA_OAEP = 4;

function oaep(): Pkcs11Js.Mechanism {
  const parameter: Pkcs11Js.RsaOAEP = {
    type: CK_PARAMS_RSA_OAEP,
    hashAlg: CKM_SHA_1,
    mgf: CKG_MGF1_SHA1,
    source: CKZ_DATA_SPECIFIED,
  };
  return { mechanism: CKM.RSA_PKCS_OAEP, parameter };
}

export interface BackupKey {
  readonly kind: 'ec' | 'aes';
  readonly type?: 'p256' | 'secp256k1';
  readonly label: string;
  readonly id: Uint8Array;
  /** The source's private (EC) or secret (AES) key handle. */
  readonly handle: Buffer;
  /** EC: 33-byte compressed point. */
  readonly publicKey?: Uint8Array;
}

export interface BackupSessions {
  readonly api: Pkcs11Api;
  /** Source token, logged in as SO. Closed by the caller after `prepareTransport`. */
  readonly sourceSo: HsmSession;
  readonly target: HsmSession;
}

/** Target makes the transport pair; the source SO imports it as trusted and makes a trusted KEK wrapped to it. */
export function prepareTransport(
  api: Pkcs11Api,
  sourceSo: HsmSession,
  target: HsmSession,
  kekLabel: string,
): { kekOnTarget: Buffer } {
  const rsa = pk('generating the RSA transport key', () =>
    api.C_GenerateKeyPair(
      target.handle,
      { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: CKA.TOKEN, value: false },
        { type: CKA.WRAP, value: true },
        { type: CKA.ENCRYPT, value: false },
        { type: CKA_MODULUS_BITS, value: 3072 },
        { type: CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      [
        { type: CKA.TOKEN, value: false },
        { type: CKA.PRIVATE, value: true },
        { type: CKA.SENSITIVE, value: true },
        { type: CKA.EXTRACTABLE, value: false },
        { type: CKA.UNWRAP, value: true },
        { type: CKA.DECRYPT, value: false },
        { type: CKA.SIGN, value: false },
      ],
    ),
  );
  const [modulus, exponent] = pk('reading the transport key', () =>
    api.C_GetAttributeValue(target.handle, rsa.publicKey, [
      { type: CKA_MODULUS },
      { type: CKA_PUBLIC_EXPONENT },
    ]),
  ).map((a) => a.value as Buffer);
  const trustedPub = pk('importing the transport key as trusted (SO)', () =>
    api.C_CreateObject(sourceSo.handle, [
      { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
      { type: CKA.KEY_TYPE, value: CKK_RSA },
      { type: CKA.TOKEN, value: false },
      { type: CKA.PRIVATE, value: false },
      { type: CKA.WRAP, value: true },
      { type: CKA.TRUSTED, value: true },
      { type: CKA_MODULUS, value: modulus as Buffer },
      { type: CKA_PUBLIC_EXPONENT, value: exponent as Buffer },
    ]),
  );
  const kek = pk('generating the trusted transport KEK (SO)', () =>
    api.C_GenerateKey(sourceSo.handle, { mechanism: CKM.AES_KEY_GEN }, [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.VALUE_LEN, value: 32 },
      { type: CKA.TOKEN, value: true },
      { type: CKA.PRIVATE, value: false },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: true },
      { type: CKA.WRAP_WITH_TRUSTED, value: true },
      { type: CKA.WRAP, value: true },
      { type: CKA.UNWRAP, value: false },
      { type: CKA.ENCRYPT, value: false },
      { type: CKA.DECRYPT, value: false },
      { type: CKA.TRUSTED, value: true },
      { type: CKA.LABEL, value: kekLabel },
    ]),
  );
  const blob = pk('wrapping the KEK to the target', () =>
    api.C_WrapKey(sourceSo.handle, oaep(), trustedPub, kek, Buffer.alloc(1024)),
  );
  const kekOnTarget = pk('unwrapping the KEK on the target', () =>
    api.C_UnwrapKey(target.handle, oaep(), rsa.privateKey, blob, [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.TOKEN, value: false },
      { type: CKA.PRIVATE, value: true },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: false },
      { type: CKA.UNWRAP, value: true },
      { type: CKA.WRAP, value: false },
    ]),
  );
  return { kekOnTarget };
}

/** As the source's user: wraps the key under the trusted KEK (found by label), unwraps it on the target, destroys the KEK. */
export function moveKey(
  api: Pkcs11Api,
  source: HsmSession,
  target: HsmSession,
  kekOnTarget: Buffer,
  kekLabel: string,
  key: BackupKey,
): { handle: Buffer; attributes: KeyAttributes } {
  const [kek] = source.findObjects({ label: kekLabel, class: 'secret' }, 2);
  if (kek === undefined)
    throw new QtError('QT_HSM_KEY_NOT_FOUND', `the transport KEK ${kekLabel} is missing on the source token`);
  try {
    const blob = pk('wrapping the key under the trusted KEK', () =>
      api.C_WrapKey(source.handle, { mechanism: CKM.AES_KEY_WRAP_PAD }, kek, key.handle, Buffer.alloc(4096)),
    );
    const common = [
      { type: CKA.TOKEN, value: true },
      { type: CKA.PRIVATE, value: true },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: true },
      { type: CKA.WRAP_WITH_TRUSTED, value: true },
      { type: CKA.LABEL, value: key.label },
      { type: CKA.ID, value: Buffer.from(key.id) },
    ];
    const template =
      key.kind === 'ec'
        ? [
            ...common,
            { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
            { type: CKA.KEY_TYPE, value: CKK.EC },
            { type: CKA.SIGN, value: true },
            { type: CKA.DECRYPT, value: false },
            { type: CKA.UNWRAP, value: false },
            { type: CKA.DERIVE, value: false },
          ]
        : [
            ...common,
            { type: CKA.CLASS, value: CKO.SECRET_KEY },
            { type: CKA.KEY_TYPE, value: CKK.AES },
            { type: CKA.ENCRYPT, value: true },
            { type: CKA.DECRYPT, value: true },
            { type: CKA.WRAP, value: false },
            { type: CKA.UNWRAP, value: false },
          ];
    const handle = pk('unwrapping the key on the target', () =>
      api.C_UnwrapKey(target.handle, { mechanism: CKM.AES_KEY_WRAP_PAD }, kekOnTarget, blob, template),
    );
    blob.fill(0);
    if (key.kind === 'ec' && key.type !== undefined && key.publicKey !== undefined) {
      const curve = key.type === 'p256' ? p256 : secp256k1;
      const point = curve.Point.fromBytes(key.publicKey).toBytes(false);
      const der = Buffer.concat([Buffer.from([0x04, point.length]), Buffer.from(point)]);
      pk('creating the public key on the target', () =>
        api.C_CreateObject(target.handle, [
          { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
          { type: CKA.KEY_TYPE, value: CKK.EC },
          { type: CKA.TOKEN, value: true },
          { type: CKA.PRIVATE, value: false },
          { type: CKA.VERIFY, value: true },
          { type: CKA.LABEL, value: key.label },
          { type: CKA.ID, value: Buffer.from(key.id) },
          { type: CKA.EC_PARAMS, value: EC_PARAMS[key.type as 'p256' | 'secp256k1'] },
          { type: CKA.EC_POINT, value: der },
        ]),
      );
    }
    return { handle, attributes: target.readAttributes(handle) };
  } finally {
    try {
      source.destroy(kek);
    } catch {
      // best effort: a KEK left behind is reported by the retire/absence checks of a later ceremony
    }
  }
}

/** A key check value for an AES seal key: SHA-256 of AES-GCM(key, 32 zero bytes, fixed IV, aad "qtrust/kcv"). */
export function aesKcv(session: HsmSession, handle: Buffer): string {
  const sealed = session.aesGcmSeal(
    handle,
    new Uint8Array(32),
    new TextEncoder().encode('qtrust/kcv'),
    new Uint8Array(12),
  );
  return bytesToHex(sha256(sealed));
}

/** An HsmKeyPair view of a backed-up EC key, so the target's session can sign with it. */
export function backedUpPair(key: BackupKey, handle: Buffer, attributes: KeyAttributes): HsmKeyPair {
  return {
    type: key.type as 'p256' | 'secp256k1',
    label: key.label,
    id: key.id,
    privateHandle: handle,
    publicHandle: handle,
    publicKey: key.publicKey as Uint8Array,
    attributes,
  };
}
