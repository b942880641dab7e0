/**
 * node:crypto (OpenSSL) implementations of some suites and hashes, with outputs identical to the
 * noble ones in src-shared (the same vectors run against both: test/unit/sign/node-backend.test.ts).
 *
 * Where OpenSSL's acceptance rules differ from ours, the difference is closed here, in front of
 * OpenSSL, so that a signature never verifies in one process and fails in another:
 * - Ed25519: verification runs in libsodium (sodium-native) when it loads, else in OpenSSL. Both
 *   verify cofactorless; OpenSSL also accepts small-order and non-canonical public keys. Our rule
 *   (noble strict mode) is cofactored, canonical, small-order keys refused. So keys are screened
 *   first, and a signature the engine rejects is re-checked by noble (the only signatures they
 *   reject and noble accepts are crafted ones with torsion components, or small-order R for
 *   libsodium). A success implies noble's: the cofactorless equation implies the cofactored one.
 *   libsodium is preferred for speed alone: 66 us per verification here against OpenSSL 3.0's
 *   175 us (OpenSSL's Ed25519 has no assembly), a third of an auditor's verification time.
 * - ECDSA: OpenSSL accepts high-S signatures; we refuse them (malleability), so low-S is checked
 *   first. Signing stays with noble: OpenSSL's ECDSA nonces are random, ours are RFC 6979.
 */
import {
  createPrivateKey,
  createPublicKey,
  hash as oneShotHash,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { HashPrimitives } from '../../src-shared/hash.js';
import { ECDSA_ORDER } from '../../src-shared/sign/classical.js';
import { getSuite } from '../../src-shared/sign/suites.js';
import type { SignatureSuite, SuiteBackend } from '../../src-shared/sign/suite.js';

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function withPrefix(prefix: Uint8Array, body: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// DER prefixes (RFC 8410 §4 and §7 for Ed25519; RFC 5480 §2 SubjectPublicKeyInfo with a compressed
// SEC 1 point for ECDSA); the raw key follows each prefix.
const ED25519_SPKI = hex('302a300506032b6570032100');
const ED25519_PKCS8 = hex('302e020100300506032b657004220420');
const P256_SPKI = hex('3039301306072a8648ce3d020106082a8648ce3d030107032200');
const SECP256K1_SPKI = hex('3036301006072a8648ce3d020106052b8104000a032200');

/** A small cache of parsed public keys: verifying many envelopes by the same keys is the common case. */
class KeyCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly limit: number) {}
  get(raw: Uint8Array, make: () => T): T {
    const k = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
    let key = this.map.get(k);
    if (key === undefined) {
      key = make();
      if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
      this.map.set(k, key);
    }
    return key;
  }
}

/** The part of sodium-native used here (libsodium's crypto_sign_verify_detached). */
interface Sodium {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

let loadedSodium: Sodium | null | undefined;

/**
 * sodium-native, or null where its prebuilt addon does not load (the OpenSSL path is used then).
 * Loaded once, on first use: loading the addon takes 10-15 ms, which commands that never verify an
 * Ed25519 signature should not pay at start-up.
 */
function sodium(): Sodium | null {
  if (loadedSodium === undefined) {
    try {
      const s = createRequire(import.meta.url)('sodium-native') as Partial<Sodium>;
      loadedSodium = typeof s.crypto_sign_verify_detached === 'function' ? (s as Sodium) : null;
    } catch {
      loadedSodium = null;
    }
  }
  return loadedSodium;
}

const P = (1n << 255n) - 19n;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/** Strict RFC 8032 §5.1.3 decoding conditions that OpenSSL does not all enforce, plus small order. */
function acceptableEd25519Key(publicKey: Uint8Array): boolean {
  const y = littleEndian(publicKey) & ((1n << 255n) - 1n);
  if (y >= P) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

const ed25519Suite = getSuite('ed25519');

export type Ed25519Engine = 'libsodium' | 'openssl';

/** The engine the default backend verifies Ed25519 with: libsodium where its addon loads. */
export function ed25519Engine(): Ed25519Engine {
  return sodium() !== null ? 'libsodium' : 'openssl';
}

/**
 * Ed25519 over node:crypto's signing and a verification engine (by default ed25519Engine(), decided
 * at the first verification), with the screening and noble re-check described at the top of this
 * file. Exported so tests run every engine.
 */
export function ed25519Backend(engine?: Ed25519Engine): Pick<SignatureSuite, 'sign' | 'verify'> {
  if (engine === 'libsodium' && sodium() === null) {
    throw new Error('libsodium (sodium-native) is not available on this platform');
  }
  let lib: Sodium | null | undefined = engine === 'openssl' ? null : undefined;
  // Screened keys: the parsed KeyObject for OpenSSL, `true` for libsodium (which takes raw bytes).
  const keys = new KeyCache<KeyObject | true>(256);
  const screen = (publicKey: Uint8Array): KeyObject | true =>
    keys.get(publicKey, () => {
      if (!acceptableEd25519Key(publicKey)) throw new Error('refused public key');
      lib ??= sodium();
      return lib !== null
        ? true
        : createPublicKey({ key: withPrefix(ED25519_SPKI, publicKey), format: 'der', type: 'spki' });
    });
  return Object.freeze({
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      const key = createPrivateKey({
        key: withPrefix(ED25519_PKCS8, secretKey),
        format: 'der',
        type: 'pkcs8',
      });
      return view(nodeSign(null, message, key));
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      let ok: boolean;
      try {
        const key = screen(publicKey);
        ok =
          key === true
            ? (lib as Sodium).crypto_sign_verify_detached(signature, message, publicKey)
            : nodeVerify(null, message, key, signature);
      } catch {
        return false;
      }
      // Cofactorless success implies cofactored success for screened keys; the converse needs noble.
      return ok || ed25519Suite.verify(publicKey, message, signature);
    },
  });
}

function lowS(signature: Uint8Array, order: bigint): boolean {
  let r = 0n;
  let s = 0n;
  for (let i = 0; i < 32; i++) r = (r << 8n) | BigInt(signature[i] as number);
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i] as number);
  return r > 0n && r < order && s > 0n && s <= order >> 1n;
}

function ecdsaVerify(curve: 'p256' | 'secp256k1', spki: Uint8Array): Pick<SignatureSuite, 'sign' | 'verify'> {
  const suite = getSuite(curve);
  const order = ECDSA_ORDER[curve];
  const keys = new KeyCache<KeyObject>(256);
  return Object.freeze({
    // Deterministic RFC 6979 signing is not available in node:crypto: keep noble's.
    sign: (secretKey: Uint8Array, message: Uint8Array) => suite.sign(secretKey, message),
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (publicKey.length !== 33 || signature.length !== 64) return false;
      if (publicKey[0] !== 0x02 && publicKey[0] !== 0x03) return false;
      if (!lowS(signature, order)) return false;
      try {
        const key = keys.get(publicKey, () =>
          createPublicKey({ key: withPrefix(spki, publicKey), format: 'der', type: 'spki' }),
        );
        return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
  });
}

export const nodeSuiteBackend: SuiteBackend = Object.freeze({
  ed25519: ed25519Backend(),
  p256: ecdsaVerify('p256', P256_SPKI),
  secp256k1: ecdsaVerify('secp256k1', SECP256K1_SPKI),
});

/**
 * SHA-256 by OpenSSL's one-shot `crypto.hash` (Node 20.12+), which skips createHash's object set-up.
 * The digest is taken as a 'binary' (latin1) string, one character per byte (U+0000..U+00FF), copied into a
 * small on-heap array: measured here, cheaper than allocating a Buffer for every 32-byte digest.
 */
function sha256(data: Uint8Array): Uint8Array {
  const digest = oneShotHash('sha256', data, 'binary');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** SHA-256 from OpenSSL; Keccak-256 stays noble (OpenSSL's SHA3 is not Ethereum's Keccak padding). */
export const nodeHashes: HashPrimitives = Object.freeze({
  sha256,
  // Hex written by OpenSSL's one-shot call: half the cost of the bytes plus a hex table in JS.
  sha256Hex: (data: Uint8Array) => oneShotHash('sha256', data, 'hex'),
  keccak256: (data: Uint8Array) => keccak_256(data),
});
