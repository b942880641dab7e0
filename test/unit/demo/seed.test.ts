import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_SALT, aseed, seedBytes, seedKeySet } from '../../../src-main/demo/seed.js';
import { getSuite, keyId } from '../../../src-shared/sign/index.js';

describe('demo seed derivation (HKDF-SHA-256, RFC 5869)', () => {
  it('equals node:crypto HKDF with the documented salt and the label as info', () => {
    for (const [seed, label, len] of [
      ['qtrust-demo', 'prng', 16],
      ['é ü 🙂', 'producer/ed25519', 32],
      ['x', 'approver/alice/ml-dsa-65', 32],
    ] as const) {
      const expected = new Uint8Array(hkdfSync('sha256', seed, DEMO_SALT, label, len));
      expect(seedBytes(seed, label, len)).toEqual(expected);
    }
  });

  it('separates labels and seeds', () => {
    const a = seedBytes('s', 'producer/ed25519', 32);
    expect(seedBytes('s', 'producer/ed25519', 32)).toEqual(a);
    expect(seedBytes('s', 'admin/ed25519', 32)).not.toEqual(a);
    expect(seedBytes('t', 'producer/ed25519', 32)).not.toEqual(a);
  });

  it('derives key sets deterministically, one key per suite with its key id', () => {
    const set = seedKeySet('s', 'producer', ['ed25519', 'ml-dsa-65']);
    expect(set.map((k) => k.suite)).toEqual(['ed25519', 'ml-dsa-65']);
    for (const k of set) {
      expect(k.keyid).toBe(keyId(k.suite, k.publicKey));
      expect(k.publicKey).toHaveLength(getSuite(k.suite).publicKeyLength);
    }
    const again = seedKeySet('s', 'producer', ['ed25519', 'ml-dsa-65']);
    expect(again.map((k) => k.keyid)).toEqual(set.map((k) => k.keyid));
    expect(seedKeySet('s', 'admin', ['ed25519'])[0]!.keyid).not.toBe(set[0]!.keyid);
  });

  it('refuses seeds that are not 1 to 256 printable characters', () => {
    for (const bad of ['', 'a\nb', 'tab\t', '\u0085', 'x'.repeat(257)]) {
      expect(() => aseed(bad)).toThrow(expect.objectContaining({ code: 'QT_RANGE', path: 'seed' }));
    }
    for (const bad of [undefined, null, 5, ['a'], { toString: () => 'a' }]) {
      expect(() => aseed(bad)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    }
    expect(aseed('x'.repeat(256))).toHaveLength(256);
    expect(() => seedBytes('ok', '', 16)).toThrow(expect.objectContaining({ path: 'label' }));
  });
});
