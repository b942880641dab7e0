/**
 * Numbered SQL migrations of the evidence database (one database per tenant, several logs in it).
 * `PRAGMA user_version` holds the number of the last migration applied; each migration runs in
 * its own transaction and is never edited once released: a change is a new migration.
 *
 * Append-only is enforced by the database itself, not only by this code: triggers refuse every
 * UPDATE and DELETE on logs, records, nodes and checkpoints with RAISE(ABORT), and refuse an
 * INSERT that would leave a gap in a log's seq or make a checkpoint's tree size go backwards.
 * The store checks on open that the triggers are still there (docs/evidence.md).
 */
import type Database from 'better-sqlite3';
import { QtError } from '../../src-shared/errors.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const appendOnly = (table: string): string => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, 'qtrust: ${table} are append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, 'qtrust: ${table} are append-only'); END;`;

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'logs, records, Merkle nodes and checkpoints',
    sql: `
CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL UNIQUE,
  -- canonical JSON array of the producer's public-key entries (suite, keyid, publicKey base64url)
  producer TEXT NOT NULL,
  created INTEGER NOT NULL
) STRICT;

-- One row per record: the canonical bytes (data), their evidence hash and their RFC 9162 leaf
-- hash; kind and time (Unix ms) are copies of record fields for the checkpoint schedule.
CREATE TABLE records (
  log INTEGER NOT NULL REFERENCES logs(id),
  seq INTEGER NOT NULL CHECK (seq >= 0),
  kind TEXT NOT NULL,
  time INTEGER NOT NULL,
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  leaf BLOB NOT NULL CHECK (length(leaf) = 32),
  data BLOB NOT NULL,
  PRIMARY KEY (log, seq)
) STRICT, WITHOUT ROWID;

-- Perfect subtree hashes at every fourth level (4, 8, 12, ...): written once when complete.
CREATE TABLE nodes (
  log INTEGER NOT NULL REFERENCES logs(id),
  level INTEGER NOT NULL CHECK (level > 0),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (log, level, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
  log INTEGER NOT NULL REFERENCES logs(id),
  size INTEGER NOT NULL CHECK (size >= 0),
  root BLOB NOT NULL CHECK (length(root) = 32),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  time INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (log, size)
) STRICT, WITHOUT ROWID;

${appendOnly('logs')}
${appendOnly('records')}
${appendOnly('nodes')}
${appendOnly('checkpoints')}

CREATE TRIGGER records_no_gap BEFORE INSERT ON records
WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM records WHERE log = NEW.log), -1) + 1
BEGIN SELECT RAISE(ABORT, 'qtrust: records must be appended in seq order without gaps'); END;

CREATE TRIGGER checkpoints_forward BEFORE INSERT ON checkpoints
WHEN NEW.size <= COALESCE((SELECT MAX(size) FROM checkpoints WHERE log = NEW.log), -1)
  OR NEW.size > COALESCE((SELECT MAX(seq) FROM records WHERE log = NEW.log), -1) + 1
BEGIN SELECT RAISE(ABORT, 'qtrust: a checkpoint must grow the tree and cover only stored records'); END;
`,
  },
]);

/** Names of the triggers the store requires; their absence means the file was edited. */
export const REQUIRED_TRIGGERS: readonly string[] = Object.freeze([
  ...['logs', 'records', 'nodes', 'checkpoints'].flatMap((t) => [`${t}_no_update`, `${t}_no_delete`]),
  'records_no_gap',
  'checkpoints_forward',
]);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new QtError(
      'QT_STORE_SCHEMA',
      `the evidence database has schema version ${current}, newer than this app's ${SCHEMA_VERSION}`,
      { path: 'user_version' },
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return SCHEMA_VERSION;
}
