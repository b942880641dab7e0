/**
 * The evidence log store: one SQLite database per tenant (better-sqlite3), one or more logs in it,
 * each with its origin and its producer key set (docs/evidence.md).
 *
 * Durability: WAL with `synchronous = FULL`, so a transaction is on disk when COMMIT returns.
 * Group commit: `append()` builds and hashes its record at once (so its seq, prev and time are
 * fixed in call order) and queues it; the queue is written in one transaction on the next turn of
 * the event loop, together with the Merkle nodes it completes and, when due, a signed checkpoint.
 * Every promise of the batch resolves only after that COMMIT returned: a caller is never told
 * "committed" for a record a crash could lose. A failed write poisons the instance (QT_STORE_FAILED)
 * since its in-memory head is then ahead of the file: close and reopen, which re-reads the truth.
 *
 * On open the store re-verifies its own tail (verifyStoredLog in tail.ts) and refuses a file that
 * was edited behind its back (QT_STORE_TAMPERED naming the seq).
 */
import { realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import { QtError } from '../../src-shared/errors.js';
import type { HashPrimitives } from '../../src-shared/hash.js';
import { consistencyProof as merkleConsistency } from '../../src-shared/merkle/consistency.js';
import { inclusionProof as merkleInclusion } from '../../src-shared/merkle/inclusion.js';
import type { SecretKeyEntry } from '../../src-shared/sign/keyid.js';
import type { SuiteBackend } from '../../src-shared/sign/suite.js';
import { aint } from '../../src-shared/bytes.js';
import {
  checkSchedule,
  msUntilDue,
  shouldCheckpoint,
  type CheckpointSchedule,
  type PendingState,
} from '../../src-shared/evidence/checkpoint-policy.js';
import {
  BOOKKEEPING_KINDS,
  ZERO_HASH,
  aorigin,
  canonicalRecordText,
  parseRecord,
  type EvidenceRecord,
  type RecordKind,
} from '../../src-shared/evidence/record.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { sealRecordText, storeHashes } from './hashes.js';
import {
  checkpointFromRow,
  signLogCheckpoint,
  producerEntries,
  type StoredCheckpoint,
} from './checkpoints.js';
import { migrate } from './migrations.js';
import { StoredNodes, type CompletedNode, type TreeEdge } from './tree.js';
import { findScript, type WorkerScript } from './worker-script.js';
import { InlineWriter, ThreadWriter, writeFailure, type BatchRow, type RecordWriter } from './writer.js';
import { verifyStoredLog, type LogRow } from './tail.js';

export type { StoredCheckpoint } from './checkpoints.js';

export interface EvidenceLogOptions {
  /** The log's origin (C2SP-style, e.g. `qtrust.local/acme/desktop-1`). */
  readonly origin: string;
  /** The producer's signing keys (a hybrid set, Ed25519 + ML-DSA-65 by default); fixed per log. */
  readonly signers: readonly SecretKeyEntry[];
  /** Substantive records per checkpoint (default 1,000). */
  readonly checkpointEvery?: number;
  /** Longest wait in seconds before a substantive record is checkpointed (default 60). */
  readonly checkpointSeconds?: number;
  /** Unix milliseconds; Date.now by default. Injected so generated logs can be deterministic. */
  readonly clock?: () => number;
  /** Records re-verified on open (K, default 1,000; more when the latest checkpoint is older). */
  readonly tailRecords?: number;
  /** Largest number of records in one transaction (default 10,000). */
  readonly maxBatch?: number;
  /** Arm a timer for the time bound of the checkpoint schedule (default true). */
  readonly timer?: boolean;
  /**
   * Commit in a worker thread with a connection of its own (writer.ts), so the next batch is
   * prepared while the previous one commits: for high-volume producers. Default false (every write
   * in the calling thread). Falls back to the calling thread when the writer's script is missing
   * or its thread fails to start; `writerThread()` tells which is in use.
   */
  readonly writerThread?: boolean;
  /** The writer thread's script (default: evidence-writer beside this module; null: none). */
  readonly writerScript?: WorkerScript | null;
  readonly hashes?: HashPrimitives;
  readonly backend?: SuiteBackend;
}

export interface AppendResult {
  readonly seq: number;
  readonly hash: Uint8Array;
  readonly time: number;
}

export interface StoredRecord {
  readonly seq: number;
  readonly record: EvidenceRecord;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
}

interface Pending extends BatchRow {
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

const PAGE = 1000;
const open = new Set<string>();

export class EvidenceLog {
  readonly origin: string;
  readonly #db: Database.Database;
  readonly #key: string;
  readonly #logId: number;
  readonly #signers: readonly SecretKeyEntry[];
  readonly #schedule: CheckpointSchedule;
  readonly #clock: () => number;
  readonly #hashes: HashPrimitives;
  readonly #maxBatch: number;
  readonly #timerEnabled: boolean;
  readonly #backend: SuiteBackend;
  readonly #nodes: StoredNodes;
  /** The writer, or (writer thread) the promise of one until its thread has started. */
  #writer: RecordWriter | Promise<RecordWriter>;

  /** Committed state: what the file holds. */
  #size: number;
  #edge: TreeEdge;
  #latest: StoredCheckpoint | null;
  #state: PendingState;
  /** Head of the chain including queued records (their seq and prev are already fixed). */
  #nextSeq: number;
  #headHash: Uint8Array;
  #queue: Pending[] = [];
  #scheduled = false;
  #flushing: Promise<void> | null = null;
  #waiters: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failed: QtError | undefined;
  #closed = false;

  private constructor(db: Database.Database, key: string, options: EvidenceLogOptions, origin: string) {
    this.origin = origin;
    this.#db = db;
    this.#key = key;
    this.#signers = Object.freeze([...options.signers]);
    this.#schedule = checkSchedule({ every: options.checkpointEvery, seconds: options.checkpointSeconds });
    this.#clock = options.clock ?? Date.now;
    this.#hashes = options.hashes ?? storeHashes;
    this.#maxBatch = aint(options.maxBatch ?? 10_000, 'maxBatch', 1, 1_000_000);
    this.#timerEnabled = options.timer ?? true;
    const tail = aint(options.tailRecords ?? 1000, 'tailRecords', 1);
    const backend = options.backend ?? nodeSuiteBackend;
    this.#backend = backend;

    const producer = producerEntries(this.#signers);
    db.transaction(() => {
      const row = db.prepare('SELECT id FROM logs WHERE origin = ?').get(origin);
      if (row === undefined) {
        db.prepare('INSERT INTO logs (origin, producer, created) VALUES (?, ?, ?)').run(
          origin,
          producer.text,
          aint(this.#clock(), 'clock()'),
        );
      }
    }).immediate();
    const log = db.prepare('SELECT id, origin, producer FROM logs WHERE origin = ?').get(origin) as LogRow;
    this.#logId = log.id;
    this.#nodes = new StoredNodes(db, log.id, this.#hashes);
    const verified = verifyStoredLog(db, log, { tail, hashes: this.#hashes, backend, nodes: this.#nodes });
    if (log.producer !== producer.text) {
      throw new QtError(
        'QT_STORE_PRODUCER_MISMATCH',
        `the signers given do not match the producer keys of log "${origin}" (${verified.producer.map((k) => k.keyid).join(', ')})`,
        { path: 'signers' },
      );
    }
    this.#size = verified.size;
    this.#edge = verified.edge;
    this.#latest = verified.latest;
    this.#state = verified.pending;
    this.#nextSeq = verified.size;
    this.#headHash = verified.headHash ?? ZERO_HASH;

    const inline = new InlineWriter(db, log.id);
    const script =
      options.writerScript === undefined
        ? findScript('evidence-writer', import.meta.url)
        : options.writerScript;
    this.#writer =
      options.writerThread === true && script !== null
        ? ThreadWriter.start(script, db.name, log.id).catch(() => inline)
        : inline;
    this.#armTimer();
  }

  /**
   * Opens (creating if needed) the database at `path` and the log `options.origin` in it, then
   * verifies the stored tail. One instance per (file, origin) per process (QT_STORE_BUSY).
   */
  static open(path: string, options: EvidenceLogOptions): EvidenceLog {
    if (typeof path !== 'string' || path.length === 0) {
      throw new QtError('QT_TYPE', 'path must be a non-empty string', { path: 'path' });
    }
    if (typeof options !== 'object' || options === null) {
      throw new QtError('QT_TYPE', 'options must be an object', { path: 'options' });
    }
    const origin = aorigin(options.origin, 'origin');
    const db = new Database(path);
    try {
      const key = `${realpathSync(path)}\u0000${origin}`;
      if (open.has(key)) {
        throw new QtError('QT_STORE_BUSY', `log "${origin}" of ${path} is already open in this process`, {
          path: 'path',
        });
      }
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
      const log = new EvidenceLog(db, key, options, origin);
      open.add(key);
      return log;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Number of records durably committed. */
  get size(): number {
    return this.#size;
  }

  /** Number of records appended but not yet committed. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Whether commits run in a writer thread (resolves once the thread started or was given up). */
  async writerThread(): Promise<boolean> {
    return (await this.#writer) instanceof ThreadWriter;
  }

  #usable(): void {
    if (this.#closed) throw new QtError('QT_STORE_CLOSED', `log "${this.origin}" is closed`);
    if (this.#failed !== undefined) {
      throw new QtError(
        'QT_STORE_FAILED',
        `log "${this.origin}" failed to write and must be reopened: ${this.#failed.message}`,
        {
          cause: this.#failed,
        },
      );
    }
  }

  /**
   * Appends a record. Resolves once the record is durably committed (never before), with its seq
   * and hash; rejects with QT_RECORD_INVALID for a bad kind or body (no seq is used then).
   */
  append(kind: RecordKind, body: unknown): Promise<AppendResult> {
    try {
      this.#usable();
      const seq = this.#nextSeq;
      const time = this.#clock();
      // All of createRecord's checks; the text is then encoded once into its hash input.
      const text = canonicalRecordText({ log: this.origin, seq, prev: this.#headHash, time, kind, body });
      const { bytes, hash, leaf } = sealRecordText(text, this.#hashes);
      this.#nextSeq = seq + 1;
      this.#headHash = hash;
      return new Promise<AppendResult>((resolve, reject) => {
        this.#queue.push({ seq, kind, time, bytes, hash, leaf, resolve, reject });
        this.#schedule_();
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #schedule_(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#run(false);
    });
  }

  /** Writes queued batches until the queue is empty; `force` signs a checkpoint at the end if anything is uncovered. */
  #run(force: boolean): Promise<void> {
    if (this.#flushing !== null) {
      // One writer at a time; the running loop picks up what was queued meanwhile.
      return force ? this.#flushing.then(() => this.#run(true)) : this.#flushing;
    }
    // The loop may finish synchronously; `finally` runs as a microtask, after the assignment.
    this.#flushing = this.#loop(force).finally(() => {
      this.#flushing = null;
      this.#armTimer();
      for (const w of this.#waiters.splice(0)) w();
    });
    return this.#flushing;
  }

  async #loop(force: boolean): Promise<void> {
    do {
      const batch = this.#queue.splice(0, this.#maxBatch);
      const last = this.#queue.length === 0;
      const writing = this.#commit(batch, force && last);
      if (writing !== undefined) await writing;
      // Let appends made during a long commit join the next batch.
      if (this.#queue.length > 0) await new Promise<void>((r) => setImmediate(r));
    } while (this.#queue.length > 0 && this.#failed === undefined);
  }

  /**
   * Commits one batch: the Merkle nodes it completes and the checkpoint, when due, are computed here;
   * the writer stores them with the records in one transaction. Returns a promise when the writer
   * works in another thread; the batch's appends resolve only after its COMMIT returned.
   */
  #commit(batch: Pending[], force: boolean): Promise<void> | undefined {
    if (this.#failed !== undefined) {
      for (const p of batch) p.reject(this.#failedError());
      return undefined;
    }
    const edge = this.#edge.clone();
    let state = this.#state;
    let checkpoint: StoredCheckpoint | null = null;
    const nodes: CompletedNode[] = [];
    let written: Promise<void> | void;
    try {
      for (const p of batch) {
        edge.append(p.leaf, (n) => nodes.push(n));
        const substantive = !BOOKKEEPING_KINDS.has(p.kind);
        state = {
          pending: state.pending + 1,
          substantive: state.substantive + (substantive ? 1 : 0),
          oldestSubstantiveMs: substantive && state.substantive === 0 ? p.time : state.oldestSubstantiveMs,
        };
      }
      const now = this.#clock();
      if (shouldCheckpoint(this.#schedule, state, now, force) || (force && this.#latest === null)) {
        checkpoint = signLogCheckpoint({
          origin: this.origin,
          size: edge.size,
          root: edge.root(),
          previous: this.#latest,
          time: now,
          signers: this.#signers,
        });
      }
      const write = { rows: batch, nodes, checkpoint };
      const writer = this.#writer;
      written =
        writer instanceof Promise
          ? writer.then((w) => {
              this.#writer = w;
              return w.write(write);
            })
          : writer.write(write);
    } catch (cause) {
      this.#fail(batch, cause);
      return undefined;
    }
    const done = (): void => {
      // COMMIT returned: the batch is durable. Only now is anyone told.
      this.#edge = edge;
      this.#size = edge.size;
      if (checkpoint !== null) {
        this.#latest = checkpoint;
        state = { pending: 0, substantive: 0, oldestSubstantiveMs: 0 };
      }
      this.#state = state;
      for (const p of batch) p.resolve(Object.freeze({ seq: p.seq, hash: p.hash, time: p.time }));
    };
    if (written === undefined) {
      done();
      return undefined;
    }
    return written.then(done, (cause: unknown) => this.#fail(batch, cause));
  }

  /** Poisons the instance after a failed write: the batch and everything queued are rejected. */
  #fail(batch: readonly Pending[], cause: unknown): void {
    this.#failed = writeFailure(cause);
    const err = this.#failedError();
    for (const p of batch) p.reject(err);
    for (const p of this.#queue.splice(0)) p.reject(err);
  }

  #failedError(): QtError {
    return new QtError(
      'QT_STORE_FAILED',
      `log "${this.origin}" failed to write: ${this.#failed?.message ?? ''}`,
      {
        cause: this.#failed,
      },
    );
  }

  #armTimer(): void {
    if (!this.#timerEnabled || this.#closed || this.#failed !== undefined || this.#timer !== undefined)
      return;
    const wait = msUntilDue(this.#schedule, this.#state, this.#clock());
    if (wait === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (this.#closed || this.#failed !== undefined) return;
        // With an injected clock the time bound may not be due yet: re-arm after the check.
        void this.#run(false).then(() => this.#armTimer());
      },
      Math.max(wait, 10),
    );
    this.#timer.unref();
  }

  /** Resolves when every record appended so far is committed (or rejected). */
  async flush(): Promise<void> {
    this.#usable();
    if (this.#queue.length === 0 && this.#flushing === null) return;
    await this.#run(false);
    if (this.#queue.length > 0) await this.flush();
  }

  /**
   * Forces a checkpoint covering every record appended so far (an export calls this). Returns the
   * latest checkpoint, new or, when nothing is uncovered, the existing one.
   */
  async checkpoint(): Promise<StoredCheckpoint> {
    this.#usable();
    await this.#run(true);
    this.#usable();
    return this.#latest as StoredCheckpoint;
  }

  /** Runs the time bound of the schedule now (for callers that drive an injected clock). */
  async checkpointIfDue(): Promise<StoredCheckpoint | null> {
    this.#usable();
    const before = this.#latest;
    await this.#run(false);
    this.#usable();
    return this.#latest !== before ? this.#latest : null;
  }

  latestCheckpoint(): StoredCheckpoint | null {
    this.#usable();
    return this.#latest;
  }

  /**
   * Committed records with fromSeq <= seq < toSeq (toSeq defaults to the committed size), parsed
   * and checked. Read in pages, so no cursor stays open while the caller awaits between items.
   */
  *records(fromSeq = 0, toSeq?: number): IterableIterator<StoredRecord> {
    this.#usable();
    const end = toSeq ?? this.#size;
    aint(fromSeq, 'fromSeq');
    aint(end, 'toSeq', 0, this.#size);
    const page = this.#db.prepare(
      'SELECT seq, hash, data FROM records WHERE log = ? AND seq >= ? AND seq < ? ORDER BY seq LIMIT ?',
    );
    for (let next = fromSeq; next < end;) {
      const rows = page.all(this.#logId, next, end, PAGE) as {
        seq: number;
        hash: Uint8Array;
        data: Uint8Array;
      }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const sealed = parseRecord(row.data, this.#hashes);
        yield { seq: row.seq, record: sealed.record, bytes: sealed.bytes, hash: sealed.hash };
        next = row.seq + 1;
      }
    }
  }

  /** Checkpoints of this log, oldest first. */
  checkpoints(): StoredCheckpoint[] {
    this.#usable();
    return (
      this.#db
        .prepare('SELECT size, root, hash, time, text FROM checkpoints WHERE log = ? ORDER BY size')
        .all(this.#logId) as StoredCheckpoint[]
    ).map(checkpointFromRow);
  }

  /** RFC 9162 inclusion proof of record `seq` in the tree of `treeSize` committed records. */
  inclusionProof(seq: number, treeSize: number): Uint8Array[] {
    this.#usable();
    aint(treeSize, 'treeSize', 0, this.#size);
    return merkleInclusion(this.#nodes, seq, treeSize, this.#hashes);
  }

  /** RFC 9162 consistency proof between the trees of m and n committed records. */
  consistencyProof(m: number, n: number): Uint8Array[] {
    this.#usable();
    aint(n, 'n', 0, this.#size);
    return merkleConsistency(this.#nodes, m, n, this.#hashes);
  }

  /** Leaf hash of record `seq` (RFC 9162 leaf of its canonical bytes). */
  leafHash(seq: number): Uint8Array {
    this.#usable();
    aint(seq, 'seq', 0, this.#size - 1);
    return this.#nodes.getNodeHash(0, seq);
  }

  /**
   * Re-verifies the whole committed log the way open() verifies its tail, from seq 0: every record,
   * link, leaf and stored node, and the latest checkpoint. O(n); throws QT_STORE_TAMPERED.
   */
  verifyAll(): void {
    this.#usable();
    const log = this.#db
      .prepare('SELECT id, origin, producer FROM logs WHERE id = ?')
      .get(this.#logId) as LogRow;
    verifyStoredLog(this.#db, log, {
      tail: Number.MAX_SAFE_INTEGER,
      hashes: this.#hashes,
      backend: this.#backend,
      nodes: this.#nodes,
    });
  }

  /** Waits for queued records to commit, then closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#failed === undefined) {
      await this.#run(false).catch(() => undefined);
    }
    if (this.#flushing !== null) await new Promise<void>((r) => this.#waiters.push(r));
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await (await this.#writer).close();
    open.delete(this.#key);
    this.#db.close();
  }
}
