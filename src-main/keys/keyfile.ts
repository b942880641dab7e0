/**
 * Key directories on disk: DIR/public.json (0644) and DIR/secret.json (0600), both written
 * atomically (atomic-write.ts). An existing key directory is never overwritten without `force`.
 * Formats: docs/formats.md, "Secret keys at rest".
 */
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonBytes, type JsonValue } from '../../src-shared/canonical.js';
import { QtError, isQtError, type QtErrorCode } from '../../src-shared/errors.js';
import {
  decodePublicKeySet,
  openSecretKeySet,
  parseSecretKeySet,
  type OpenedKeySet,
  type PublicKeySetJson,
  type SecretKeySetJson,
} from '../../src-shared/keys/index.js';
import type { PublicKeyEntry } from '../../src-shared/sign/index.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { ioError, readFileLimited } from '../io/read-file.js';
import { writeFileAtomic } from './atomic-write.js';
import { nodeScryptKdf } from './node-kdf.js';

export const PUBLIC_FILE = 'public.json';
export const SECRET_FILE = 'secret.json';
export const SECRET_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;
/** Key files are small (a full six-suite set is about 30 KB); anything larger is not one. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** Reads and parses a JSON file (strict RFC 8785 parsing rules); a parse failure is `code`, naming the file. */
export async function readJsonFile(
  path: string,
  maxBytes = MAX_KEY_FILE_BYTES,
  code: QtErrorCode = 'QT_KEYSET_FORMAT',
): Promise<JsonValue> {
  const bytes = await readFileLimited(path, maxBytes);
  try {
    return parseJsonBytes(bytes);
  } catch (cause) {
    const detail = isQtError(cause) ? cause.message : 'not JSON';
    throw new QtError(code, `${path} is not valid JSON: ${detail}`, {
      path: isQtError(cause) ? (cause.path ?? '$') : '$',
      cause,
    });
  } finally {
    bytes.fill(0);
  }
}

/** Re-throws a parse failure with the file's name in front of its message (keeping code and path). */
function inFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}

export async function readPublicKeySetFile(path: string): Promise<PublicKeyEntry[]> {
  const json = await readJsonFile(path);
  return inFile(path, () => decodePublicKeySet(json));
}

/** Reads DIR/secret.json without opening it: the caller learns whether it needs a passphrase. */
export async function readSecretKeySetFile(dir: string): Promise<{ path: string; set: SecretKeySetJson }> {
  const path = join(dir, SECRET_FILE);
  const json = await readJsonFile(path);
  return { path, set: inFile(path, () => parseSecretKeySet(json)) };
}

/** Opens a parsed secret key set with node:crypto's scrypt and the node suite backend. */
export async function openSecretKeySetFile(
  path: string,
  set: SecretKeySetJson,
  passphrase: Uint8Array | undefined,
): Promise<OpenedKeySet> {
  try {
    return await openSecretKeySet(set, passphrase, { kdf: nodeScryptKdf, backend: nodeSuiteBackend });
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}

/** Refuses a directory that already holds a key file (or is not a directory) unless `force`. */
export async function assertKeyDirWritable(dir: string, force: boolean): Promise<void> {
  const st = await lstat(dir).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw ioError(err, dir, 'inspect');
  });
  if (st === undefined) return;
  if (!st.isDirectory()) {
    throw new QtError('QT_KEY_DIR_EXISTS', `${dir} exists and is not a directory`, { path: dir });
  }
  if (force) return;
  for (const name of [PUBLIC_FILE, SECRET_FILE]) {
    const exists = await lstat(join(dir, name)).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new QtError(
        'QT_KEY_DIR_EXISTS',
        `${join(dir, name)} already exists; use --force to replace the key set`,
        {
          path: join(dir, name),
        },
      );
    }
  }
}

/** Writes a key directory: secret.json first (0600), then public.json (0644). Creates DIR as 0700. */
export async function writeKeyDir(
  dir: string,
  publicSet: PublicKeySetJson,
  secretSet: SecretKeySetJson,
  opts: { force?: boolean } = {},
): Promise<{ publicPath: string; secretPath: string }> {
  await assertKeyDirWritable(dir, opts.force === true);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioError(err, dir, 'create');
  }
  const secretPath = join(dir, SECRET_FILE);
  const publicPath = join(dir, PUBLIC_FILE);
  const secretBytes = new TextEncoder().encode(`${JSON.stringify(secretSet, null, 2)}\n`);
  try {
    await writeFileAtomic(secretPath, secretBytes, SECRET_FILE_MODE).catch((err: unknown) => {
      throw ioError(err, secretPath, 'write');
    });
  } finally {
    secretBytes.fill(0);
  }
  const publicBytes = new TextEncoder().encode(`${JSON.stringify(publicSet, null, 2)}\n`);
  await writeFileAtomic(publicPath, publicBytes, PUBLIC_FILE_MODE).catch((err: unknown) => {
    throw ioError(err, publicPath, 'write');
  });
  return { publicPath, secretPath };
}
