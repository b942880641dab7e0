import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  encodePublicKeySet,
  plaintextSecretKeySet,
  sealSecretKeySet,
} from '../../../src-shared/keys/index.js';
import { readFileLimited } from '../../../src-main/io/read-file.js';
import {
  openSecretKeySetFile,
  readPublicKeySetFile,
  readSecretKeySetFile,
  writeKeyDir,
} from '../../../src-main/keys/keyfile.js';
import { nodeScryptKdf } from '../../../src-main/keys/node-kdf.js';
import { passphraseFromFileBytes, readPassphraseFile } from '../../../src-main/keys/passphrase.js';
import { FAST, PASS, fixedKeys } from './fixtures.js';

let root: string;
let oldUmask: number;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'qtrust-keyfile-'));
  // A permissive umask must not make secret.json readable by others.
  oldUmask = process.umask(0);
});
afterAll(() => {
  process.umask(oldUmask);
  rmSync(root, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('writeKeyDir', () => {
  it('writes secret.json 0600 and public.json 0644, atomically, in a 0700 directory', async () => {
    const dir = join(root, 'a', 'keys');
    const keys = fixedKeys();
    const secret = await sealSecretKeySet(keys, PASS, { params: FAST, kdf: nodeScryptKdf });
    const { publicPath, secretPath } = await writeKeyDir(dir, encodePublicKeySet(keys), secret);
    expect(mode(secretPath)).toBe(0o600);
    expect(mode(publicPath)).toBe(0o644);
    expect(mode(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['public.json', 'secret.json']);
    const pub = await readPublicKeySetFile(publicPath);
    expect(pub.map((k) => k.keyid)).toEqual(keys.map((k) => k.keyid));
    const { path, set } = await readSecretKeySetFile(dir);
    const opened = await openSecretKeySetFile(path, set, PASS);
    expect(opened.keys.map((k) => k.secretKey)).toEqual(keys.map((k) => k.secretKey));
  });

  it('refuses to overwrite an existing key set unless forced', async () => {
    const dir = join(root, 'b');
    const keys = fixedKeys();
    const secret = plaintextSecretKeySet(keys);
    await writeKeyDir(dir, encodePublicKeySet(keys), secret);
    await expect(writeKeyDir(dir, encodePublicKeySet(keys), secret)).rejects.toMatchObject({
      code: 'QT_KEY_DIR_EXISTS',
    });
    const other = fixedKeys(5);
    await writeKeyDir(dir, encodePublicKeySet(other), plaintextSecretKeySet(other), { force: true });
    expect((await readPublicKeySetFile(join(dir, 'public.json')))[0]!.keyid).toBe(other[0]!.keyid);
    expect(mode(join(dir, 'secret.json'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['public.json', 'secret.json']);
  });

  it('refuses a path that is a file', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    const keys = fixedKeys();
    await expect(
      writeKeyDir(file, encodePublicKeySet(keys), plaintextSecretKeySet(keys), { force: true }),
    ).rejects.toMatchObject({
      code: 'QT_KEY_DIR_EXISTS',
    });
  });

  it('opens a key set sealed at the documented default cost', async () => {
    const dir = join(root, 'default');
    const keys = fixedKeys();
    const secret = await sealSecretKeySet(keys, PASS, { kdf: nodeScryptKdf });
    expect(secret.sealed.kdf).toMatchObject({
      N: DEFAULT_SCRYPT.N,
      r: DEFAULT_SCRYPT.r,
      p: DEFAULT_SCRYPT.p,
    });
    await writeKeyDir(dir, encodePublicKeySet(keys), secret);
    const { path, set } = await readSecretKeySetFile(dir);
    expect((await openSecretKeySetFile(path, set, PASS)).keys[1]!.secretKey).toEqual(keys[1]!.secretKey);
    await expect(openSecretKeySetFile(path, set, new TextEncoder().encode('nope'))).rejects.toMatchObject({
      code: 'QT_KEY_DECRYPT',
      message: expect.stringContaining(path),
    });
  });
});

describe('reading key files', () => {
  it('reports missing, malformed and oversized files with their names', async () => {
    await expect(readPublicKeySetFile(join(root, 'missing.json'))).rejects.toMatchObject({ code: 'QT_IO' });
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{"v":1,"v":1}');
    await expect(readPublicKeySetFile(bad)).rejects.toMatchObject({
      code: 'QT_KEYSET_FORMAT',
      message: expect.stringContaining(bad),
    });
    const wrong = join(root, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ v: 1, type: 'qtrust/public-keyset', keys: [] }));
    await expect(readPublicKeySetFile(wrong)).rejects.toMatchObject({
      code: 'QT_KEYSET_FORMAT',
      path: '$.keys',
    });
    const big = join(root, 'big.json');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 0x20));
    await expect(readPublicKeySetFile(big)).rejects.toMatchObject({ code: 'QT_INPUT_TOO_LARGE' });
    await expect(readFileLimited(root, 10)).rejects.toMatchObject({ code: 'QT_IO' });
    const dir = join(root, 'nokeys');
    mkdirSync(dir);
    await expect(readSecretKeySetFile(dir)).rejects.toMatchObject({ code: 'QT_IO' });
  });

  it('reads files that grow past the cap only up to the cap', async () => {
    const f = join(root, 'ten.bin');
    writeFileSync(f, Buffer.alloc(10, 1));
    expect(await readFileLimited(f, 10)).toHaveLength(10);
    await expect(readFileLimited(f, 9)).rejects.toMatchObject({ code: 'QT_INPUT_TOO_LARGE' });
  });
});

describe('passphrase files', () => {
  it('take the first line without its LF or CRLF', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(passphraseFromFileBytes(enc('secret\n'), 'f')).toEqual(enc('secret'));
    expect(passphraseFromFileBytes(enc('secret\r\nsecond line\n'), 'f')).toEqual(enc('secret'));
    expect(passphraseFromFileBytes(enc('no newline'), 'f')).toEqual(enc('no newline'));
    expect(passphraseFromFileBytes(enc(' spaced  \n'), 'f')).toEqual(enc(' spaced  '));
    const f = join(root, 'pass.txt');
    writeFileSync(f, 'hunter2\n');
    expect(await readPassphraseFile(f)).toEqual(enc('hunter2'));
  });

  it('refuse an empty first line and a missing file', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    for (const text of ['', '\n', '\r\n', '\nsecond']) {
      expect(() => passphraseFromFileBytes(enc(text), 'f')).toThrow(
        expect.objectContaining({ code: 'QT_PASSPHRASE' }),
      );
    }
    await expect(readPassphraseFile(join(root, 'nope.txt'))).rejects.toMatchObject({ code: 'QT_IO' });
  });
});
