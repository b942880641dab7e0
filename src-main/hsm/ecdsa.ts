/**
 * ECDSA signatures from an HSM, made acceptable to strict verifiers. `CKM_ECDSA` returns r || s with
 * whatever s the token chose; half of them are "high-S", which noble (and Ethereum, EIP-2) refuse
 * because (r, n - s) is an equally valid signature (malleability). The adapter normalises s to the
 * lower half before a signature leaves it, and derives the secp256k1 recovery id (CKM_ECDSA gives none)
 * by trying both candidates against the known public key.
 */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { abytes, equalBytes } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';

export type EcCurve = 'p256' | 'secp256k1';

const ORDER: Readonly<Record<EcCurve, bigint>> = {
  p256: p256.Point.CURVE().n,
  secp256k1: secp256k1.Point.CURVE().n,
};

function be32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/** n and floor(n/2) as 32 big-endian bytes, so the hot path compares bytes instead of building bigints. */
const BOUNDS: Readonly<Record<EcCurve, { n: Uint8Array; half: Uint8Array }>> = {
  p256: { n: be32(ORDER.p256), half: be32(ORDER.p256 >> 1n) },
  secp256k1: { n: be32(ORDER.secp256k1), half: be32(ORDER.secp256k1 >> 1n) },
};

/** Compares the 32 bytes of `a` at `offset` with `b` as big-endian numbers (public values: not constant time). */
function cmp32(a: Uint8Array, offset: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[offset + i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function isZero32(a: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + 32; i++) if (a[i] !== 0) return false;
  return true;
}

/**
 * Returns r || s with s <= n/2 (64 bytes, a new array). Signing is the hot path of the adapter, so a
 * signature that is already low-S (half of them) costs byte comparisons only, with no noble Signature
 * objects or bigints; r and s are still required to be in [1, n - 1] (SEC 1 §4.1.3), as noble does.
 */
export function normalizeLowS(curve: EcCurve, signature: Uint8Array): Uint8Array {
  abytes(signature, 'signature', 64);
  const { n, half } = BOUNDS[curve];
  if (
    isZero32(signature, 0) ||
    isZero32(signature, 32) ||
    cmp32(signature, 0, n) >= 0 ||
    cmp32(signature, 32, n) >= 0
  )
    throw new QtError('QT_HSM_SIGNATURE', 'the HSM returned an ECDSA signature with r or s out of range');
  const out = signature.slice();
  if (cmp32(signature, 32, half) <= 0) return out;
  let s = 0n;
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i] as number);
  out.set(be32(ORDER[curve] - s), 32);
  return out;
}

/**
 * The recovery id (0 or 1) of a low-S secp256k1 signature over `digest` made by `publicKey`
 * (33-byte compressed or 65-byte uncompressed SEC1).
 */
export function recoveryId(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): 0 | 1 {
  abytes(digest, 'digest', 32);
  abytes(signature, 'signature', 64);
  abytes(publicKey, 'publicKey', 33, 65);
  const want = secp256k1.Point.fromBytes(publicKey).toBytes(true);
  for (const rec of [0, 1] as const) {
    try {
      const recovered = secp256k1.Signature.fromBytes(signature, 'compact')
        .addRecoveryBit(rec)
        .recoverPublicKey(digest)
        .toBytes(true);
      if (equalBytes(recovered, want)) return rec;
    } catch {
      // this candidate does not recover a point: try the other
    }
  }
  throw new QtError('QT_HSM_SIGNATURE', 'the HSM signature does not recover to the key that made it');
}
