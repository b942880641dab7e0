/**
 * Classical suites over @noble/curves: raw primitives, inputs already checked by the registry
 * (suites.ts). What each suite signs is fixed by docs/formats.md:
 * - ed25519: PureEdDSA (RFC 8032 §5.1) over the message itself; verification is the strict
 *   RFC 8032 / FIPS 186-5 mode (canonical encodings, s < L), never ZIP-215, and small-order
 *   public keys are refused.
 * - secp256k1, p256: ECDSA over SHA-256(message) with RFC 6979 deterministic nonces, 64-byte
 *   compact r || s, low-S produced and REQUIRED on verify (a high-S twin is a malleated signature).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { SuiteId } from './suite.js';

/** A suite's algorithm without input checks; the registry wraps it. */
export interface RawSuite {
  readonly id: SuiteId;
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly signatureLength: number;
  readonly seedLength: number;
  readonly postQuantum: boolean;
  keygen(seed: Uint8Array | undefined): { secretKey: Uint8Array; publicKey: Uint8Array };
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export const ed25519Raw: RawSuite = Object.freeze({
  id: 'ed25519',
  publicKeyLength: 32,
  secretKeyLength: 32,
  signatureLength: 64,
  seedLength: 32,
  postQuantum: false,
  // RFC 8032 §5.1.5: the 32-byte private key is the seed itself.
  keygen: (seed: Uint8Array | undefined) => ed25519.keygen(seed),
  sign: (secretKey: Uint8Array, message: Uint8Array) => ed25519.sign(message, secretKey),
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    ed25519.verify(signature, message, publicKey, { zip215: false }),
});

type Weierstrass = typeof p256 | typeof secp256k1;

function ecdsa(id: SuiteId, curve: Weierstrass): RawSuite {
  return Object.freeze({
    id,
    // SEC 1 §2.3.3 compressed point: 0x02/0x03 || x.
    publicKeyLength: 33,
    secretKeyLength: 32,
    signatureLength: 64,
    // noble maps a 48-byte seed to a scalar with FIPS 186-5 A.2.1-style reduction (bias < 2^-128).
    seedLength: 48,
    postQuantum: false,
    keygen: (seed: Uint8Array | undefined) => {
      const secretKey = curve.utils.randomSecretKey(seed);
      return { secretKey, publicKey: curve.getPublicKey(secretKey, true) };
    },
    sign: (secretKey: Uint8Array, message: Uint8Array) =>
      // extraEntropy: false is plain RFC 6979 (no hedging), so signatures are reproducible vectors.
      curve.sign(sha256(message), secretKey, {
        prehash: false,
        lowS: true,
        format: 'compact',
        extraEntropy: false,
      }),
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      curve.verify(signature, sha256(message), publicKey, { prehash: false, lowS: true, format: 'compact' }),
  });
}

export const secp256k1Raw: RawSuite = ecdsa('secp256k1', secp256k1);
export const p256Raw: RawSuite = ecdsa('p256', p256);

/** Curve orders, for callers (the node backend, HSM adapters) that must apply the same low-S rule. */
export const ECDSA_ORDER: Readonly<Record<'secp256k1' | 'p256', bigint>> = Object.freeze({
  secp256k1: secp256k1.Point.Fn.ORDER,
  p256: p256.Point.Fn.ORDER,
});
