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

function curveOf(c: EcCurve) {
  return c === 'p256' ? p256 : secp256k1;
}

/** Returns r || s with s <= n/2 (64 bytes). */
export function normalizeLowS(curve: EcCurve, signature: Uint8Array): Uint8Array {
  abytes(signature, 'signature', 64);
  const sig = curveOf(curve).Signature.fromBytes(signature, 'compact');
  const n = curveOf(curve).Point.CURVE().n;
  const low = sig.s > n >> 1n ? new (curveOf(curve).Signature)(sig.r, n - sig.s) : sig;
  return low.toBytes('compact');
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
