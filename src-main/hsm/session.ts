/**
 * One PKCS#11 session and the key operations Q-Trust performs inside the token. Private keys are created
 * sensitive and non-extractable (extractable only with CKA_WRAP_WITH_TRUSTED, for backup to another HSM
 * under a trusted KEK), never able to decrypt or unwrap, and their security attributes are read back
 * after generation so a ceremony transcript records what the token actually holds.
 */
import { createHash } from 'node:crypto';
import type * as Pkcs11Js from 'pkcs11js';
import { abytes, astring } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { CK_PARAMS_AES_GCM_V240, CKA, CKK, CKM, CKO, CKU, EC_PARAMS } from './constants.js';
import { normalizeLowS, recoveryId } from './ecdsa.js';
import { pk } from './errors.js';
import type { Pkcs11Api, TokenInfo } from './module.js';

export type HsmKeyType = 'ed25519' | 'p256' | 'secp256k1';

export interface KeyAttributes {
  readonly class: 'private' | 'public' | 'secret';
  readonly token: boolean;
  readonly private: boolean;
  readonly sensitive: boolean;
  readonly extractable: boolean;
  readonly neverExtractable: boolean;
  readonly alwaysSensitive: boolean;
  readonly local: boolean;
  readonly sign: boolean;
  readonly decrypt: boolean;
  readonly unwrap: boolean;
  readonly wrapWithTrusted: boolean;
}

export interface HsmKeyPair {
  readonly type: HsmKeyType;
  readonly label: string;
  readonly id: Uint8Array;
  readonly privateHandle: Buffer;
  readonly publicHandle: Buffer;
  /** Ed25519: 32 bytes; EC: 33-byte compressed SEC1 point. */
  readonly publicKey: Uint8Array;
  readonly attributes: KeyAttributes;
}

export interface GenerateOptions {
  readonly label: string;
  readonly id: Uint8Array;
  /** Extractable only under a trusted wrapping key, for backup to a second HSM. */
  readonly backupable?: boolean;
}

const LABEL_RE = /^[A-Za-z0-9._:/-]{1,64}$/;

export class HsmSession {
  readonly #signOut = Buffer.alloc(128);
  private loggedIn = false;
  private closed = false;

  constructor(
    private readonly api: Pkcs11Api,
    readonly handle: Buffer,
    readonly token: TokenInfo,
    private readonly onClose: () => void,
  ) {}

  login(pin: string, as: 'user' | 'so' = 'user'): void {
    astring(pin, 'pin', { nonEmpty: true, maxLength: 255 });
    pk('C_Login', () => this.api.C_Login(this.handle, as === 'so' ? CKU.SO : CKU.USER, pin));
    this.loggedIn = true;
  }

  logout(): void {
    if (!this.loggedIn) return;
    this.loggedIn = false;
    pk('C_Logout', () => this.api.C_Logout(this.handle));
  }

  /** Logs out (if logged in) and closes the session; errors from a vanished token are swallowed here only. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.logout();
    } catch {
      // the token may be gone; closing must still release the session
    }
    try {
      this.api.C_CloseSession(this.handle);
    } catch {
      // already closed by the token's removal
    }
    this.onClose();
  }

  /** Sets a new user PIN (as the security officer: C_InitPIN) or changes the current one (C_SetPIN). */
  initUserPin(newPin: string): void {
    astring(newPin, 'newPin', { nonEmpty: true, maxLength: 255 });
    pk('C_InitPIN', () => this.api.C_InitPIN(this.handle, newPin));
  }

  setPin(oldPin: string, newPin: string): void {
    astring(newPin, 'newPin', { nonEmpty: true, maxLength: 255 });
    pk('C_SetPIN', () => this.api.C_SetPIN(this.handle, oldPin, newPin));
  }

  generateKeyPair(type: HsmKeyType, opts: GenerateOptions): HsmKeyPair {
    checkLabel(opts.label);
    abytes(opts.id, 'id');
    const backup = opts.backupable === true;
    const common = [
      { type: CKA.TOKEN, value: true },
      { type: CKA.LABEL, value: opts.label },
      { type: CKA.ID, value: Buffer.from(opts.id) },
    ];
    const publicTemplate = [
      ...common,
      { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
      { type: CKA.PRIVATE, value: false },
      { type: CKA.VERIFY, value: true },
      { type: CKA.EC_PARAMS, value: EC_PARAMS[type] },
    ];
    const privateTemplate = [
      ...common,
      { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
      { type: CKA.PRIVATE, value: true },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: backup },
      { type: CKA.WRAP_WITH_TRUSTED, value: backup },
      { type: CKA.SIGN, value: true },
      { type: CKA.DECRYPT, value: false },
      { type: CKA.UNWRAP, value: false },
      { type: CKA.DERIVE, value: false },
    ];
    const mechanism = type === 'ed25519' ? CKM.EC_EDWARDS_KEY_PAIR_GEN : CKM.EC_KEY_PAIR_GEN;
    const keys = pk(`generating a ${type} key pair`, () =>
      this.api.C_GenerateKeyPair(this.handle, { mechanism }, publicTemplate, privateTemplate),
    );
    const publicKey = this.readPublicKey(keys.publicKey, type);
    return {
      type,
      label: opts.label,
      id: opts.id,
      privateHandle: keys.privateKey,
      publicHandle: keys.publicKey,
      publicKey,
      attributes: this.readAttributes(keys.privateKey),
    };
  }

  /** Reads CKA_EC_POINT (a DER OCTET STRING around the point) and returns the raw public key. */
  readPublicKey(handle: Buffer, type: HsmKeyType): Uint8Array {
    const [attr] = pk('reading the public key', () =>
      this.api.C_GetAttributeValue(this.handle, handle, [{ type: CKA.EC_POINT }]),
    );
    const der = attr?.value as Buffer | undefined;
    const point = unwrapOctetString(der);
    if (type === 'ed25519') {
      if (point.length !== 32)
        throw new QtError('QT_HSM_PUBLIC_KEY', `Ed25519 point has ${point.length} bytes, expected 32`);
      return point;
    }
    if (point.length !== 65 || point[0] !== 0x04) {
      throw new QtError(
        'QT_HSM_PUBLIC_KEY',
        'the token returned an EC point that is not an uncompressed SEC1 point',
      );
    }
    const x = point.subarray(1, 33);
    const yOdd = ((point[64] as number) & 1) === 1;
    const out = new Uint8Array(33);
    out[0] = yOdd ? 0x03 : 0x02;
    out.set(x, 1);
    return out;
  }

  readAttributes(handle: Buffer): KeyAttributes {
    const types = [
      CKA.CLASS,
      CKA.TOKEN,
      CKA.PRIVATE,
      CKA.SENSITIVE,
      CKA.EXTRACTABLE,
      CKA.NEVER_EXTRACTABLE,
      CKA.ALWAYS_SENSITIVE,
      CKA.LOCAL,
      CKA.SIGN,
      CKA.DECRYPT,
      CKA.UNWRAP,
      CKA.WRAP_WITH_TRUSTED,
    ];
    const got = pk('reading key attributes', () =>
      this.api.C_GetAttributeValue(
        this.handle,
        handle,
        types.map((type) => ({ type })),
      ),
    );
    const v = (t: number): Buffer =>
      (got.find((a) => a.type === t)?.value as Buffer | undefined) ?? Buffer.alloc(0);
    const bool = (t: number): boolean => v(t).length > 0 && v(t)[0] !== 0;
    const cls = v(CKA.CLASS).length >= 4 ? v(CKA.CLASS).readUInt32LE(0) : -1;
    return {
      class: cls === CKO.PRIVATE_KEY ? 'private' : cls === CKO.PUBLIC_KEY ? 'public' : 'secret',
      token: bool(CKA.TOKEN),
      private: bool(CKA.PRIVATE),
      sensitive: bool(CKA.SENSITIVE),
      extractable: bool(CKA.EXTRACTABLE),
      neverExtractable: bool(CKA.NEVER_EXTRACTABLE),
      alwaysSensitive: bool(CKA.ALWAYS_SENSITIVE),
      local: bool(CKA.LOCAL),
      sign: bool(CKA.SIGN),
      decrypt: bool(CKA.DECRYPT),
      unwrap: bool(CKA.UNWRAP),
      wrapWithTrusted: bool(CKA.WRAP_WITH_TRUSTED),
    };
  }

  /**
   * Signs `message` with a private key in the token. Ed25519: CKM_EDDSA over the message (RFC 8032 pure).
   * ECDSA: CKM_ECDSA over SHA-256(message), normalised to low-S; secp256k1 also returns the recovery id.
   */
  sign(key: HsmKeyPair, message: Uint8Array): { signature: Uint8Array; recovery?: 0 | 1 } {
    abytes(message, 'message');
    if (key.type === 'ed25519') {
      return { signature: this.rawSign(key.privateHandle, CKM.EDDSA, message) };
    }
    // node:crypto's SHA-256 (the same digest as noble's) costs a fraction of noble's on this hot path.
    const digest = createHash('sha256').update(message).digest();
    return this.signDigest(key, digest);
  }

  /** ECDSA over a caller-computed 32-byte digest (for Ethereum transactions, which sign a Keccak-256 hash). */
  signDigest(key: HsmKeyPair, digest: Uint8Array): { signature: Uint8Array; recovery?: 0 | 1 } {
    abytes(digest, 'digest', 32);
    if (key.type === 'ed25519')
      throw new QtError('QT_HSM_MECHANISM_UNSUPPORTED', 'Ed25519 signs messages, not digests');
    const signature = normalizeLowS(key.type, this.rawSign(key.privateHandle, CKM.ECDSA, digest));
    return key.type === 'secp256k1'
      ? { signature, recovery: recoveryId(digest, signature, key.publicKey) }
      : { signature };
  }

  /** The raw C_SignInit/C_Sign pair, used by the adapter benchmark as the baseline. */
  rawSign(handle: Buffer, mechanism: number, data: Uint8Array): Uint8Array {
    // One output buffer per session, reused: C_Sign writes into it and returns a view of the bytes
    // written, which are copied out before the next call can overwrite them.
    const out = this.#signOut;
    const signed = pk('signing in the token', () => {
      this.api.C_SignInit(this.handle, { mechanism }, handle);
      return this.api.C_Sign(this.handle, Buffer.from(data.buffer, data.byteOffset, data.byteLength), out);
    });
    return new Uint8Array(signed);
  }

  /** An AES-256 key for sealing (AES-GCM). Backupable keys can be wrapped only by a trusted KEK. */
  generateAesKey(opts: GenerateOptions): {
    handle: Buffer;
    label: string;
    id: Uint8Array;
    attributes: KeyAttributes;
  } {
    checkLabel(opts.label);
    abytes(opts.id, 'id');
    const backup = opts.backupable === true;
    const handle = pk('generating an AES-256 key', () =>
      this.api.C_GenerateKey(this.handle, { mechanism: CKM.AES_KEY_GEN }, [
        { type: CKA.CLASS, value: CKO.SECRET_KEY },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.TOKEN, value: true },
        { type: CKA.PRIVATE, value: true },
        { type: CKA.LABEL, value: opts.label },
        { type: CKA.ID, value: Buffer.from(opts.id) },
        { type: CKA.VALUE_LEN, value: 32 },
        { type: CKA.SENSITIVE, value: true },
        { type: CKA.EXTRACTABLE, value: backup },
        { type: CKA.WRAP_WITH_TRUSTED, value: backup },
        { type: CKA.ENCRYPT, value: true },
        { type: CKA.DECRYPT, value: true },
        { type: CKA.WRAP, value: false },
        { type: CKA.UNWRAP, value: false },
      ]),
    );
    return { handle, label: opts.label, id: opts.id, attributes: this.readAttributes(handle) };
  }

  /** AES-256-GCM inside the token: returns iv (12) || ciphertext || tag (16). The IV comes from the caller's CSPRNG. */
  aesGcmSeal(key: Buffer, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array): Uint8Array {
    abytes(iv, 'iv', 12);
    abytes(plaintext, 'plaintext');
    abytes(aad, 'aad');
    const mech = this.gcm(iv, aad);
    const out = Buffer.alloc(plaintext.length + 16);
    const ct = pk('sealing with AES-GCM', () => {
      this.api.C_EncryptInit(this.handle, mech, key);
      return this.api.C_Encrypt(this.handle, Buffer.from(plaintext), out);
    });
    const res = new Uint8Array(12 + ct.length);
    res.set(iv, 0);
    res.set(ct, 12);
    out.fill(0);
    return res;
  }

  aesGcmOpen(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    abytes(sealed, 'sealed');
    abytes(aad, 'aad');
    if (sealed.length < 12 + 16)
      throw new QtError('QT_HSM_DECRYPT_FAILED', 'sealed data is too short to hold an IV and a tag');
    const mech = this.gcm(sealed.subarray(0, 12), aad);
    const out = Buffer.alloc(sealed.length);
    let pt: Buffer;
    try {
      pt = pk('opening with AES-GCM', () => {
        this.api.C_DecryptInit(this.handle, mech, key);
        return this.api.C_Decrypt(this.handle, Buffer.from(sealed.subarray(12)), out);
      });
    } catch (e) {
      // SoftHSM reports a failed GCM tag check as CKR_GENERAL_ERROR rather than CKR_ENCRYPTED_DATA_INVALID.
      if (e instanceof QtError && e.code === 'QT_HSM_ERROR') {
        throw new QtError(
          'QT_HSM_DECRYPT_FAILED',
          `${e.message.replace(/: the token reported an error$/, '')}: the sealed data is damaged or bound to other associated data`,
          { cause: e },
        );
      }
      throw e;
    }
    const res = new Uint8Array(pt);
    out.fill(0);
    return res;
  }

  /** Finds objects by label and/or id (and class), bounded to `limit`. */
  findObjects(
    query: { label?: string; id?: Uint8Array; class?: 'private' | 'public' | 'secret' },
    limit = 100,
  ): Buffer[] {
    const template: Pkcs11Js.Template = [];
    if (query.label !== undefined) template.push({ type: CKA.LABEL, value: query.label });
    if (query.id !== undefined) template.push({ type: CKA.ID, value: Buffer.from(query.id) });
    if (query.class !== undefined) {
      const cls = { private: CKO.PRIVATE_KEY, public: CKO.PUBLIC_KEY, secret: CKO.SECRET_KEY }[query.class];
      template.push({ type: CKA.CLASS, value: cls });
    }
    return pk('finding objects', () => {
      this.api.C_FindObjectsInit(this.handle, template);
      try {
        return this.api.C_FindObjects(this.handle, limit);
      } finally {
        this.api.C_FindObjectsFinal(this.handle);
      }
    });
  }

  destroy(handle: Buffer): void {
    pk('destroying an object', () => this.api.C_DestroyObject(this.handle, handle));
  }

  private gcm(iv: Uint8Array, aad: Uint8Array): Pkcs11Js.Mechanism {
    const parameter: Pkcs11Js.AesGCM = {
      type: CK_PARAMS_AES_GCM_V240,
      iv: Buffer.from(iv),
      aad: Buffer.from(aad),
      ivBits: 96,
      tagBits: 128,
    };
    return { mechanism: CKM.AES_GCM, parameter };
  }
}

function checkLabel(label: string): void {
  astring(label, 'label');
  if (!LABEL_RE.test(label)) {
    throw new QtError(
      'QT_HSM_LABEL',
      `label "${label.slice(0, 80)}" must be 1-64 characters of A-Z a-z 0-9 . _ : / -`,
      {
        path: 'label',
      },
    );
  }
}

/** Strips a DER OCTET STRING header (short or long form length). */
function unwrapOctetString(der: Buffer | undefined): Uint8Array {
  if (der === undefined || der.length < 2 || der[0] !== 0x04) {
    throw new QtError('QT_HSM_PUBLIC_KEY', 'CKA_EC_POINT is not a DER OCTET STRING');
  }
  let len = der[1] as number;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 2 || der.length < 2 + n)
      throw new QtError('QT_HSM_PUBLIC_KEY', 'CKA_EC_POINT has a bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (der[2 + i] as number);
    off = 2 + n;
  }
  if (off + len !== der.length)
    throw new QtError('QT_HSM_PUBLIC_KEY', 'CKA_EC_POINT has trailing or missing bytes');
  return new Uint8Array(der.subarray(off));
}
