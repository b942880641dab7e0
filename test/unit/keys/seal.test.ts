import { describe, expect, it, vi } from 'vitest';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { TAGS, hashTagged } from '../../../src-shared/hash.js';
import {
  isSealed,
  nobleScryptKdf,
  openSecretKeySet,
  parseSecretKeySet,
  plaintextSecretKeySet,
  sealSecretKeySet,
  sealedAad,
  wipeSecretKeys,
  type Kdf,
  type SealedSecretKeySetJson,
} from '../../../src-shared/keys/index.js';
import { generateKeySet } from '../../../src-shared/keys/index.js';
import { FAST, NONCE, PASS, SALT, clone, fixedKeys, flipB64, type Tamperable } from './fixtures.js';

const opts = { params: FAST, salt: SALT, nonce: NONCE };

async function sealed(): Promise<SealedSecretKeySetJson> {
  return sealSecretKeySet(fixedKeys(), PASS, opts);
}

async function expectCode(p: Promise<unknown>, code: string, path?: string | RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toMatchObject({ code });
  if (path !== undefined) expect((err as { path: string }).path).toMatch(path);
}

describe('sealSecretKeySet / openSecretKeySet', () => {
  it('round-trips every key, with the header naming them', async () => {
    const keys = fixedKeys();
    const file = await sealSecretKeySet(keys, PASS, opts);
    expect(file.keyids).toEqual(keys.map((k) => k.keyid));
    expect(file.sealed.kdf).toMatchObject({ name: 'scrypt', N: FAST.N, r: 8, p: 1 });
    expect(file.sealed.aead).toBe('xchacha20-poly1305');
    expect(JSON.stringify(file)).not.toContain(Buffer.from(keys[0]!.secretKey).toString('base64url'));
    const opened = await openSecretKeySet(file, PASS);
    expect(opened.insecure).toBe(false);
    expect(opened.keys.map((k) => [k.suite, k.keyid, k.publicKey, k.secretKey])).toEqual(
      keys.map((k) => [k.suite, k.keyid, k.publicKey, k.secretKey]),
    );
  });

  it('is deterministic given salt and nonce, and random without them', async () => {
    expect(await sealed()).toEqual(await sealed());
    const a = await sealSecretKeySet(fixedKeys(), PASS, { params: FAST });
    const b = await sealSecretKeySet(fixedKeys(), PASS, { params: FAST });
    expect(a.sealed.kdf.salt).not.toBe(b.sealed.kdf.salt);
    expect(a.sealed.nonce).not.toBe(b.sealed.nonce);
  });

  it('binds the header as associated data: H(sealed-key tag, JCS(header))', async () => {
    const file = await sealed();
    const header = {
      v: 1,
      type: file.type,
      keyids: file.keyids,
      kdf: file.sealed.kdf,
      aead: file.sealed.aead,
    };
    expect(sealedAad(header as never)).toEqual(hashTagged(TAGS.sealedKey, canonicalBytes(header)));
  });

  it('refuses a wrong passphrase with QT_KEY_DECRYPT', async () => {
    const file = await sealed();
    const err = await openSecretKeySet(file, new TextEncoder().encode('correct horse battery stapl')).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'QT_KEY_DECRYPT' });
    expect((err as Error).message).toContain('wrong passphrase or damaged file');
  });

  it('refuses tampered ciphertext, nonce and salt (QT_KEY_DECRYPT)', async () => {
    const file = await sealed();
    const ctLen = Buffer.from(file.sealed.ciphertext, 'base64url').length;
    for (const i of [0, 100, ctLen - 1]) {
      const t = clone(file);
      t.sealed.ciphertext = flipB64(t.sealed.ciphertext, i);
      await expectCode(openSecretKeySet(t, PASS), 'QT_KEY_DECRYPT');
    }
    const n = clone(file);
    n.sealed.nonce = flipB64(n.sealed.nonce, 23);
    await expectCode(openSecretKeySet(n, PASS), 'QT_KEY_DECRYPT');
    const s = clone(file);
    s.sealed.kdf.salt = flipB64(s.sealed.kdf.salt, 5);
    await expectCode(openSecretKeySet(s, PASS), 'QT_KEY_DECRYPT');
  });

  it('refuses header changes: KDF cost lowered or raised, key ids swapped or replaced', async () => {
    const file = await sealed();
    const cases: ((f: SealedSecretKeySetJson) => void)[] = [
      (f) => (f.sealed.kdf.N = 2 ** 11),
      (f) => (f.sealed.kdf.r = 4),
      (f) => (f.sealed.kdf.p = 2),
      (f) => f.keyids.reverse(),
      (f) => (f.keyids[0] = fixedKeys(9)[0]!.keyid),
    ];
    for (const change of cases) {
      const t = clone(file);
      change(t);
      await expectCode(openSecretKeySet(t, PASS), 'QT_KEY_DECRYPT');
    }
  });

  it('refuses a ciphertext moved under another file’s header', async () => {
    const a = await sealed();
    const b = await sealSecretKeySet(fixedKeys(7), PASS, opts);
    const t = clone(b);
    t.sealed.ciphertext = a.sealed.ciphertext;
    await expectCode(openSecretKeySet(t, PASS), 'QT_KEY_DECRYPT');
  });

  it('refuses truncated ciphertexts', async () => {
    const file = await sealed();
    const ct = Buffer.from(file.sealed.ciphertext, 'base64url');
    for (const len of [ct.length - 1, 40, 17]) {
      const t = clone(file);
      t.sealed.ciphertext = ct.subarray(0, len).toString('base64url');
      await expectCode(openSecretKeySet(t, PASS), 'QT_KEY_DECRYPT');
    }
    for (const len of [16, 3]) {
      const t = clone(file);
      t.sealed.ciphertext = ct.subarray(0, len).toString('base64url');
      await expectCode(openSecretKeySet(t, PASS), 'QT_KEYSET_FORMAT', '$.sealed.ciphertext');
    }
  });

  it('names the JSON path of structural faults (QT_KEYSET_FORMAT)', async () => {
    const file = await sealed();
    const cases: [(f: Tamperable) => void, string][] = [
      [(f) => delete f.sealed.nonce, '$.sealed.nonce'],
      [(f) => (f.sealed.kdf.N = '1024'), '$.sealed.kdf.N'],
      [(f) => (f.sealed.kdf.N = 1024.5), '$.sealed.kdf.N'],
      [(f) => (f.sealed.kdf.name = 'argon2id'), '$.sealed.kdf.name'],
      [(f) => (f.sealed.aead = 'aes-256-gcm'), '$.sealed.aead'],
      [(f) => (f.v = 2), '$.v'],
      [(f) => (f.type = 'qtrust/public-keyset'), '$.type'],
      [(f) => (f.keyids = 'ed25519:00'), '$.keyids'],
      [(f) => (f.keyids = []), '$.keyids'],
      [(f) => (f.keyids[0] = 'not-a-keyid'), '$.keyids[0]'],
      [(f) => (f.extra = true), '$'],
      [(f) => (f.sealed.extra = 1), '$.sealed'],
      [(f) => (f.sealed.nonce = 'a+b/'), '$.sealed.nonce'],
      [(f) => (f.sealed.nonce = Buffer.alloc(12).toString('base64url')), '$.sealed.nonce'],
      [(f) => (f.sealed.kdf.salt = Buffer.alloc(16).toString('base64url')), '$.sealed.kdf.salt'],
    ];
    for (const [change, path] of cases) {
      const t = clone(file) as Tamperable;
      change(t);
      await expectCode(openSecretKeySet(t, PASS), 'QT_KEYSET_FORMAT', path);
    }
  });

  it('refuses non-canonical base64url (QT_ENCODING)', async () => {
    const file = await sealed();
    const t = clone(file);
    // 32 bytes encode to 43 characters whose last carries 2 unused bits; set one of them.
    const last = t.sealed.kdf.salt.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    t.sealed.kdf.salt = t.sealed.kdf.salt.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    await expectCode(openSecretKeySet(t, PASS), 'QT_ENCODING');
  });

  it('refuses values that are not key-set objects', async () => {
    class Fake {
      v = 1;
    }
    for (const value of [null, undefined, 42, 'secret', [], new Map(), new Fake(), { v: 1 }, Number.NaN]) {
      await expectCode(openSecretKeySet(value, PASS), 'QT_KEYSET_FORMAT');
    }
  });

  it('refuses KDF parameters out of bounds before deriving anything', async () => {
    const file = await sealed();
    const kdf = vi.fn<Kdf>(nobleScryptKdf);
    const cases: [Partial<SealedSecretKeySetJson['sealed']['kdf']>, string][] = [
      [{ N: 2 ** 30 }, '$.sealed.kdf.N'],
      [{ N: 2 ** 21 }, '$.sealed.kdf.N'],
      [{ N: 2 ** 9 }, '$.sealed.kdf.N'],
      [{ N: 3 * 2 ** 12 }, '$.sealed.kdf.N'],
      [{ N: 0 }, '$.sealed.kdf.N'],
      [{ N: -1024 }, '$.sealed.kdf.N'],
      [{ r: 0 }, '$.sealed.kdf.r'],
      [{ r: 33 }, '$.sealed.kdf.r'],
      [{ p: 0 }, '$.sealed.kdf.p'],
      [{ p: 1000 }, '$.sealed.kdf.p'],
      [{ N: 2 ** 20, r: 8 }, '$.sealed.kdf'], // 1 GiB of memory
      [{ N: 2 ** 17, r: 8, p: 16 }, '$.sealed.kdf'], // 16 times the default work
    ];
    for (const [change, path] of cases) {
      const t = clone(file);
      Object.assign(t.sealed.kdf, change);
      await expectCode(openSecretKeySet(t, PASS, { kdf }), 'QT_KEY_KDF_PARAMS', path);
    }
    expect(kdf).not.toHaveBeenCalled();
  });

  it('needs a passphrase for a sealed set, and never seals under an empty one', async () => {
    await expectCode(openSecretKeySet(await sealed(), undefined), 'QT_PASSPHRASE');
    await expectCode(sealSecretKeySet(fixedKeys(), new Uint8Array(0), opts), 'QT_PASSPHRASE');
    await expectCode(sealSecretKeySet(fixedKeys(), 'pass' as never, opts), 'QT_TYPE');
  });

  it('refuses bad seal options', async () => {
    await expectCode(sealSecretKeySet(fixedKeys(), PASS, { ...opts, salt: new Uint8Array(16) }), 'QT_RANGE');
    await expectCode(sealSecretKeySet(fixedKeys(), PASS, { ...opts, nonce: new Uint8Array(12) }), 'QT_RANGE');
    await expectCode(
      sealSecretKeySet(fixedKeys(), PASS, { ...opts, params: { N: 2 ** 24, r: 8, p: 1 } }),
      'QT_KEY_KDF_PARAMS',
    );
    await expectCode(sealSecretKeySet([], PASS, opts), 'QT_RANGE');
  });

  it('refuses to seal keys whose halves do not match, or two keys of one suite', async () => {
    const [a] = fixedKeys(1);
    const [b] = fixedKeys(3);
    // b's public key and key id with a's secret key: a consistent-looking but wrong entry.
    const swapped = { ...b!, secretKey: a!.secretKey };
    await expectCode(sealSecretKeySet([swapped], PASS, opts), 'QT_KEY_MISMATCH', 'keys[0].secretKey');
    await expectCode(sealSecretKeySet([a!, b!], PASS, opts), 'QT_KEYSET_FORMAT', 'keys[1].suite');
    await expectCode(sealSecretKeySet([{ ...a!, keyid: b!.keyid }], PASS, opts), 'QT_KEYID_MISMATCH');
  });

  it('works for every suite', async () => {
    const keys = generateKeySet('ed25519+secp256k1+p256+ml-dsa-65+ml-dsa-87+falcon-512');
    const file = await sealSecretKeySet(keys, PASS, { params: FAST });
    const opened = await openSecretKeySet(file, PASS);
    expect(opened.keys.map((k) => k.keyid)).toEqual(keys.map((k) => k.keyid));
    expect(opened.keys.map((k) => k.secretKey)).toEqual(keys.map((k) => k.secretKey));
  });
});

describe('plaintext key sets', () => {
  it('round-trip, marked insecure', async () => {
    const keys = fixedKeys();
    const file = plaintextSecretKeySet(keys);
    expect(file.insecure).toBe(true);
    expect(isSealed(parseSecretKeySet(file))).toBe(false);
    const opened = await openSecretKeySet(file, undefined);
    expect(opened.insecure).toBe(true);
    expect(opened.keys.map((k) => k.secretKey)).toEqual(keys.map((k) => k.secretKey));
  });

  it('refuse a missing insecure marker', async () => {
    const t = clone(plaintextSecretKeySet(fixedKeys())) as Record<string, unknown>;
    delete t.insecure;
    await expectCode(openSecretKeySet(t, undefined), 'QT_KEYSET_FORMAT', '$.insecure');
  });

  it('refuse a key id that does not match its public key', async () => {
    const t = clone(plaintextSecretKeySet(fixedKeys()));
    const other = fixedKeys(5)[0]!.keyid;
    t.plaintext.keys[0]!.keyid = other;
    t.keyids[0] = other;
    await expectCode(openSecretKeySet(t, undefined), 'QT_KEY_MISMATCH', '$.keyids[0]');
  });

  it('refuse a secret key that does not produce its public key', async () => {
    const t = clone(plaintextSecretKeySet(fixedKeys(1)));
    const other = plaintextSecretKeySet(fixedKeys(3));
    t.plaintext.keys[1]!.secretKey = other.plaintext.keys[1]!.secretKey;
    await expectCode(openSecretKeySet(t, undefined), 'QT_KEY_MISMATCH', '$.plaintext.keys[1].secretKey');
  });

  it('refuse key ids that disagree with the entries', async () => {
    const t = clone(plaintextSecretKeySet(fixedKeys()));
    t.keyids.reverse();
    await expectCode(openSecretKeySet(t, undefined), 'QT_KEY_MISMATCH', '$.keyids[0]');
    const u = clone(plaintextSecretKeySet(fixedKeys()));
    u.keyids.pop();
    await expectCode(openSecretKeySet(u, undefined), 'QT_KEY_MISMATCH', '$.keyids');
  });

  it('refuse secret keys of the wrong length', async () => {
    const t = clone(plaintextSecretKeySet(fixedKeys()));
    t.plaintext.keys[0]!.secretKey = Buffer.alloc(31).toString('base64url');
    await expectCode(openSecretKeySet(t, undefined), 'QT_RANGE');
  });
});

describe('wipeSecretKeys', () => {
  it('zeroes every secret key', () => {
    const keys = fixedKeys();
    wipeSecretKeys(keys);
    for (const k of keys) expect(k.secretKey.every((b) => b === 0)).toBe(true);
  });
});
