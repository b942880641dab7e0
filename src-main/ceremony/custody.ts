/**
 * M-of-N custody of token PINs (docs/ceremonies.md, "Custody"). A PIN is random (24 characters of
 * base32, 120 bits), generated inside the ceremony and never shown whole. It is split with Shamir's
 * scheme over GF(2^8) (`shamir-secret-sharing`, audited by Cure53 and Zellic) into one share per
 * custodian, M needed. Each share is sealed to its custodian:
 *
 * - X25519 (ECIES-style): e = random X25519 key; z = X25519(e, custodian); k = HKDF-SHA256(ikm z,
 *   salt epk || custodian public key, info "qtrust/ceremony-share/v1"); XChaCha20-Poly1305(k, random
 *   24-byte nonce, aad) (RFC 7748, RFC 5869, draft-irtf-cfrg-xchacha);
 * - or a passphrase: k = scrypt(passphrase, random salt) as for key files, then the same AEAD.
 *
 * The aad is the canonical JSON of the share's header (ceremony, token, secret, custodian, index,
 * commitments, scheme parameters), so a share cannot be moved to another custodian, token or secret.
 * Shamir itself detects nothing (a wrong share yields a wrong secret), hence the commitments:
 *   share commitment = H(qtrust/ceremony/v1, JCS({type: "qtrust/ceremony-share", ceremony, token, secret, custodian, index, share}))
 *   PIN commitment   = H(qtrust/ceremony/v1, JCS({type: "qtrust/ceremony-pin", ceremony, token, secret, pin}))
 * both recorded (and attested) in the transcript; a share that does not match is named, and a rebuilt
 * PIN is checked before it reaches the token. The secrets have 120+ bits of entropy, so the
 * commitments need no salt.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { combine, split } from 'shamir-secret-sharing';
import { z } from 'zod';
import {
  abytes,
  bytesToHex,
  concatBytes,
  equalBytes,
  fromBase64url,
  hexToBytes,
  toBase64url,
  utf8ToBytes,
  wipe,
} from '../../src-shared/bytes.js';
import { canonicalBytes } from '../../src-shared/canonical.js';
import { QtError } from '../../src-shared/errors.js';
import { TAGS, hashTagged } from '../../src-shared/hash.js';
import {
  DEFAULT_SCRYPT,
  SCRYPT_SALT_LENGTH,
  ascryptParams,
  type Kdf,
  type ScryptParams,
} from '../../src-shared/keys/index.js';
import { nodeScryptKdf } from '../keys/node-kdf.js';

export const SHARE_TYPE = 'qtrust/ceremony-share' as const;
export type PinKind = 'user' | 'so';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HKDF_INFO = utf8ToBytes('qtrust/ceremony-share/v1');

export type CustodianSeal = { readonly x25519: string } | { readonly passphrase: true };
/** What a custodian brings to open their share. */
export type CustodianSecret = { readonly x25519SecretKey: Uint8Array } | { readonly passphrase: Uint8Array };

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const b64 = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(512);
const headerFields = {
  v: z.literal(1),
  type: z.literal(SHARE_TYPE),
  ceremony: z.string().min(1).max(32),
  token: z.string().min(1).max(32),
  label: z.string().min(1).max(32),
  secret: z.enum(['user', 'so']),
  custodian: z.string().min(1).max(32),
  index: z.number().int().min(1).max(255),
  threshold: z.number().int().min(2).max(255),
  commitment: hex64,
  pinCommitment: hex64,
};
const sealedShareSchema = z.strictObject({
  ...headerFields,
  seal: z.union([
    z.strictObject({
      scheme: z.literal('x25519-hkdf-sha256-xchacha20poly1305'),
      epk: b64,
      nonce: b64,
      ct: b64,
    }),
    z.strictObject({
      scheme: z.literal('scrypt-xchacha20poly1305'),
      kdf: z.strictObject({ N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 }),
      nonce: b64,
      ct: b64,
    }),
  ]),
});
export type SealedShare = z.infer<typeof sealedShareSchema>;

/** A fresh random PIN: 24 base32 characters (120 bits). Returned as bytes so the caller can wipe it. */
export function generatePin(): Uint8Array {
  const r = randomBytes(24);
  const out = new Uint8Array(24);
  for (let i = 0; i < 24; i++) out[i] = ALPHABET.charCodeAt((r[i] as number) & 31);
  wipe(r);
  return out;
}

export function pinCommitment(ceremony: string, token: string, secret: PinKind, pin: Uint8Array): string {
  return bytesToHex(
    hashTagged(
      TAGS.ceremony,
      canonicalBytes({ type: 'qtrust/ceremony-pin', ceremony, token, secret, pin: toBase64url(pin) }),
    ),
  );
}

export function shareCommitment(
  ceremony: string,
  token: string,
  secret: PinKind,
  custodian: string,
  index: number,
  share: Uint8Array,
): string {
  return bytesToHex(
    hashTagged(
      TAGS.ceremony,
      canonicalBytes({
        type: 'qtrust/ceremony-share',
        ceremony,
        token,
        secret,
        custodian,
        index,
        share: toBase64url(share),
      }),
    ),
  );
}

function aadOf(s: Omit<SealedShare, 'seal'>, seal: Record<string, unknown>): Uint8Array {
  const { ct: _ct, nonce: _n, ...params } = seal;
  return canonicalBytes({ ...s, seal: params });
}

/** Parses a sealed share file (QT_CEREMONY_SHARE_FORMAT naming the path). */
export function parseSealedShare(value: unknown, name = 'share'): SealedShare {
  const r = sealedShareSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new QtError(
      'QT_CEREMONY_SHARE_FORMAT',
      `${name}: ${issue?.message ?? 'malformed'} at $.${issue?.path.join('.') ?? ''}`,
      { path: name },
    );
  }
  return r.data;
}

export interface SplitContext {
  readonly ceremony: string;
  readonly token: string;
  readonly label: string;
  readonly secret: PinKind;
  readonly threshold: number;
  readonly custodians: readonly { readonly id: string; readonly seal: CustodianSeal }[];
  readonly scrypt?: ScryptParams;
  readonly kdf?: Kdf;
}

async function sealTo(
  header: Omit<SealedShare, 'seal'>,
  to: CustodianSeal,
  share: Uint8Array,
): Promise<SealedShare['seal']> {
  const nonce = randomBytes(24);
  if ('x25519' in to) {
    const recipient = fromBase64url(to.x25519, 'x25519');
    const eph = x25519.utils.randomSecretKey();
    const epk = x25519.getPublicKey(eph);
    const z_ = x25519.getSharedSecret(eph, recipient);
    const key = hkdf(sha256, z_, concatBytes(epk, recipient), HKDF_INFO, 32);
    const seal = {
      scheme: 'x25519-hkdf-sha256-xchacha20poly1305' as const,
      epk: toBase64url(epk),
      nonce: toBase64url(nonce),
      ct: '',
    };
    const ct = xchacha20poly1305(key, nonce, aadOf(header, seal)).encrypt(share);
    wipe(eph, z_, key);
    return { ...seal, ct: toBase64url(ct) };
  }
  throw new QtError(
    'QT_CEREMONY_CUSTODIAN',
    `custodian ${header.custodian} seals with a passphrase: use sealToPassphrase`,
  );
}

/** Seals a share under a custodian's passphrase (scrypt as for key files). */
export async function sealShareToPassphrase(
  share: SealedShare,
  plaintextShare: Uint8Array,
  passphrase: Uint8Array,
  params: ScryptParams = DEFAULT_SCRYPT,
  kdf: Kdf = nodeScryptKdf,
): Promise<SealedShare> {
  const p = ascryptParams(params, 'scrypt');
  const salt = randomBytes(SCRYPT_SALT_LENGTH);
  const nonce = randomBytes(24);
  const { seal: _old, ...header } = share;
  const seal = {
    scheme: 'scrypt-xchacha20poly1305' as const,
    kdf: { N: p.N, r: p.r, p: p.p, salt: toBase64url(salt) },
    nonce: toBase64url(nonce),
    ct: '',
  };
  const key = await kdf(passphrase, salt, p);
  const ct = xchacha20poly1305(key, nonce, aadOf(header, seal)).encrypt(plaintextShare);
  wipe(key);
  return { ...header, seal: { ...seal, ct: toBase64url(ct) } };
}

/**
 * Splits `pin` among the custodians and seals each share (passphrase custodians are asked through
 * `passphraseOf`); returns the sealed shares and the PIN commitment.
 */
export async function splitPin(
  ctx: SplitContext,
  pin: Uint8Array,
  passphraseOf: (custodian: string) => Promise<Uint8Array> = () =>
    Promise.reject(new QtError('QT_CEREMONY_CUSTODIAN', 'a passphrase custodian has no passphrase source')),
): Promise<{ shares: SealedShare[]; pinCommitment: string }> {
  const n = ctx.custodians.length;
  if (ctx.threshold < 2 || ctx.threshold > n) {
    throw new QtError(
      'QT_CEREMONY_QUORUM',
      `quorum ${ctx.threshold} must be between 2 and the ${n} custodians`,
    );
  }
  const raw = await split(pin, n, ctx.threshold);
  const pinC = pinCommitment(ctx.ceremony, ctx.token, ctx.secret, pin);
  try {
    const shares: SealedShare[] = [];
    for (let i = 0; i < n; i++) {
      const c = ctx.custodians[i] as SplitContext['custodians'][number];
      const share = raw[i] as Uint8Array;
      const index = share[share.length - 1] as number;
      const header = {
        v: 1 as const,
        type: SHARE_TYPE,
        ceremony: ctx.ceremony,
        token: ctx.token,
        label: ctx.label,
        secret: ctx.secret,
        custodian: c.id,
        index,
        threshold: ctx.threshold,
        commitment: shareCommitment(ctx.ceremony, ctx.token, ctx.secret, c.id, index, share),
        pinCommitment: pinC,
      };
      if ('x25519' in c.seal) {
        shares.push({ ...header, seal: await sealTo(header, c.seal, share) });
      } else {
        const pass = await passphraseOf(c.id);
        try {
          shares.push(
            await sealShareToPassphrase(
              {
                ...header,
                seal: { scheme: 'x25519-hkdf-sha256-xchacha20poly1305', epk: 'A', nonce: 'A', ct: 'A' },
              },
              share,
              pass,
              ctx.scrypt,
              ctx.kdf,
            ),
          );
        } finally {
          wipe(pass);
        }
      }
    }
    return { shares, pinCommitment: pinC };
  } finally {
    wipe(...raw);
  }
}

/** Opens a custodian's share and checks it against its commitment; a wrong key or passphrase, or a changed share, names the custodian. */
export async function openShare(
  s: SealedShare,
  secret: CustodianSecret,
  expectedCommitment?: string,
  kdf: Kdf = nodeScryptKdf,
): Promise<Uint8Array> {
  const { seal, ...header } = s;
  let key: Uint8Array;
  if (seal.scheme === 'x25519-hkdf-sha256-xchacha20poly1305') {
    if (!('x25519SecretKey' in secret))
      throw new QtError(
        'QT_CEREMONY_SHARE_INVALID',
        `the share of ${s.custodian} is sealed to an X25519 key, not a passphrase`,
      );
    abytes(secret.x25519SecretKey, 'x25519SecretKey', 32);
    const epk = fromBase64url(seal.epk, 'seal.epk');
    const me = x25519.getPublicKey(secret.x25519SecretKey);
    let z_: Uint8Array;
    try {
      z_ = x25519.getSharedSecret(secret.x25519SecretKey, epk);
    } catch (cause) {
      throw new QtError('QT_CEREMONY_SHARE_INVALID', `the share of ${s.custodian} has a bad ephemeral key`, {
        cause,
      });
    }
    key = hkdf(sha256, z_, concatBytes(epk, me), HKDF_INFO, 32);
    wipe(z_);
  } else {
    if (!('passphrase' in secret))
      throw new QtError('QT_CEREMONY_SHARE_INVALID', `the share of ${s.custodian} is sealed to a passphrase`);
    const params = ascryptParams({ N: seal.kdf.N, r: seal.kdf.r, p: seal.kdf.p }, 'seal.kdf');
    key = await kdf(secret.passphrase, fromBase64url(seal.kdf.salt, 'seal.kdf.salt'), params);
  }
  let share: Uint8Array;
  try {
    share = xchacha20poly1305(key, fromBase64url(seal.nonce, 'seal.nonce'), aadOf(header, seal)).decrypt(
      fromBase64url(seal.ct, 'seal.ct'),
    );
  } catch (cause) {
    throw new QtError(
      'QT_CEREMONY_SHARE_INVALID',
      `the share of custodian ${s.custodian} does not open: wrong key or passphrase, or the share file was changed`,
      { cause },
    );
  } finally {
    wipe(key);
  }
  const got = shareCommitment(s.ceremony, s.token, s.secret, s.custodian, s.index, share);
  const want = expectedCommitment ?? s.commitment;
  if (share[share.length - 1] !== s.index || !equalBytes(hexToBytes(got), hexToBytes(want))) {
    wipe(share);
    throw new QtError(
      'QT_CEREMONY_SHARE_INVALID',
      `the share of custodian ${s.custodian} does not match its commitment in the transcript`,
    );
  }
  return share;
}

/**
 * Rebuilds a PIN from opened shares (each already checked by openShare): refuses fewer than the
 * threshold or a repeated share, and checks the result against the PIN commitment before returning.
 */
export async function combinePin(
  shares: readonly { custodian: string; share: Uint8Array }[],
  expect: { ceremony: string; token: string; secret: PinKind; threshold: number; pinCommitment: string },
): Promise<Uint8Array> {
  const custodians = new Set(shares.map((s) => s.custodian));
  const indexes = new Set(shares.map((s) => s.share[s.share.length - 1]));
  if (custodians.size !== shares.length || indexes.size !== shares.length) {
    throw new QtError('QT_CEREMONY_QUORUM', 'a custodian or share is presented twice');
  }
  if (shares.length < expect.threshold) {
    throw new QtError(
      'QT_CEREMONY_QUORUM',
      `${shares.length} shares presented for the ${expect.secret} PIN of ${expect.token}; ${expect.threshold} are needed`,
    );
  }
  const pin = await combine(shares.map((s) => s.share));
  if (pinCommitment(expect.ceremony, expect.token, expect.secret, pin) !== expect.pinCommitment) {
    wipe(pin);
    throw new QtError(
      'QT_CEREMONY_PIN_COMMITMENT',
      `the rebuilt ${expect.secret} PIN of ${expect.token} does not match its commitment`,
    );
  }
  return pin;
}

/** A new custodian X25519 key pair (base64url public key for the script). */
export function generateCustodianKey(): { secretKey: Uint8Array; publicKey: string } {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: toBase64url(x25519.getPublicKey(secretKey)) };
}
