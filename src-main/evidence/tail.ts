/**
 * Tail verification on open: the store does not trust its own file. Before a log is used, the last
 * K records (and at least everything since the latest checkpoint) are re-read and recomputed:
 * canonical form, record hash, leaf hash, chain links, seq contiguity, the Merkle nodes they
 * complete, and the latest checkpoint (producer signature, origin, previous-checkpoint link) whose
 * root must equal the root recomputed from the stored tree. The append-only triggers must still be
 * present. Any mismatch is QT_STORE_TAMPERED naming the seq (docs/evidence.md, "Tail verification").
 *
 * What this cannot see: records older than the tail whose leaf and node hashes were rewritten
 * consistently with the signed root (infeasible without breaking SHA-256), and records after the
 * latest checkpoint rewritten wholesale by someone with write access (no signature covers them
 * yet: that is what the checkpoint schedule bounds). `verifyAll` re-checks the whole log.
 */
import type Database from 'better-sqlite3';
import { bytesToHex, equalBytes } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import type { HashPrimitives } from '../../src-shared/hash.js';
import { leafHash } from '../../src-shared/merkle/hash.js';
import type { PublicKeyEntry } from '../../src-shared/sign/keyid.js';
import type { SuiteBackend } from '../../src-shared/sign/suite.js';
import type { PendingState } from '../../src-shared/evidence/checkpoint-policy.js';
import {
  BOOKKEEPING_KINDS,
  parseRecord,
  parseRecordTime,
  verifyChainLink,
  type ChainHead,
} from '../../src-shared/evidence/record.js';
import {
  checkpointFromRow,
  parseProducer,
  verifyLogCheckpoint,
  type StoredCheckpoint,
} from './checkpoints.js';
import { REQUIRED_TRIGGERS } from './migrations.js';
import type { StoredNodes, TreeEdge } from './tree.js';

export interface LogRow {
  readonly id: number;
  readonly origin: string;
  readonly producer: string;
}

export interface VerifyOptions {
  /** Records to re-verify at least (K). */
  readonly tail: number;
  readonly hashes: HashPrimitives;
  readonly backend: SuiteBackend;
  readonly nodes: StoredNodes;
}

export interface VerifiedLog {
  readonly size: number;
  readonly edge: TreeEdge;
  readonly latest: StoredCheckpoint | null;
  readonly pending: PendingState;
  /** Hash of the last record (null for an empty log). */
  readonly headHash: Uint8Array | null;
  readonly producer: readonly PublicKeyEntry[];
  /** First seq that was re-verified. */
  readonly from: number;
}

interface RecordRow {
  seq: number;
  kind: string;
  time: number;
  hash: Uint8Array;
  leaf: Uint8Array;
  data: Uint8Array;
}

function tampered(message: string, path: string, cause?: unknown): QtError {
  return new QtError('QT_STORE_TAMPERED', `the evidence database was modified outside the app: ${message}`, {
    path,
    cause,
  });
}

const PAGE = 1000;

export function verifyStoredLog(db: Database.Database, log: LogRow, options: VerifyOptions): VerifiedLog {
  let producer: readonly PublicKeyEntry[];
  try {
    producer = parseProducer(log.producer);
  } catch (cause) {
    throw tampered(`the producer keys of log "${log.origin}" are unreadable`, 'logs.producer', cause);
  }

  const bounds = db
    .prepare('SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM records WHERE log = ?')
    .get(log.id) as {
    lo: number | null;
    hi: number | null;
  };
  const size = bounds.hi === null ? 0 : bounds.hi + 1;
  if (bounds.lo !== null && bounds.lo !== 0)
    throw tampered(`record 0 is missing (first seq ${bounds.lo})`, 'records[0]');

  const cps = (
    db
      .prepare(
        'SELECT size, root, hash, time, text FROM checkpoints WHERE log = ? ORDER BY size DESC LIMIT 2',
      )
      .all(log.id) as StoredCheckpoint[]
  ).map(checkpointFromRow);
  const latest = cps[0] ?? null;
  if (latest !== null) {
    const where = `checkpoints[${latest.size}]`;
    if (latest.size > size) throw tampered(`checkpoint of size ${latest.size} covers missing records`, where);
    try {
      verifyLogCheckpoint(latest, {
        origin: log.origin,
        producer,
        previous: cps[1] ?? null,
        backend: options.backend,
      });
    } catch (cause) {
      throw tampered(
        `checkpoint of size ${latest.size} does not verify: ${isQtError(cause) ? cause.message : String(cause)}`,
        where,
        cause,
      );
    }
  }

  const from = Math.max(0, Math.min(latest?.size ?? size, size - options.tail));
  const { hashes, nodes } = options;
  let edge: TreeEdge;
  let head: ChainHead | null = null;
  try {
    edge = nodes.edge(from);
  } catch (cause) {
    throw tampered(`the Merkle nodes before seq ${from} are unreadable`, `records[${from}]`, cause);
  }
  const readOne = db.prepare(
    'SELECT seq, kind, time, hash, leaf, data FROM records WHERE log = ? AND seq = ?',
  );
  if (from > 0) {
    const row = readOne.get(log.id, from - 1) as RecordRow | undefined;
    if (row === undefined) throw tampered(`record ${from - 1} is missing`, `records[${from - 1}]`);
    head = { log: log.origin, seq: from - 1, hash: checkRow(row, log.origin, hashes).hash };
  }

  const checkRoot = (): void => {
    if (latest !== null && edge.size === latest.size && !equalBytes(edge.root(), latest.root)) {
      throw tampered(
        `the records up to seq ${latest.size - 1} do not hash to the root of the signed checkpoint of size ${latest.size}`,
        `checkpoints[${latest.size}]`,
      );
    }
  };
  checkRoot();

  const page = db.prepare(
    'SELECT seq, kind, time, hash, leaf, data FROM records WHERE log = ? AND seq >= ? ORDER BY seq LIMIT ?',
  );
  const nodeAt = db.prepare('SELECT hash FROM nodes WHERE log = ? AND level = ? AND idx = ?');
  let pending: PendingState = { pending: 0, substantive: 0, oldestSubstantiveMs: 0 };
  for (let next = from; next < size;) {
    const rows = page.all(log.id, next, PAGE) as RecordRow[];
    for (const row of rows) {
      if (row.seq !== next) throw tampered(`record ${next} is missing`, `records[${next}]`);
      const sealed = checkRow(row, log.origin, hashes);
      try {
        verifyChainLink(head, sealed.record);
      } catch (cause) {
        throw tampered(
          `record ${row.seq} does not link to record ${row.seq - 1}`,
          `records[${row.seq}]`,
          cause,
        );
      }
      head = { log: log.origin, seq: row.seq, hash: sealed.hash };
      edge.append(row.leaf, (n) => {
        const stored = nodeAt.get(log.id, n.level, n.index) as { hash: Uint8Array } | undefined;
        if (stored === undefined || !equalBytes(stored.hash, n.hash)) {
          throw tampered(
            `Merkle node (${n.level}, ${n.index}) completed by record ${row.seq} is ${stored === undefined ? 'missing' : 'wrong'}`,
            `records[${row.seq}]`,
          );
        }
      });
      checkRoot();
      if (latest === null || row.seq >= latest.size) {
        const substantive = !BOOKKEEPING_KINDS.has(sealed.record.kind);
        pending = {
          pending: pending.pending + 1,
          substantive: pending.substantive + (substantive ? 1 : 0),
          oldestSubstantiveMs:
            substantive && pending.substantive === 0 ? row.time : pending.oldestSubstantiveMs,
        };
      }
      next++;
    }
    if (rows.length < PAGE && next < size) throw tampered(`record ${next} is missing`, `records[${next}]`);
  }
  // Checked last, so that a row changed after dropping the triggers is reported by its seq first.
  const triggers = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  for (const t of REQUIRED_TRIGGERS) {
    if (!triggers.has(t)) throw tampered(`append-only trigger ${t} is missing`, `trigger ${t}`);
  }
  return { size, edge, latest, pending, headHash: head?.hash ?? null, producer, from };
}

/** Recomputes one stored row: canonical record, its hash, its leaf, and the copied columns. */
function checkRow(row: RecordRow, origin: string, hashes: HashPrimitives): ReturnType<typeof parseRecord> {
  const at = `records[${row.seq}]`;
  let sealed: ReturnType<typeof parseRecord>;
  try {
    sealed = parseRecord(row.data, hashes);
  } catch (cause) {
    throw tampered(`record ${row.seq} is not a valid canonical record`, at, cause);
  }
  const r = sealed.record;
  if (r.seq !== row.seq || r.log !== origin)
    throw tampered(`record ${row.seq} is stored under the wrong seq or log`, at);
  if (!equalBytes(sealed.hash, row.hash)) {
    throw tampered(
      `record ${row.seq} does not match its stored hash ${bytesToHex(row.hash).slice(0, 16)}…`,
      at,
    );
  }
  if (!equalBytes(leafHash(sealed.bytes, hashes), row.leaf))
    throw tampered(`record ${row.seq} does not match its leaf hash`, at);
  if (r.kind !== row.kind || parseRecordTime(r.time) !== row.time) {
    throw tampered(`record ${row.seq} does not match its kind or time columns`, at);
  }
  return sealed;
}
