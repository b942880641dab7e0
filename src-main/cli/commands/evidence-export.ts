/** `qtrust evidence export`: write an evidence bundle from a tenant's log (docs/formats.md, "Bundles"). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QtError } from '../../../src-shared/errors.js';
import { isSealed, wipeSecretKeys } from '../../../src-shared/keys/index.js';
import type { BundleScope } from '../../../src-shared/verify/report.js';
import { MAX_SUBJECT_LENGTH } from '../../../src-shared/bundle/manifest.js';
import { EvidenceLog } from '../../evidence/store.js';
import { exportBundle } from '../../evidence/export.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../../keys/keyfile.js';
import { resolveHome, tenantDir } from '../../services/data-dir.js';
import { DEFAULT_TENANT } from '../../services/tenant.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { obtainPassphrase } from '../passphrase-source.js';
import type { CommandSpec, OptionValues } from '../registry.js';

const NAME = 'qtrust evidence export';
/** The evidence database of a tenant: <home>/tenants/<tenant>/evidence.db. */
export const EVIDENCE_DB_FILE = 'evidence.db';

function usage(message: string, path?: string): QtError {
  return new QtError('QT_USAGE', `${NAME}: ${message}`, path === undefined ? {} : { path });
}

function seqOption(values: OptionValues, name: string): number | undefined {
  const v = stringOption(values, name, NAME, true);
  if (v === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,15})$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw usage(`--${name} must be a record seq (a non-negative integer)`, `--${name}`);
  }
  return Number(v);
}

/** The scope from --from/--to (inclusive, as a person counts) or --subject. */
export function scopeFromOptions(values: OptionValues): BundleScope {
  const from = seqOption(values, 'from');
  const to = seqOption(values, 'to');
  const subject = stringOption(values, 'subject', NAME, true);
  if (subject !== undefined) {
    if (from !== undefined || to !== undefined) throw usage('give either --from/--to or --subject, not both');
    if (subject.length > MAX_SUBJECT_LENGTH)
      throw usage(`--subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
    return { type: 'subject', subject };
  }
  if (from === undefined && to === undefined) return { type: 'full' };
  if (from === undefined || to === undefined) throw usage('--from and --to go together');
  if (to < from) throw usage('--to must not be below --from');
  return { type: 'range', from, to: to + 1 };
}

/** --db FILE, else <QTRUST_HOME>/tenants/<QTRUST_TENANT or default>/evidence.db (docs/app.md). */
export function evidenceDbPath(
  values: OptionValues,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const db = stringOption(values, 'db', NAME, true);
  if (db !== undefined) return db;
  const home = env.QTRUST_HOME;
  if (home === undefined || home === '') throw usage('give --db FILE or set QTRUST_HOME', '--db');
  return join(tenantDir(resolveHome(env, home), env.QTRUST_TENANT || DEFAULT_TENANT), EVIDENCE_DB_FILE);
}

/** Refuses a missing database or an unknown log before opening the store (which would create them). */
function assertLogExists(path: string, origin: string): void {
  if (!existsSync(path)) throw new QtError('QT_IO', `cannot read ${path}: no such file`, { path });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT 1 AS x FROM logs WHERE origin = ?').get(origin);
    if (row === undefined)
      throw new QtError('QT_LOG_NOT_FOUND', `${path} holds no log "${origin}"`, { path: '--log' });
  } catch (e) {
    if (e instanceof QtError) throw e;
    throw new QtError('QT_IO', `cannot read ${path} as an evidence database: ${(e as Error).message}`, {
      path,
      cause: e,
    });
  } finally {
    db?.close();
  }
}

export const evidenceExportCommand: CommandSpec = {
  name: ['evidence', 'export'],
  summary: 'export an evidence bundle (all records, a seq range, or one subject)',
  usage: 'evidence export --log ORIGIN --key DIR --out DIR [--from SEQ --to SEQ | --subject ID] [--db FILE]',
  description: `Forces a checkpoint of log ORIGIN (signed with the producer keys in --key DIR), then writes a
bundle into --out DIR (new or empty): manifest.json, checkpoints.jsonl and records.jsonl.
--from/--to export records SEQ to SEQ (both included); --subject exports the records whose body has
"subject": ID or lists ID in "subjects". Partial bundles carry an inclusion proof per record.
The database is --db FILE, or <QTRUST_HOME>/tenants/<QTRUST_TENANT, default "default">/${EVIDENCE_DB_FILE}.
--json prints the manifest.`,
  options: {
    log: { type: 'string', value: 'ORIGIN', description: 'origin of the log to export' },
    key: {
      type: 'string',
      value: 'DIR',
      description: "key directory of the log's producer keys (secret.json)",
    },
    'passphrase-file': {
      type: 'string',
      value: 'F',
      description: 'read the key passphrase from the first line of F',
    },
    out: { type: 'string', value: 'DIR', description: 'bundle folder to write (new or empty)' },
    from: { type: 'string', value: 'SEQ', description: 'first seq of a range export' },
    to: { type: 'string', value: 'SEQ', description: 'last seq of a range export (included)' },
    subject: { type: 'string', value: 'ID', description: 'export only the records about this subject' },
    db: { type: 'string', value: 'FILE', description: 'evidence database (default: the tenant data dir)' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const origin = stringOption(ctx.values, 'log', NAME);
    const keyDir = stringOption(ctx.values, 'key', NAME);
    const out = stringOption(ctx.values, 'out', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const scope = scopeFromOptions(ctx.values);
    const dbPath = evidenceDbPath(ctx.values, ctx.env);
    assertLogExists(dbPath, origin);
    const { path, set } = await readSecretKeySetFile(keyDir);
    let passphrase: Uint8Array | undefined;
    if (isSealed(set)) {
      passphrase = await obtainPassphrase(
        ctx,
        passphraseFile,
        'existing',
        NAME,
        `${path} is sealed: give --passphrase-file F`,
      );
    }
    let keys;
    try {
      keys = (await openSecretKeySetFile(path, set, passphrase)).keys;
    } finally {
      passphrase?.fill(0);
    }
    try {
      const log = EvidenceLog.open(dbPath, { origin, signers: keys, timer: false });
      try {
        const manifest = await exportBundle(log, { out, scope, now: Date.now() });
        ctx.stdout(
          ctx.json
            ? `${JSON.stringify(manifest)}\n`
            : `exported ${manifest.records} records and ${manifest.checkpoints} checkpoints of ${origin} (tree size ${manifest.treeSize}) to ${out}\n`,
        );
        return EXIT.ok;
      } finally {
        await log.close();
      }
    } finally {
      wipeSecretKeys(keys);
    }
  },
};
