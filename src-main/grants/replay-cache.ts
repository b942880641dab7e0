/**
 * A persistent replay cache for grants (docs/approvals.md, "Replay cache") on better-sqlite3.
 *
 * Single use survives restarts: an id is inserted with `INSERT ... ON CONFLICT DO NOTHING`, one
 * atomic statement, and a grant counts as new only when that statement changed a row. Two
 * verifiers sharing the file (two processes, or two connections) therefore cannot both accept the
 * same grant: SQLite serializes writers. WAL with synchronous=FULL makes every accepted id durable
 * before the grant is honoured (https://www.sqlite.org/pragma.html#pragma_synchronous).
 * Entries are kept until their grant could no longer pass the time check, then pruned.
 */
import Database from 'better-sqlite3';
import { QtError } from '../../src-shared/errors.js';
import { checkReplayArgs, type ReplayCache } from '../../src-shared/grants/replay.js';

/** Schema version in PRAGMA user_version; a file from a newer version is refused, not rewritten. */
export const REPLAY_SCHEMA_VERSION = 1;
/** By default, prune expired ids every this many inserts (and on open). */
export const PRUNE_EVERY = 1024;

export interface SqliteReplayCacheOptions {
  /** Unix seconds now; the cache prunes with it. Default: the system clock. */
  readonly clock?: () => number;
  /** How long to wait for another writer's lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Prune after this many accepted ids (default PRUNE_EVERY). */
  readonly pruneEvery?: number;
}

const systemClock = (): number => Math.floor(Date.now() / 1000);

export class SqliteReplayCache implements ReplayCache {
  readonly #db: Database.Database;
  readonly #clock: () => number;
  readonly #pruneEvery: number;
  readonly #insert: Database.Statement<[string, number]>;
  readonly #prune: Database.Statement<[number]>;
  readonly #count: Database.Statement<[], { n: number }>;
  #sincePrune = 0;

  private constructor(db: Database.Database, clock: () => number, pruneEvery: number) {
    this.#db = db;
    this.#clock = clock;
    this.#pruneEvery = pruneEvery;
    this.#insert = db.prepare(
      'INSERT INTO seen_grants (grant_id, expires_at) VALUES (?, ?) ON CONFLICT (grant_id) DO NOTHING',
    );
    this.#prune = db.prepare('DELETE FROM seen_grants WHERE expires_at < ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM seen_grants');
  }

  /** Opens (creating if needed) the cache file at `path`. */
  static open(path: string, opts: SqliteReplayCacheOptions = {}): SqliteReplayCache {
    if (typeof path !== 'string' || path.length === 0) {
      throw new QtError('QT_TYPE', 'path must be a non-empty string', { path: 'path' });
    }
    const pruneEvery = opts.pruneEvery ?? PRUNE_EVERY;
    if (!Number.isSafeInteger(pruneEvery) || pruneEvery < 1) {
      throw new QtError('QT_RANGE', 'pruneEvery must be a positive integer', { path: 'pruneEvery' });
    }
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > REPLAY_SCHEMA_VERSION) {
        throw new QtError(
          'QT_REPLAY_CACHE_VERSION',
          `replay cache ${path} has schema ${version}, newer than ${REPLAY_SCHEMA_VERSION}`,
        );
      }
      db.exec(`
        BEGIN IMMEDIATE;
        CREATE TABLE IF NOT EXISTS seen_grants (
          grant_id TEXT PRIMARY KEY NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS seen_grants_expiry ON seen_grants (expires_at);
        PRAGMA user_version = ${REPLAY_SCHEMA_VERSION};
        COMMIT;
      `);
      const cache = new SqliteReplayCache(db, opts.clock ?? systemClock, pruneEvery);
      cache.prune();
      return cache;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  checkAndRemember(grantId: string, expiresAt: number): boolean {
    checkReplayArgs(grantId, expiresAt);
    const fresh = this.#insert.run(grantId, expiresAt).changes === 1;
    if (fresh && ++this.#sincePrune >= this.#pruneEvery) this.prune();
    return fresh;
  }

  /** Deletes ids whose retention ended before `now` (default: the clock); returns how many. */
  prune(now: number = this.#clock()): number {
    this.#sincePrune = 0;
    return this.#prune.run(now).changes;
  }

  get size(): number {
    return (this.#count.get() as { n: number }).n;
  }

  /** The durability settings of this connection, for diagnostics and tests. */
  settings(): { journalMode: string; synchronous: number } {
    return {
      journalMode: this.#db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.#db.pragma('synchronous', { simple: true }) as number,
    };
  }

  close(): void {
    this.#db.close();
  }
}
