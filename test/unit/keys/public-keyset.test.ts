import { describe, expect, it } from 'vitest';
import { decodePublicKeySet, encodePublicKeySet, generateKeySet } from '../../../src-shared/keys/index.js';
import { clone, fixedKeys, type Tamperable } from './fixtures.js';

function code(f: () => unknown): { code: string; path?: string } {
  try {
    f();
  } catch (e) {
    return e as { code: string; path?: string };
  }
  throw new Error('expected a throw');
}

describe('public key sets', () => {
  it('round-trip', () => {
    const keys = fixedKeys();
    const json = encodePublicKeySet(keys);
    expect(json).toMatchObject({ v: 1, type: 'qtrust/public-keyset' });
    expect(Object.keys(json.keys[0]!).sort()).toEqual(['keyid', 'publicKey', 'suite']);
    expect(JSON.stringify(json)).not.toContain('secretKey');
    const back = decodePublicKeySet(JSON.parse(JSON.stringify(json)));
    expect(back.map((k) => [k.suite, k.keyid, k.publicKey])).toEqual(
      keys.map((k) => [k.suite, k.keyid, k.publicKey]),
    );
  });

  it('refuse a key id that is not the id of its public key', () => {
    const json = clone(encodePublicKeySet(fixedKeys()));
    json.keys[0]!.keyid = fixedKeys(9)[0]!.keyid;
    expect(code(() => decodePublicKeySet(json))).toMatchObject({
      code: 'QT_KEYID_MISMATCH',
      path: '$.keys[0].keyid',
    });
    const swapped = clone(encodePublicKeySet(fixedKeys()));
    swapped.keys[1]!.publicKey = encodePublicKeySet(fixedKeys(9)).keys[1]!.publicKey;
    expect(code(() => decodePublicKeySet(swapped))).toMatchObject({
      code: 'QT_KEYID_MISMATCH',
      path: '$.keys[1].keyid',
    });
  });

  it('refuse public keys of the wrong length for their suite', () => {
    const json = clone(encodePublicKeySet(fixedKeys()));
    json.keys[0]!.publicKey = Buffer.alloc(33).toString('base64url');
    expect(code(() => decodePublicKeySet(json))).toMatchObject({
      code: 'QT_RANGE',
      path: '$.keys[0].publicKey',
    });
  });

  it('refuse two keys of one suite', () => {
    const a = encodePublicKeySet(fixedKeys(1));
    const b = encodePublicKeySet(fixedKeys(3));
    const json = { ...a, keys: [a.keys[0]!, b.keys[0]!] };
    expect(code(() => decodePublicKeySet(json))).toMatchObject({
      code: 'QT_KEYSET_FORMAT',
      path: '$.keys[1].suite',
    });
    expect(code(() => encodePublicKeySet([fixedKeys(1)[0]!, fixedKeys(3)[0]!]))).toMatchObject({
      code: 'QT_KEYSET_FORMAT',
    });
  });

  it('name the path of structural faults', () => {
    const good = encodePublicKeySet(fixedKeys());
    const cases: [(f: Tamperable) => void, string][] = [
      [(f) => (f.keys[0].suite = 'rsa'), '$.keys[0].suite'],
      [(f) => (f.keys[1].publicKey = 42), '$.keys[1].publicKey'],
      [(f) => (f.keys[1].publicKey = 'a=b'), '$.keys[1].publicKey'],
      [(f) => (f.keys[0].secretKey = 'AAAA'), '$.keys[0]'],
      [(f) => (f.keys = []), '$.keys'],
      [(f) => (f.keys = {}), '$.keys'],
      [(f) => (f.type = 'qtrust/secret-keyset'), '$.type'],
      [(f) => (f.v = '1'), '$.v'],
      [(f) => delete f.keys, '$.keys'],
    ];
    for (const [change, path] of cases) {
      const t = clone(good) as Tamperable;
      change(t);
      expect(code(() => decodePublicKeySet(t))).toMatchObject({ code: 'QT_KEYSET_FORMAT', path });
    }
    for (const value of [null, [], 'x', new Date(0), { toJSON: () => good }]) {
      expect(code(() => decodePublicKeySet(value))).toMatchObject({ code: 'QT_KEYSET_FORMAT' });
    }
  });

  it('cover every suite', () => {
    const keys = generateKeySet('ed25519+secp256k1+p256+ml-dsa-65+ml-dsa-87+falcon-512');
    expect(decodePublicKeySet(encodePublicKeySet(keys)).map((k) => k.suite)).toEqual(
      keys.map((k) => k.suite),
    );
  });
});

describe('generateKeySet', () => {
  it('is deterministic given seeds, random otherwise', () => {
    expect(fixedKeys().map((k) => k.keyid)).toEqual(fixedKeys().map((k) => k.keyid));
    const a = generateKeySet('ed25519');
    const b = generateKeySet('ed25519');
    expect(a[0]!.keyid).not.toBe(b[0]!.keyid);
  });

  it('refuses bad suite sets and a wrong number of seeds', () => {
    expect(code(() => generateKeySet('ed25519+ed25519'))).toMatchObject({ code: 'QT_SUITE_SET' });
    expect(code(() => generateKeySet('rsa'))).toMatchObject({ code: 'QT_UNKNOWN_SUITE' });
    expect(code(() => generateKeySet(['ed25519']))).toMatchObject({ code: 'QT_TYPE' });
    expect(code(() => generateKeySet('ed25519+p256', [new Uint8Array(32)]))).toMatchObject({
      code: 'QT_RANGE',
    });
  });
});
