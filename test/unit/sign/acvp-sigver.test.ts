/**
 * NIST ACVP ML-DSA sigVer vectors (FIPS 204 §5.3 Algorithm 3 ML-DSA.Verify, external interface,
 * pure variant), vendored from ACVP-Server (see test/vectors/sign/SOURCE.md), run against
 * @noble/post-quantum with each vector's context, and tied to our suite layer.
 *
 * Our suites sign and verify with an EMPTY context string (post-quantum.ts). Every vendored case
 * carries a non-empty context, so none can be replayed through the suite layer as-is. Instead the
 * suite layer is tied to the vectors twice: (1) a vector signature, valid under its own context,
 * must be rejected by our suite and by the primitive with an empty context alike, because FIPS 204
 * Algorithm 3 binds the context into M' = 0 || |ctx| || ctx || M; (2) with keys from the ACVP keyGen
 * vectors, the vector messages signed by our suite verify under the primitive with an empty context,
 * and our suite's verify agrees with that primitive on valid and tampered inputs.
 */
import { ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { describe, expect, it } from 'vitest';
import { getSuite, type SuiteId } from '../../../src-shared/sign/index.js';
import acvpKeygen from '../../vectors/sign/acvp-ml-dsa-keygen.json';
import acvpSigver from '../../vectors/sign/acvp-ml-dsa-sigver.json';
import { flip, hex } from './helpers.js';

type ParameterSet = 'ML-DSA-65' | 'ML-DSA-87';

const PARAMS: Record<ParameterSet, { dsa: typeof ml_dsa65; suite: SuiteId; pk: number; sig: number }> = {
  // FIPS 204 Table 2 sizes.
  'ML-DSA-65': { dsa: ml_dsa65, suite: 'ml-dsa-65', pk: 1952, sig: 3309 },
  'ML-DSA-87': { dsa: ml_dsa87, suite: 'ml-dsa-87', pk: 2592, sig: 4627 },
};

interface SigVerCase {
  tgId: number;
  tcId: number;
  parameterSet: ParameterSet;
  interface: string;
  preHash: string;
  pk: string;
  message: string;
  context: string;
  signature: string;
  testPassed: boolean;
  reason: string | null;
}

const cases = acvpSigver.cases as SigVerCase[];
const EMPTY = new Uint8Array(0);

/** The primitive's verdict; a throw (malformed input) counts as a rejection, as in suites.ts. */
function primitive(
  dsa: typeof ml_dsa65,
  sig: Uint8Array,
  msg: Uint8Array,
  pk: Uint8Array,
  context: Uint8Array,
) {
  try {
    return dsa.verify(sig, msg, pk, { context });
  } catch {
    return false;
  }
}

describe('vendored ACVP sigVer file', () => {
  it('keeps exactly the pinned cases, so an edit cannot silently drop one', () => {
    // Pinned from expectedResults.json at the vendored commit (tgId 3: ML-DSA-65, tgId 5: ML-DSA-87).
    expect(cases.map((c) => [c.tgId, c.tcId, c.parameterSet, c.testPassed])).toEqual([
      [3, 31, 'ML-DSA-65', false],
      [3, 33, 'ML-DSA-65', true],
      [5, 63, 'ML-DSA-87', false],
      [5, 65, 'ML-DSA-87', true],
    ]);
  });

  it('has at least one valid and one invalid case per parameter set', () => {
    for (const ps of Object.keys(PARAMS) as ParameterSet[]) {
      const mine = cases.filter((c) => c.parameterSet === ps);
      expect(mine.some((c) => c.testPassed)).toBe(true);
      expect(mine.some((c) => !c.testPassed)).toBe(true);
    }
  });

  it('keeps every distinct failure reason (none is published at this commit)', () => {
    // prompt.json / expectedResults.json at 203f667 carry testPassed only. If a future re-vendoring
    // brings reasons, this pinned set must be updated and each reason kept by at least one case.
    const reasons = new Set(cases.filter((c) => !c.testPassed).map((c) => c.reason));
    expect([...reasons]).toEqual([null]);
  });

  it('holds only external/pure cases of the published sizes, in uppercase hex', () => {
    for (const c of cases) {
      const p = PARAMS[c.parameterSet];
      expect(p, `tcId ${c.tcId}`).toBeDefined();
      expect([c.interface, c.preHash]).toEqual(['external', 'pure']);
      for (const field of [c.pk, c.message, c.context, c.signature]) {
        expect(field).toMatch(/^(?:[0-9A-F]{2})*$/);
      }
      expect(c.pk.length / 2).toBe(p.pk);
      expect(c.signature.length / 2).toBe(p.sig);
      // FIPS 204 Algorithm 3: the context string is at most 255 bytes.
      expect(c.context.length / 2).toBeLessThanOrEqual(255);
    }
    expect(new Set(cases.map((c) => c.tcId)).size).toBe(cases.length);
  });
});

describe('NIST ACVP ML-DSA sigVer through @noble/post-quantum (with context)', () => {
  for (const c of cases) {
    const { dsa } = PARAMS[c.parameterSet];
    const [pk, msg, ctx, sig] = [hex(c.pk), hex(c.message), hex(c.context), hex(c.signature)];

    it(`tgId ${c.tgId} tcId ${c.tcId} ${c.parameterSet}: verify gives testPassed=${c.testPassed}`, () => {
      expect(primitive(dsa, sig, msg, pk, ctx)).toBe(c.testPassed);
    });

    if (!c.testPassed) continue;
    // Tampering a valid vector in any input must turn the verdict over.
    it(`tcId ${c.tcId}: tampered message, signature, key or context is rejected`, () => {
      expect(primitive(dsa, sig, flip(msg, 0), pk, ctx)).toBe(false);
      expect(primitive(dsa, sig, msg.subarray(1), pk, ctx)).toBe(false);
      expect(primitive(dsa, flip(sig, 0), msg, pk, ctx)).toBe(false); // commitment hash c~
      expect(primitive(dsa, flip(sig, 100, 3), msg, pk, ctx)).toBe(false); // response z
      expect(primitive(dsa, flip(sig, sig.length - 1), msg, pk, ctx)).toBe(false); // hint h
      expect(primitive(dsa, sig, msg, flip(pk, 40), ctx)).toBe(false);
      expect(primitive(dsa, sig, msg, pk, flip(ctx, 0))).toBe(false);
      expect(primitive(dsa, sig, msg, pk, EMPTY)).toBe(false);
      expect(primitive(dsa, sig.subarray(1), msg, pk, ctx)).toBe(false);
    });
    it(`tcId ${c.tcId}: a signature of the other parameter set is rejected`, () => {
      const other = c.parameterSet === 'ML-DSA-65' ? ml_dsa87 : ml_dsa65;
      expect(primitive(other, sig, msg, pk, ctx)).toBe(false);
    });
  }
});

describe('our suite layer against the sigVer vectors (empty context)', () => {
  for (const c of cases) {
    const p = PARAMS[c.parameterSet];
    const suite = getSuite(p.suite);
    const [pk, msg, sig] = [hex(c.pk), hex(c.message), hex(c.signature)];

    it(`tcId ${c.tcId}: our verify agrees with the primitive called with an empty context`, () => {
      const expected = primitive(p.dsa, sig, msg, pk, EMPTY);
      // Every vendored context is non-empty, so even the valid vectors fail under an empty one.
      expect(expected).toBe(false);
      expect(suite.verify(pk, msg, sig)).toBe(expected);
    });
  }

  for (const k of acvpKeygen.cases) {
    const ps = k.parameterSet as ParameterSet;
    const p = PARAMS[ps];
    const suite = getSuite(p.suite);
    const vector = cases.find((c) => c.parameterSet === ps && c.testPassed)!;
    const msg = hex(vector.message);
    const ctx = hex(vector.context);

    it(`keyGen tcId ${k.tcId} key, sigVer tcId ${vector.tcId} message: suite and primitive agree`, () => {
      const pair = suite.keygen(hex(k.seed));
      const pk = hex(k.pk);
      const sig = suite.sign(pair.secretKey, msg);
      expect(sig.length).toBe(p.sig);

      const inputs: [string, Uint8Array, Uint8Array, Uint8Array][] = [
        ['valid', pk, msg, sig],
        ['tampered message', pk, flip(msg, msg.length - 1, 7), sig],
        ['tampered commitment', pk, msg, flip(sig, 5)],
        ['tampered response', pk, msg, flip(sig, 200, 1)],
        ['tampered hint', pk, msg, flip(sig, sig.length - 2)],
        ['tampered key', flip(pk, 100), msg, sig],
        ['vector signature under this key', pk, msg, hex(vector.signature)],
      ];
      for (const [name, kpk, kmsg, ksig] of inputs) {
        const expected = primitive(p.dsa, ksig, kmsg, kpk, EMPTY);
        expect(expected, name).toBe(name === 'valid');
        expect(suite.verify(kpk, kmsg, ksig), name).toBe(expected);
      }
      // Our signature is bound to the empty context: the vector's context must not verify it.
      expect(primitive(p.dsa, sig, msg, pk, ctx)).toBe(false);
      // Omitting the option is the same as the empty context (FIPS 204 default).
      expect(p.dsa.verify(sig, msg, pk)).toBe(true);
    });
  }
});
