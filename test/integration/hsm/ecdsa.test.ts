// normalizeLowS takes a bigint shortcut on the signing hot path; it must agree with noble's
// Signature objects on every input, low or high, and refuse what noble refuses.
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeLowS } from '../../../src-main/hsm/ecdsa.js';
import { QtError } from '../../../src-shared/errors.js';

const curves = { p256, secp256k1 } as const;

function reference(curve: keyof typeof curves, sig: Uint8Array): Uint8Array {
  const C = curves[curve];
  const s = C.Signature.fromBytes(sig, 'compact');
  const n = C.Point.CURVE().n;
  return (s.s > n >> 1n ? new C.Signature(s.r, n - s.s) : s).toBytes('compact');
}

function be32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

describe('normalizeLowS', () => {
  for (const curve of ['p256', 'secp256k1'] as const) {
    const n = curves[curve].Point.CURVE().n;
    it(`${curve}: agrees with noble for random r, s in [1, n-1], and the boundaries`, () => {
      fc.assert(
        fc.property(fc.bigInt(1n, n - 1n), fc.bigInt(1n, n - 1n), (r, s) => {
          const sig = new Uint8Array([...be32(r), ...be32(s)]);
          const before = sig.slice();
          const got = normalizeLowS(curve, sig);
          expect(got).toEqual(reference(curve, sig));
          expect(sig).toEqual(before); // the input is never changed
          expect(got).not.toBe(sig);
        }),
        { numRuns: 300 },
      );
      for (const s of [1n, n >> 1n, (n >> 1n) + 1n, n - 1n]) {
        const sig = new Uint8Array([...be32(1n), ...be32(s)]);
        expect(normalizeLowS(curve, sig)).toEqual(reference(curve, sig));
      }
    });
    it(`${curve}: refuses r or s of 0 or >= n, and wrong lengths or types`, () => {
      for (const [r, s] of [
        [0n, 1n],
        [1n, 0n],
        [n, 1n],
        [1n, n],
        [(1n << 256n) - 1n, 1n],
      ] as const) {
        expect(() => normalizeLowS(curve, new Uint8Array([...be32(r), ...be32(s)]))).toThrow(QtError);
      }
      expect(() => normalizeLowS(curve, new Uint8Array(63))).toThrow(/signature/);
      expect(() => normalizeLowS(curve, new Uint8Array(65))).toThrow(/signature/);
      expect(() => normalizeLowS(curve, Array(64).fill(1) as unknown as Uint8Array)).toThrow(/signature/);
    });
  }
});
