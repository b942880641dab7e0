import { scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scrypt } from '@noble/hashes/scrypt.js';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  ascryptParams,
  nobleScryptKdf,
  passphraseFromBytes,
  passphraseFromText,
} from '../../../src-shared/keys/index.js';
import { nodeScryptKdf } from '../../../src-main/keys/node-kdf.js';
import { FAST, PASS, SALT } from './fixtures.js';

interface Vector {
  password: string;
  salt: string;
  N: number;
  r: number;
  p: number;
  dkLen: number;
  dk: string;
}
const rfc = JSON.parse(
  readFileSync(new URL('../../vectors/keys/scrypt-rfc7914.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
};

describe('scrypt (RFC 7914 §12 vectors)', () => {
  // Both KDF backends the key files rely on must compute the same RFC 7914 function.
  for (const v of rfc.vectors) {
    it(`noble and node:crypto agree with the RFC for N=${v.N} r=${v.r} p=${v.p}`, () => {
      const opts = { N: v.N, r: v.r, p: v.p, dkLen: v.dkLen };
      expect(Buffer.from(scrypt(v.password, v.salt, opts)).toString('hex')).toBe(v.dk);
      expect(
        scryptSync(v.password, v.salt, v.dkLen, {
          N: v.N,
          r: v.r,
          p: v.p,
          maxmem: 64 * 1024 * 1024,
        }).toString('hex'),
      ).toBe(v.dk);
    });
  }
});

describe('KDF adapters', () => {
  it('nobleScryptKdf and nodeScryptKdf derive the same 32 bytes', async () => {
    const a = await nobleScryptKdf(PASS, SALT, FAST);
    const b = await nodeScryptKdf(PASS, SALT, FAST);
    expect(a).toHaveLength(32);
    expect(b).toEqual(a);
    expect(await nodeScryptKdf(PASS, SALT, { N: FAST.N, r: 8, p: 2 })).not.toEqual(a);
  });

  it('agree at the documented default cost (N=2^17, r=8, p=1)', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const a = await nodeScryptKdf(PASS, SALT, DEFAULT_SCRYPT);
    expect(await nobleScryptKdf(PASS, SALT, DEFAULT_SCRYPT)).toEqual(a);
  });

  it('check their inputs', async () => {
    for (const kdf of [nobleScryptKdf, nodeScryptKdf]) {
      await expect(kdf(PASS, new Uint8Array(16), FAST)).rejects.toMatchObject({ code: 'QT_RANGE' });
      await expect(kdf('pass' as never, SALT, FAST)).rejects.toMatchObject({ code: 'QT_TYPE' });
      await expect(kdf(PASS, SALT, { N: 2 ** 25, r: 8, p: 1 })).rejects.toMatchObject({
        code: 'QT_KEY_KDF_PARAMS',
      });
    }
  });
});

describe('ascryptParams', () => {
  it('accepts the default and the bounds', () => {
    expect(ascryptParams(DEFAULT_SCRYPT)).toEqual(DEFAULT_SCRYPT);
    expect(ascryptParams({ N: 2 ** 10, r: 1, p: 1 })).toEqual({ N: 1024, r: 1, p: 1 });
    expect(ascryptParams({ N: 2 ** 18, r: 8, p: 1 })).toEqual({ N: 2 ** 18, r: 8, p: 1 });
  });

  it('refuses wrong types and out-of-bounds values', () => {
    expect(() => ascryptParams({ N: '1024' as never, r: 8, p: 1 })).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
    expect(() => ascryptParams({ N: 2 ** 19, r: 8, p: 1 })).toThrow(
      expect.objectContaining({ code: 'QT_KEY_KDF_PARAMS' }),
    );
    expect(() => ascryptParams({ N: Infinity, r: 8, p: 1 })).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
  });
});

describe('passphrases', () => {
  it('are the UTF-8 of the NFC form', () => {
    const composed = passphraseFromText('caf\u00e9');
    const decomposed = passphraseFromText('cafe\u0301');
    expect(decomposed).toEqual(composed);
    expect(Buffer.from(composed).toString('hex')).toBe('636166c3a9');
    expect(passphraseFromBytes(new Uint8Array([0x63, 0x61, 0x66, 0x65, 0xcc, 0x81]))).toEqual(composed);
  });

  it('refuse empty passphrases and invalid UTF-8', () => {
    expect(() => passphraseFromText('')).toThrow(expect.objectContaining({ code: 'QT_PASSPHRASE' }));
    expect(() => passphraseFromBytes(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'QT_PASSPHRASE' }),
    );
    expect(() => passphraseFromBytes(new Uint8Array([0xff, 0x61]))).toThrow(
      expect.objectContaining({ code: 'QT_ENCODING' }),
    );
    expect(() => passphraseFromText(42 as never)).toThrow();
  });
});
