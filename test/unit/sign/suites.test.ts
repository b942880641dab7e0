/** The suite registry: ids, set parsing, determinism, and verify's never-throw contract. */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeSuiteBackend } from '../../../src-main/crypto/node-backend.js';
import {
  ECDSA_ORDER,
  getSuite,
  isSuiteId,
  parseSuiteSet,
  SUITE_IDS,
  type SuiteId,
} from '../../../src-shared/sign/index.js';
import { fixedKey, flip, hex, NOT_BYTES, toHex, utf8 } from './helpers.js';

const msg = utf8('approve: rotate the signing key');
const keys = Object.fromEntries(SUITE_IDS.map((id) => [id, fixedKey(id)])) as Record<
  SuiteId,
  ReturnType<typeof fixedKey>
>;
const sigs = Object.fromEntries(
  SUITE_IDS.map((id) => [id, getSuite(id).sign(keys[id].secretKey, msg)]),
) as Record<SuiteId, Uint8Array>;

describe('registry', () => {
  it('lists the six suites and their shape', () => {
    expect(SUITE_IDS).toEqual(['ed25519', 'secp256k1', 'p256', 'ml-dsa-65', 'ml-dsa-87', 'falcon-512']);
    expect(SUITE_IDS.map((id) => getSuite(id).postQuantum)).toEqual([false, false, false, true, true, true]);
    expect(SUITE_IDS.map((id) => getSuite(id).publicKeyLength)).toEqual([32, 33, 33, 1952, 2592, 897]);
    expect(SUITE_IDS.map((id) => getSuite(id).signatureLength)).toEqual([64, 64, 64, 3309, 4627, 666]);
    expect(SUITE_IDS.map((id) => getSuite(id).seedLength)).toEqual([32, 48, 48, 32, 32, 48]);
    expect(Object.isFrozen(getSuite('ed25519'))).toBe(true);
  });
  it('refuses unknown ids naming the known ones', () => {
    for (const bad of ['ED25519', 'ml-dsa-44', 'ed25519 ', '', '__proto__', 'toString', 'constructor']) {
      expect(() => getSuite(bad)).toThrow(expect.objectContaining({ code: 'QT_UNKNOWN_SUITE' }));
      expect(isSuiteId(bad)).toBe(false);
    }
    expect(() => getSuite('rsa')).toThrow(
      /known suites: ed25519, secp256k1, p256, ml-dsa-65, ml-dsa-87, falcon-512/,
    );
    for (const bad of [undefined, null, 1, ['ed25519'], { id: 'ed25519' }, new String('ed25519')]) {
      expect(() => getSuite(bad)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    }
  });
});

describe('parseSuiteSet', () => {
  it('parses hybrid sets in order', () => {
    expect(parseSuiteSet('ed25519')).toEqual(['ed25519']);
    expect(parseSuiteSet('ed25519+ml-dsa-65')).toEqual(['ed25519', 'ml-dsa-65']);
    expect(parseSuiteSet('falcon-512+p256+ml-dsa-87')).toEqual(['falcon-512', 'p256', 'ml-dsa-87']);
  });
  it('refuses empty sets and members, duplicates, unknown suites, wrong types', () => {
    for (const bad of [
      '',
      '+',
      'ed25519+',
      '+ed25519',
      'ed25519++p256',
      'ed25519+ed25519',
      'p256+ml-dsa-65+p256',
    ]) {
      expect(() => parseSuiteSet(bad)).toThrow(expect.objectContaining({ code: 'QT_SUITE_SET' }));
    }
    expect(() => parseSuiteSet('ed25519+rsa')).toThrow(
      expect.objectContaining({ code: 'QT_UNKNOWN_SUITE', path: 'suiteSet[1]' }),
    );
    expect(() => parseSuiteSet('ed25519 + p256')).toThrow(
      expect.objectContaining({ code: 'QT_UNKNOWN_SUITE' }),
    );
    expect(() => parseSuiteSet('x'.repeat(300))).toThrow(expect.objectContaining({ code: 'QT_SUITE_SET' }));
    for (const bad of [undefined, null, ['ed25519'], 3]) {
      expect(() => parseSuiteSet(bad)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    }
  });
});

describe.each(SUITE_IDS)('%s', (id) => {
  const suite = getSuite(id);
  const k = keys[id];
  const sig = sigs[id];

  it('keygen is deterministic given a seed and random otherwise', () => {
    expect(k.suite).toBe(id);
    expect(k.publicKey.length).toBe(suite.publicKeyLength);
    expect(k.secretKey.length).toBe(suite.secretKeyLength);
    expect(toHex(fixedKey(id).publicKey)).toBe(toHex(k.publicKey));
    if (!suite.postQuantum) expect(toHex(suite.keygen().publicKey)).not.toBe(toHex(k.publicKey));
  });
  it('keygen refuses seeds of the wrong type or length', () => {
    expect(() => suite.keygen(new Uint8Array(suite.seedLength - 1))).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
    expect(() => suite.keygen(new Uint8Array(suite.seedLength + 1))).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
    for (const bad of NOT_BYTES.filter((v) => v !== undefined)) {
      expect(() => suite.keygen(bad as Uint8Array)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    }
  });
  it('signs and verifies; signing is deterministic except for Falcon', () => {
    expect(sig.length).toBe(suite.signatureLength);
    expect(suite.verify(k.publicKey, msg, sig)).toBe(true);
    const again = suite.sign(k.secretKey, msg);
    expect(toHex(again) === toHex(sig)).toBe(id !== 'falcon-512');
    expect(suite.verify(k.publicKey, msg, again)).toBe(true);
  });
  it('returns false for tampered messages, signatures and keys, and for another key', () => {
    expect(suite.verify(k.publicKey, flip(msg, 3), sig)).toBe(false);
    expect(suite.verify(k.publicKey, msg, flip(sig, 0))).toBe(false);
    expect(suite.verify(k.publicKey, msg, flip(sig, sig.length - 1, 7))).toBe(false);
    expect(suite.verify(flip(k.publicKey, k.publicKey.length - 1), msg, sig)).toBe(false);
    expect(suite.verify(fixedKey(id, 9).publicKey, msg, sig)).toBe(false);
  });
  it('returns false (never throws) for wrong lengths and garbage bytes', () => {
    expect(suite.verify(k.publicKey, msg, sig.subarray(1))).toBe(false);
    expect(suite.verify(k.publicKey, msg, new Uint8Array(sig.length + 1))).toBe(false);
    expect(suite.verify(k.publicKey, msg, new Uint8Array(0))).toBe(false);
    expect(suite.verify(k.publicKey.subarray(1), msg, sig)).toBe(false);
    expect(suite.verify(new Uint8Array(suite.publicKeyLength), msg, sig)).toBe(false);
    expect(suite.verify(new Uint8Array(suite.publicKeyLength).fill(0xff), msg, sig)).toBe(false);
    expect(suite.verify(k.publicKey, msg, new Uint8Array(sig.length).fill(0xff))).toBe(false);
    expect(suite.verify(k.publicKey, msg, new Uint8Array(sig.length))).toBe(false);
  });
  it('throws QT_TYPE for values that are not bytes', () => {
    for (const bad of NOT_BYTES) {
      expect(() => suite.verify(bad as Uint8Array, msg, sig)).toThrow(
        expect.objectContaining({ code: 'QT_TYPE' }),
      );
      expect(() => suite.verify(k.publicKey, bad as Uint8Array, sig)).toThrow(
        expect.objectContaining({ code: 'QT_TYPE' }),
      );
      expect(() => suite.verify(k.publicKey, msg, bad as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'QT_TYPE' }),
      );
      expect(() => suite.sign(bad as Uint8Array, msg)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
      expect(() => suite.sign(k.secretKey, bad as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'QT_TYPE' }),
      );
    }
  });
  it('refuses secret keys of the wrong length', () => {
    expect(() => suite.sign(k.secretKey.subarray(1), msg)).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
  });
});

describe('ECDSA low-S', () => {
  for (const [id, curve] of [
    ['secp256k1', secp256k1],
    ['p256', p256],
  ] as const) {
    it(`${id}: the high-S twin is a valid ECDSA signature, and both implementations refuse it`, () => {
      const k = keys[id];
      const sig = sigs[id];
      const n = ECDSA_ORDER[id];
      const s = BigInt('0x' + toHex(sig.subarray(32)));
      expect(s <= n >> 1n).toBe(true);
      const high = new Uint8Array(64);
      high.set(sig.subarray(0, 32));
      high.set(hex((n - s).toString(16).padStart(64, '0')), 32);
      // Mathematically valid: a permissive verifier accepts it, which is exactly the malleability.
      expect(curve.verify(high, msg, k.publicKey, { lowS: false })).toBe(true);
      expect(getSuite(id).verify(k.publicKey, msg, high)).toBe(false);
      expect(nodeSuiteBackend[id]!.verify(k.publicKey, msg, high)).toBe(false);
    });
    it(`${id}: r or s of zero or >= n is refused`, () => {
      const k = keys[id];
      const n = hex(ECDSA_ORDER[id].toString(16).padStart(64, '0'));
      const zero = new Uint8Array(32);
      for (const [r, s] of [
        [zero, sigs[id].subarray(32)],
        [sigs[id].subarray(0, 32), zero],
        [n, sigs[id].subarray(32)],
      ]) {
        const bad = new Uint8Array(64);
        bad.set(r!, 0);
        bad.set(s!, 32);
        expect(getSuite(id).verify(k.publicKey, msg, bad)).toBe(false);
        expect(nodeSuiteBackend[id]!.verify(k.publicKey, msg, bad)).toBe(false);
      }
    });
  }
  it('p256: node:crypto alone would accept high-S (why the backend checks first)', () => {
    const k = keys.p256;
    const n = ECDSA_ORDER.p256;
    const s = BigInt('0x' + toHex(sigs.p256.subarray(32)));
    const high = Buffer.concat([sigs.p256.subarray(0, 32), hex((n - s).toString(16).padStart(64, '0'))]);
    const spki = Buffer.concat([hex('3039301306072a8648ce3d020106082a8648ce3d030107032200'), k.publicKey]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(nodeVerify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, high)).toBe(true);
  });
  it('ECDSA refuses an uncompressed public key even if the point is valid', () => {
    const k = keys.p256;
    const uncompressed = p256.Point.fromBytes(k.publicKey).toBytes(false);
    expect(getSuite('p256').verify(uncompressed, msg, sigs.p256)).toBe(false);
    expect(nodeSuiteBackend.p256!.verify(uncompressed, msg, sigs.p256)).toBe(false);
  });
  it('an ECDSA secret key of zero or >= n is QT_KEY_INVALID', () => {
    expect(() => getSuite('secp256k1').sign(new Uint8Array(32), msg)).toThrow(
      expect.objectContaining({ code: 'QT_KEY_INVALID' }),
    );
    expect(() => getSuite('p256').sign(new Uint8Array(32).fill(0xff), msg)).toThrow(
      expect.objectContaining({ code: 'QT_KEY_INVALID' }),
    );
  });
});
