import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  generateKeySet,
  openSecretKeySet,
  sealSecretKeySet,
  sealedAad,
} from '../../../src-shared/keys/index.js';

const vec = JSON.parse(
  readFileSync(new URL('../../vectors/keys/sealed-keyset-v1.json', import.meta.url), 'utf8'),
);
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const pass = new TextEncoder().encode(vec.passphrase);

describe('sealed-keyset-v1 vector', () => {
  it('opens with its passphrase to the listed public keys', async () => {
    const opened = await openSecretKeySet(vec.file, pass);
    expect(
      opened.keys.map((k) => ({
        suite: k.suite,
        keyid: k.keyid,
        publicKey: Buffer.from(k.publicKey).toString('base64url'),
      })),
    ).toEqual(vec.publicKeys);
  });

  it('has the documented associated data', () => {
    const f = vec.file;
    const header = { v: f.v, type: f.type, keyids: f.keyids, kdf: f.sealed.kdf, aead: f.sealed.aead };
    expect(Buffer.from(sealedAad(header)).toString('hex')).toBe(vec.aadHex);
  });

  it('is reproduced exactly from its seeds, salt and nonce', async () => {
    const keys = generateKeySet(vec.suites, vec.seedsHex.map(hex));
    const file = await sealSecretKeySet(keys, pass, {
      params: vec.params,
      salt: hex(vec.saltHex),
      nonce: hex(vec.nonceHex),
    });
    expect(file).toEqual(vec.file);
  });
});
