/**
 * The store's writes (docs/evidence.md, "Durability and group commit"): one batch of records, the
 * Merkle nodes it completes and, when due, a signed checkpoint, in one IMMEDIATE transaction.
 *
 * Two writers run the same SQL (`sqlWriter`): in the calling thread (`InlineWriter`), or in a worker
 * thread with a connection of its own (`ThreadWriter`, evidence-writer.ts). The thread writer lets
 * the next batch be canonicalized, hashed and signed while SQLite commits the previous one: on two
 * cores an append costs the larger of the two halves instead of their sum. The store tells nobody
 * "committed" before the writer has returned from COMMIT, in either case.
 *
 * A batch crosses to the worker packed in four transferred buffers (numbers, digests, record bytes,
 * their end offsets): one message per batch, no object per record.
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { RECORD_KINDS, type RecordKind } from '../../src-shared/evidence/record.js';
import type { StoredCheckpoint } from './checkpoints.js';
import type { CompletedNode } from './tree.js';
import { startWorker, type WorkerScript } from './worker-script.js';

export interface BatchRow {
  readonly seq: number;
  readonly kind: RecordKind;
  readonly time: number;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly leaf: Uint8Array;
}

export interface WriteBatch {
  readonly rows: readonly BatchRow[];
  readonly nodes: readonly CompletedNode[];
  readonly checkpoint: Pick<StoredCheckpoint, 'size' | 'root' | 'hash' | 'time' | 'text'> | null;
}

export interface RecordWriter {
  /** Writes the batch in one transaction; resolves (or returns) once COMMIT returned. */
  write(batch: WriteBatch): Promise<void> | void;
  close(): Promise<void>;
}

/** Rows per multi-row INSERT (7 parameters each; SQLite allows 32,766 parameters per statement). */
const ROWS_PER_INSERT = 64;
const RECORD_COLUMNS = '(log, seq, kind, time, hash, leaf, data)';

/** Prepares the write statements of log `logId` on `db`; `write` runs one batch in a transaction. */
export function sqlWriter(db: Database.Database, logId: number): { write(batch: WriteBatch): void } {
  const insertRecord = db.prepare(`INSERT INTO records ${RECORD_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)`);
  // One statement for many rows: one call into SQLite per ROWS_PER_INSERT records. Rows are
  // inserted in order, so the per-row seq trigger (migrations.ts) still sees each one.
  const insertRecords = db.prepare(
    `INSERT INTO records ${RECORD_COLUMNS} VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
  );
  const insertNode = db.prepare('INSERT INTO nodes (log, level, idx, hash) VALUES (?, ?, ?, ?)');
  const insertCheckpoint = db.prepare(
    'INSERT INTO checkpoints (log, size, root, hash, time, text) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const params = new Array<unknown>(7 * ROWS_PER_INSERT);
  const insertRows = (rows: readonly BatchRow[]): void => {
    const full = rows.length - (rows.length % ROWS_PER_INSERT);
    for (let start = 0; start < full; start += ROWS_PER_INSERT) {
      for (let i = 0; i < ROWS_PER_INSERT; i++) {
        const r = rows[start + i] as BatchRow;
        const o = 7 * i;
        params[o] = logId;
        params[o + 1] = r.seq;
        params[o + 2] = r.kind;
        params[o + 3] = r.time;
        params[o + 4] = r.hash;
        params[o + 5] = r.leaf;
        params[o + 6] = r.bytes;
      }
      insertRecords.run(params);
    }
    for (let i = full; i < rows.length; i++) {
      const r = rows[i] as BatchRow;
      insertRecord.run(logId, r.seq, r.kind, r.time, r.hash, r.leaf, r.bytes);
    }
    params.fill(undefined);
  };
  const transaction = db.transaction((batch: WriteBatch) => {
    insertRows(batch.rows);
    for (const n of batch.nodes) insertNode.run(logId, n.level, n.index, n.hash);
    const cp = batch.checkpoint;
    if (cp !== null) insertCheckpoint.run(logId, cp.size, cp.root, cp.hash, cp.time, cp.text);
  });
  return { write: (batch) => transaction.immediate(batch) };
}

/** Writes in the calling thread, on the store's own connection. */
export class InlineWriter implements RecordWriter {
  readonly #sql: { write(batch: WriteBatch): void };
  constructor(db: Database.Database, logId: number) {
    this.#sql = sqlWriter(db, logId);
  }
  write(batch: WriteBatch): void {
    this.#sql.write(batch);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A batch packed for postMessage: every buffer is transferred. */
export interface WireBatch {
  /** Per row: seq, time, kind (index into RECORD_KINDS). */
  readonly numbers: Float64Array;
  /** Per row: the record hash then the leaf hash. */
  readonly digests: Uint8Array;
  /** The rows' canonical bytes, back to back; `ends[i]` is where row i's end. */
  readonly data: Uint8Array;
  readonly ends: Uint32Array;
  readonly nodes: readonly CompletedNode[];
  readonly checkpoint: WriteBatch['checkpoint'];
}

const KIND_INDEX = new Map<string, number>(RECORD_KINDS.map((k, i) => [k, i]));

export function packBatch(batch: WriteBatch): WireBatch {
  const n = batch.rows.length;
  const numbers = new Float64Array(3 * n);
  const digests = new Uint8Array(64 * n);
  const ends = new Uint32Array(n);
  let total = 0;
  for (const r of batch.rows) total += r.bytes.length;
  const data = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = batch.rows[i] as BatchRow;
    numbers[3 * i] = r.seq;
    numbers[3 * i + 1] = r.time;
    numbers[3 * i + 2] = KIND_INDEX.get(r.kind) as number;
    digests.set(r.hash, 64 * i);
    digests.set(r.leaf, 64 * i + 32);
    data.set(r.bytes, at);
    at += r.bytes.length;
    ends[i] = at;
  }
  return { numbers, digests, data, ends, nodes: batch.nodes, checkpoint: batch.checkpoint };
}

export function unpackBatch(wire: WireBatch): WriteBatch {
  const rows: BatchRow[] = [];
  let start = 0;
  for (let i = 0; i < wire.ends.length; i++) {
    const end = wire.ends[i] as number;
    rows.push({
      seq: wire.numbers[3 * i] as number,
      time: wire.numbers[3 * i + 1] as number,
      kind: RECORD_KINDS[wire.numbers[3 * i + 2] as number] as RecordKind,
      hash: wire.digests.subarray(64 * i, 64 * i + 32),
      leaf: wire.digests.subarray(64 * i + 32, 64 * i + 64),
      bytes: wire.data.subarray(start, end),
    });
    start = end;
  }
  return { rows, nodes: wire.nodes, checkpoint: wire.checkpoint };
}

export function wireTransfer(wire: WireBatch): ArrayBuffer[] {
  return [wire.numbers.buffer, wire.digests.buffer, wire.data.buffer, wire.ends.buffer] as ArrayBuffer[];
}

/** What the writer thread answers for one batch. */
export interface WriteReply {
  readonly id: number;
  readonly error?: { readonly code?: string; readonly message: string };
}

/**
 * Writes in a worker thread (evidence-writer.ts) with a connection of its own. One batch is in
 * flight at a time (the store awaits each write), so the worker commits batches in order.
 */
export class ThreadWriter implements RecordWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  #next = 0;
  #lost: QtError | undefined;
  #closing = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: WriteReply) => {
      const job = this.#pending.get(m.id);
      /* v8 ignore next */
      if (job === undefined) return;
      this.#pending.delete(m.id);
      if (m.error === undefined) job.resolve();
      else job.reject(new QtError('QT_STORE_FAILED', `write failed: ${m.error.message}`));
    });
    const lost = (why: string): void => {
      this.#lost = new QtError('QT_STORE_FAILED', `the writer thread ${why}`);
      for (const job of this.#pending.values()) job.reject(this.#lost);
      this.#pending.clear();
    };
    worker.on('error', (e) => lost(`failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!this.#closing) lost(`exited with code ${code}`);
    });
  }

  /** Starts the writer thread for log `logId` of the database at `path`. */
  static async start(script: WorkerScript, path: string, logId: number): Promise<ThreadWriter> {
    return new ThreadWriter(await startWorker(script, { path, logId }));
  }

  write(batch: WriteBatch): Promise<void> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const id = this.#next++;
    const wire = packBatch(batch);
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, batch: wire }, wireTransfer(wire));
    });
  }

  /** Closes the worker's connection and stops the thread (after the write in flight, if any). */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ close: true });
    });
  }
}

/** A write error as the store reports it: QtErrors pass, anything else becomes QT_STORE_FAILED. */
export function writeFailure(cause: unknown): QtError {
  return isQtError(cause)
    ? cause
    : new QtError('QT_STORE_FAILED', `write failed: ${(cause as Error).message}`, { cause });
}
