/**
 * The anchor queue on disk: its own SQLite database in the tenant directory (anchors.sqlite), so the
 * queue survives restarts and crashes and nothing queued is lost. One row per (chain, contract,
 * checkpoint hash): a checkpoint is anchored at most once per contract (the contract refuses a
 * duplicate too). Writes are single-statement transactions with WAL and synchronous = FULL.
 * Also holds the publisher's settings (a small key-value table) for AnchorService.
 */
import Database from 'better-sqlite3';
import { QtError } from '../../src-shared/errors.js';
import type { AnchorEntry, AnchorState, Hex } from '../../src-shared/anchor/lifecycle.js';

export interface QueuedAnchor extends AnchorEntry {
  readonly chainId: number;
  readonly contract: Hex;
  /** Unix ms before which the publisher will not retry this entry (backoff). */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly created: number;
  readonly updated: number;
}

interface Row {
  chain_id: number;
  contract: string;
  checkpoint_hash: string;
  root: string;
  tree_size: number;
  commitment: string;
  state: string;
  attempts: number;
  tx_hash: string | null;
  nonce: number | null;
  tx_at_block: number | null;
  block_number: number | null;
  block_hash: string | null;
  was_final: number;
  reorgs: number;
  next_attempt_at: number;
  last_error: string | null;
  created: number;
  updated: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS anchors (
  chain_id INTEGER NOT NULL,
  contract TEXT NOT NULL,
  checkpoint_hash TEXT NOT NULL,
  root TEXT NOT NULL,
  tree_size INTEGER NOT NULL,
  commitment TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'included', 'final')),
  attempts INTEGER NOT NULL,
  tx_hash TEXT,
  nonce INTEGER,
  tx_at_block INTEGER,
  block_number INTEGER,
  block_hash TEXT,
  was_final INTEGER NOT NULL,
  reorgs INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  PRIMARY KEY (chain_id, contract, checkpoint_hash)
);
CREATE INDEX IF NOT EXISTS anchors_state ON anchors (chain_id, contract, state, tree_size);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

function fromRow(r: Row): QueuedAnchor {
  return Object.freeze({
    chainId: r.chain_id,
    contract: r.contract as Hex,
    checkpointHash: r.checkpoint_hash as Hex,
    root: r.root as Hex,
    treeSize: r.tree_size,
    commitment: r.commitment as Hex,
    state: r.state as AnchorState,
    attempts: r.attempts,
    ...(r.tx_hash === null
      ? {}
      : { tx: { hash: r.tx_hash as Hex, nonce: r.nonce, atBlock: r.tx_at_block ?? 0 } }),
    ...(r.block_number === null ? {} : { block: { number: r.block_number, hash: r.block_hash as Hex } }),
    wasFinal: r.was_final === 1,
    reorgs: r.reorgs,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    created: r.created,
    updated: r.updated,
  });
}

export class AnchorQueueStore {
  readonly #db: Database.Database;
  #closed = false;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  static open(path: string): AnchorQueueStore {
    if (typeof path !== 'string' || path.length === 0) {
      throw new QtError('QT_TYPE', 'path must be a non-empty string', { path: 'path' });
    }
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
    } catch (e) {
      db.close();
      throw new QtError('QT_ANCHOR_QUEUE', `cannot open the anchor queue ${path}: ${(e as Error).message}`, {
        path: 'path',
        cause: e,
      });
    }
    return new AnchorQueueStore(db);
  }

  #usable(): Database.Database {
    if (this.#closed) throw new QtError('QT_ANCHOR_QUEUE', 'the anchor queue is closed');
    return this.#db;
  }

  /** Inserts a queued entry; returns false when the checkpoint is already queued for this contract. */
  insert(chainId: number, contract: Hex, e: AnchorEntry, now: number): boolean {
    const r = this.#usable()
      .prepare(
        `INSERT OR IGNORE INTO anchors (chain_id, contract, checkpoint_hash, root, tree_size, commitment, state,
           attempts, was_final, reorgs, next_attempt_at, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
      )
      .run(
        chainId,
        contract,
        e.checkpointHash,
        e.root,
        e.treeSize,
        e.commitment,
        e.state,
        e.attempts,
        now,
        now,
        now,
      );
    return r.changes === 1;
  }

  /** Writes an entry's new state (and backoff). */
  update(
    chainId: number,
    contract: Hex,
    e: AnchorEntry,
    fields: { nextAttemptAt: number; lastError: string | null; now: number },
  ): void {
    this.#usable()
      .prepare(
        `UPDATE anchors SET state = ?, attempts = ?, tx_hash = ?, nonce = ?, tx_at_block = ?, block_number = ?,
           block_hash = ?, was_final = ?, reorgs = ?, next_attempt_at = ?, last_error = ?, updated = ?
         WHERE chain_id = ? AND contract = ? AND checkpoint_hash = ?`,
      )
      .run(
        e.state,
        e.attempts,
        e.tx?.hash ?? null,
        e.tx?.nonce ?? null,
        e.tx?.atBlock ?? null,
        e.block?.number ?? null,
        e.block?.hash ?? null,
        e.wasFinal ? 1 : 0,
        e.reorgs,
        fields.nextAttemptAt,
        fields.lastError,
        fields.now,
        chainId,
        contract,
        e.checkpointHash,
      );
  }

  get(chainId: number, contract: Hex, checkpointHash: Hex): QueuedAnchor | undefined {
    const r = this.#usable()
      .prepare('SELECT * FROM anchors WHERE chain_id = ? AND contract = ? AND checkpoint_hash = ?')
      .get(chainId, contract, checkpointHash) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  /** Entries for a contract, by tree size; `states` narrows them. */
  list(chainId: number, contract: Hex, states?: readonly AnchorState[]): QueuedAnchor[] {
    const rows = this.#usable()
      .prepare(
        'SELECT * FROM anchors WHERE chain_id = ? AND contract = ? ORDER BY tree_size, checkpoint_hash',
      )
      .all(chainId, contract) as Row[];
    const all = rows.map(fromRow);
    return states === undefined ? all : all.filter((e) => states.includes(e.state));
  }

  /** Every entry in the file, whatever its chain and contract. */
  all(): QueuedAnchor[] {
    return (
      this.#usable().prepare('SELECT * FROM anchors ORDER BY chain_id, contract, tree_size').all() as Row[]
    ).map(fromRow);
  }

  getSetting(key: string): string | undefined {
    const r = this.#usable().prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return r?.value;
  }

  setSetting(key: string, value: string): void {
    this.#usable()
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
