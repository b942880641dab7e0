/**
 * The node:crypto backend must give the noble results on every input, including the crafted
 * Ed25519 edge cases where OpenSSL's own rules differ (small-order keys, non-canonical encodings).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ed25519Backend,
  ed25519Engine,
  nodeHashes,
  nodeSuiteBackend,
} from '../../../src-main/crypto/node-backend.js';
import { hashTagged, keccakTagged, nobleHashes, TAGS } from '../../../src-shared/hash.js';
import { getSuite, type SuiteId } from '../../../src-shared/sign/index.js';
import { fixedKey, hex, toHex, utf8 } from './helpers.js';

const msg = utf8('node backend');

describe('nodeHashes', () => {
  it('matches noble for SHA-256 (bytes and hex) and Keccak-256 (FIPS 180-4 "abc" vector and random data)', () => {
    expect(toHex(nodeHashes.sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(nodeHashes.keccak256(new Uint8Array(0)))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
        const out = nodeHashes.sha256(data);
        return (
          Object.getPrototypeOf(out) === Uint8Array.prototype &&
          toHex(out) === toHex(nobleHashes.sha256(data)) &&
          nodeHashes.sha256Hex?.(data) === toHex(nobleHashes.sha256(data)) &&
          toHex(hashTagged(TAGS.file, data, nodeHashes)) === toHex(hashTagged(TAGS.file, data)) &&
          toHex(keccakTagged(TAGS.file, data, nodeHashes)) === toHex(keccakTagged(TAGS.file, data))
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('nodeSuiteBackend', () => {
  it('implements ed25519, p256 and secp256k1 only', () => {
    expect(Object.keys(nodeSuiteBackend).sort()).toEqual(['ed25519', 'p256', 'secp256k1']);
  });
  for (const id of ['ed25519', 'p256', 'secp256k1'] as SuiteId[]) {
    it(`${id}: same signatures as noble, same verdicts on valid and corrupted signatures`, () => {
      const suite = getSuite(id);
      const be = nodeSuiteBackend[id]!;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(63), fc.nat(7), (m, byte, bit) => {
          const k = fixedKey(id);
          const sig = suite.sign(k.secretKey, m);
          if (toHex(be.sign(k.secretKey, m)) !== toHex(sig)) return false;
          const bad = Uint8Array.from(sig);
          bad[byte] = (bad[byte] as number) ^ (1 << bit);
          return (
            be.verify(k.publicKey, m, sig) === true &&
            be.verify(k.publicKey, m, bad) === suite.verify(k.publicKey, m, bad) &&
            be.verify(k.publicKey, m, bad) === false
          );
        }),
        { numRuns: 30 },
      );
    });
    it(`${id}: garbage keys and signatures are false, never an exception`, () => {
      const be = nodeSuiteBackend[id]!;
      const s = getSuite(id);
      const k = fixedKey(id);
      const sig = s.sign(k.secretKey, msg);
      for (const pk of [
        new Uint8Array(s.publicKeyLength),
        new Uint8Array(s.publicKeyLength).fill(0xff),
        k.publicKey.subarray(1),
        new Uint8Array(0),
      ]) {
        expect(be.verify(pk, msg, sig)).toBe(s.verify(pk, msg, sig));
        expect(be.verify(pk, msg, sig)).toBe(false);
      }
      expect(be.verify(k.publicKey, msg, sig.subarray(1))).toBe(false);
      expect(be.verify(k.publicKey, msg, new Uint8Array(64))).toBe(false);
    });
  }

  it('verifies Ed25519 with libsodium here (sodium-native is installed and its addon loads)', () => {
    expect(ed25519Engine()).toBe('libsodium');
  });

  describe('ed25519 edge cases where OpenSSL alone differs', () => {
    // The identity point (y = 1) is a small-order public key; with R = identity and s = 0 the
    // cofactorless equation sB = R + hA holds for every message.
    const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
    const sig = new Uint8Array(64);
    sig.set(identity, 0);
    const engines = [nodeSuiteBackend.ed25519!, ed25519Backend('libsodium'), ed25519Backend('openssl')];

    it('OpenSSL accepts the small-order forgery on its own', () => {
      const spki = Buffer.concat([hex('302a300506032b6570032100'), identity]);
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expect(nodeVerify(null, msg, key, sig)).toBe(true);
    });
    it('both implementations refuse it', () => {
      expect(getSuite('ed25519').verify(identity, msg, sig)).toBe(false);
      for (const be of engines) expect(be.verify(identity, msg, sig)).toBe(false);
    });
    it('non-canonical public key encodings (y >= p) are refused by both', () => {
      // y = p + 1 encodes the same point as y = 1 in a non-canonical way.
      const p = (1n << 255n) - 19n;
      const y = p + 1n;
      const enc = new Uint8Array(32);
      for (let i = 0, v = y; i < 32; i++, v >>= 8n) enc[i] = Number(v & 0xffn);
      expect(getSuite('ed25519').verify(enc, msg, sig)).toBe(false);
      for (const be of engines) expect(be.verify(enc, msg, sig)).toBe(false);
    });
    it('a non-canonical s (s + L) is refused by both', () => {
      const k = fixedKey('ed25519');
      const good = getSuite('ed25519').sign(k.secretKey, msg);
      const L = ed25519.Point.Fn.ORDER;
      let s = 0n;
      for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(good[i] as number);
      const t = s + L;
      const bad = Uint8Array.from(good);
      for (let i = 32, v = t; i < 64; i++, v >>= 8n) bad[i] = Number(v & 0xffn);
      expect(getSuite('ed25519').verify(k.publicKey, msg, bad)).toBe(false);
      for (const be of engines) expect(be.verify(k.publicKey, msg, bad)).toBe(false);
    });
  });
  describe("every Ed25519 verification engine gives noble's verdict", () => {
    const engines = [
      ['libsodium', ed25519Backend('libsodium')],
      ['OpenSSL', ed25519Backend('openssl')],
    ] as const;
    const L = ed25519.Point.Fn.ORDER;
    const le = (b: Uint8Array): bigint => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
    const scalarBytes = (n: bigint): Uint8Array => {
      const out = new Uint8Array(32);
      for (let i = 0, v = n; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
      return out;
    };
    // A signature whose R carries a torsion component of order 8: the cofactored equation that
    // noble checks holds, the cofactorless one that libsodium and OpenSSL check does not, so the
    // backend must fall back to noble and accept it like noble does.
    it('a signature with a torsion component in R: same verdict as noble', () => {
      const a = 0x1234567890abcdefn;
      const r = 0xfedcba0987654321n;
      const A = ed25519.Point.BASE.multiply(a).toBytes();
      const T = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
      const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
      const k = le(sha512(Uint8Array.from([...R, ...A, ...msg]))) % L;
      const sig = Uint8Array.from([...R, ...scalarBytes((r + k * a) % L)]);
      const expected = getSuite('ed25519').verify(A, msg, sig);
      for (const [, be] of engines) expect(be.verify(A, msg, sig)).toBe(expected);
      expect(nodeSuiteBackend.ed25519!.verify(A, msg, sig)).toBe(expected);
    });
    for (const [name, be] of engines) {
      it(`${name}: valid, corrupted and garbage inputs`, () => {
        const suite = getSuite('ed25519');
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(63), fc.nat(7), (m, byte, bit) => {
            const key = fixedKey('ed25519');
            const sig = suite.sign(key.secretKey, m);
            const bad = Uint8Array.from(sig);
            bad[byte] = (bad[byte] as number) ^ (1 << bit);
            return be.verify(key.publicKey, m, sig) && !be.verify(key.publicKey, m, bad);
          }),
          { numRuns: 30 },
        );
        const key = fixedKey('ed25519');
        const sig = suite.sign(key.secretKey, msg);
        expect(be.verify(key.publicKey.subarray(1), msg, sig)).toBe(false);
        expect(be.verify(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
        expect(be.verify(key.publicKey, msg, sig.subarray(1))).toBe(false);
        expect(be.verify(key.publicKey, msg, new Uint8Array(64))).toBe(false);
      });
    }
  });
});
