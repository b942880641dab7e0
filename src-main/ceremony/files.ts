/**
 * Ceremony files on disk: scripts (YAML or JSON, chosen by extension), transcripts and sealed shares
 * (JSON), the tenant's HSM key registry (`hsm-keys.json` in the tenant directory: every key a
 * ceremony made, by tenant, environment and action class, with its status), all written atomically.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseJsonBytes } from '../../src-shared/canonical.js';
import type { KeyRecord } from '../../src-shared/ceremony/machine.js';
import { parseScript, type CeremonyScript } from '../../src-shared/ceremony/script.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { readFileLimited } from '../io/read-file.js';
import { writeFileAtomic } from '../keys/atomic-write.js';

export const MAX_SCRIPT_BYTES = 1024 * 1024;
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;
export const KEY_REGISTRY_FILE = 'hsm-keys.json';

/** Reads a JSON or YAML file as a plain value (YAML: core schema, no custom tags, one document). */
export async function readStructured(path: string, maxBytes: number, code: `QT_${string}`): Promise<unknown> {
  const bytes = await readFileLimited(path, maxBytes);
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.yaml' || ext === '.yml') {
      return parseYaml(new TextDecoder('utf-8', { fatal: true }).decode(bytes), {
        schema: 'core',
        uniqueKeys: true,
        maxAliasCount: 0,
      }) as unknown;
    }
    return parseJsonBytes(bytes);
  } catch (cause) {
    throw new QtError(
      code,
      `${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML or JSON'}: ${cause instanceof Error ? cause.message : 'unreadable'}`,
      { path: '$', cause },
    );
  }
}

export async function loadScript(path: string): Promise<CeremonyScript> {
  const value = await readStructured(path, MAX_SCRIPT_BYTES, 'QT_CEREMONY_SCRIPT');
  try {
    return parseScript(value);
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}

/** Scripts in `dir` (*.yaml, *.yml, *.json), each parsed; a broken one is listed with its error. */
export async function listScripts(
  dir: string,
): Promise<{ file: string; id?: string; title?: string; steps?: number; error?: string }[]> {
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => /\.(ya?ml|json)$/i.test(n))
    .sort();
  const out = [];
  for (const n of names) {
    try {
      const s = await loadScript(join(dir, n));
      out.push({ file: n, id: s.id, title: s.title, steps: s.steps.length });
    } catch (e) {
      out.push({ file: basename(n), error: isQtError(e) ? `${e.code}: ${e.message}` : String(e) });
    }
  }
  return out;
}

export async function writeJson(path: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`), mode);
}

export interface RegistryEntry extends KeyRecord {
  readonly tenant: string;
  readonly env: string;
  readonly ceremony: string;
}

/** Merges a ceremony's final key states into the tenant's key registry (by token label and key label). */
export async function updateKeyRegistry(
  tenantDir: string,
  script: CeremonyScript,
  keys: readonly KeyRecord[],
): Promise<RegistryEntry[]> {
  await mkdir(tenantDir, { recursive: true, mode: 0o700 });
  const path = join(tenantDir, KEY_REGISTRY_FILE);
  let current: RegistryEntry[] = [];
  try {
    const v = parseJsonBytes(await readFileLimited(path, MAX_TRANSCRIPT_BYTES)) as { keys?: RegistryEntry[] };
    current = Array.isArray(v.keys) ? v.keys : [];
  } catch (e) {
    // A missing registry starts empty; anything else (unreadable, corrupt) must not be overwritten.
    if (!(isQtError(e) && (e.cause as { code?: unknown } | undefined)?.code === 'ENOENT')) throw e;
  }
  const tokenLabel = (name: string) => script.tokens.find((t) => t.name === name)?.label ?? name;
  const updated = new Map(current.map((k) => [`${k.token}|${k.label}`, k]));
  for (const k of keys) {
    const token = tokenLabel(k.token);
    updated.set(`${token}|${k.label}`, {
      ...k,
      token,
      tenant: script.tenant,
      env: script.env,
      ceremony: script.id,
    });
  }
  const list = [...updated.values()];
  await writeJson(path, { v: 1, type: 'qtrust/hsm-key-registry', keys: list });
  return list;
}
