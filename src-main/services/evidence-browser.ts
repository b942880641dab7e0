/**
 * The Evidence section's read side: pages, filters and record details over the tenant's evidence
 * database (`<home>/tenants/<tenant>/evidence.db`, docs/app.md "Evidence and Verify").
 *
 * It has its own SQLite connection, opened with `query_only`, next to whichever EvidenceLog
 * appends: WAL lets a reader see every committed transaction without blocking the writer, and
 * browsing needs none of the producer's signing keys that EvidenceLog.open requires. The file is
 * opened lazily (a tenant has no database until its first record) and never created here.
 *
 * Filtering is SQL, so the renderer only ever receives one bounded page. Subject follows the
 * export's rule (isAbout: a string `body.subject`, or a string member of `body.subjects`); action
 * is a string `body.action`; an object never matches the JSON text of itself. A detail re-derives what it shows from the canonical bytes (hash, leaf) and checks
 * the covering checkpoint's signatures and the inclusion proof with the core's verifiers.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { bytesToHex, bytesToUtf8, equalBytes } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { parseRecord, parseRecordTime, type RecordKind } from '../../src-shared/evidence/record.js';
import { inclusionProof, leafHash, verifyInclusion } from '../../src-shared/merkle/index.js';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import { EVIDENCE_LOGS_MAX, EVIDENCE_TEXT_MAX } from '../../src-shared/ipc/evidence-contract.js';
import {
  checkpointFromRow,
  parseProducer,
  verifyLogCheckpoint,
  type StoredCheckpoint,
} from '../evidence/checkpoints.js';
import { storeHashes } from '../evidence/hashes.js';
import { SCHEMA_VERSION } from '../evidence/migrations.js';
import { StoredNodes } from '../evidence/tree.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';

export type EvidenceHead = ResponseOf<'readEvidenceHead'>;
export type EvidencePageRequest = RequestOf<'readEvidenceRecords'>;
export type EvidencePage = ResponseOf<'readEvidenceRecords'>;
export type EvidenceDetail = ResponseOf<'readEvidenceRecord'>;

interface LogRow {
  readonly id: number;
  readonly origin: string;
  readonly producer: string;
}

// The record bytes are canonical JSON stored as a BLOB; SQLite reads a BLOB given to a JSON
// function as JSONB, so every JSON function gets the text form.
const DOC = 'CAST(data AS TEXT)';
const SUBJECT = `COALESCE(
  CASE json_type(d, '$.body.subject') WHEN 'text' THEN json_extract(d, '$.body.subject') END,
  CASE json_type(d, '$.body.subjects[0]') WHEN 'text' THEN json_extract(d, '$.body.subjects[0]') END)`;
const ACTION = `CASE json_type(d, '$.body.action') WHEN 'text' THEN json_extract(d, '$.body.action') END`;

const clipText = (v: unknown): string | null =>
  typeof v === 'string' ? (v.length > EVIDENCE_TEXT_MAX ? v.slice(0, EVIDENCE_TEXT_MAX - 1) + '…' : v) : null;

export class EvidenceBrowser {
  readonly #path: string;
  #db: Database.Database | null = null;

  /** `path`: the tenant's evidence database; it may not exist yet. */
  constructor(path: string) {
    if (typeof path !== 'string' || path.length === 0) {
      throw new QtError('QT_TYPE', 'path must be a non-empty string', { path: 'path' });
    }
    this.#path = path;
  }

  /** The connection, or null while the tenant has no evidence database yet. */
  #open(): Database.Database | null {
    if (this.#db !== null) return this.#db;
    if (!existsSync(this.#path)) return null;
    const db = new Database(this.#path, { fileMustExist: true });
    try {
      db.pragma('query_only = ON');
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      // Version 0: created but not yet migrated by the writer; look again next time.
      if (version === 0) {
        db.close();
        return null;
      }
      if (version > SCHEMA_VERSION) {
        throw new QtError(
          'QT_STORE_SCHEMA',
          `the evidence database has schema version ${version}, newer than this app's ${SCHEMA_VERSION}`,
          { path: 'user_version' },
        );
      }
    } catch (e) {
      if (db.open) db.close();
      throw e;
    }
    this.#db = db;
    return db;
  }

  #log(db: Database.Database | null, origin: string): LogRow {
    const row =
      db === null
        ? undefined
        : (db.prepare('SELECT id, origin, producer FROM logs WHERE origin = ?').get(origin) as
            LogRow | undefined);
    if (row === undefined) {
      throw new QtError('QT_LOG_NOT_FOUND', `this tenant has no evidence log "${origin}"`, { path: 'log' });
    }
    return row;
  }

  /** Every log with its committed size and latest checkpoint size: two index look-ups per log. */
  head(): EvidenceHead {
    const db = this.#open();
    if (db === null) return { logs: [] };
    const logs = db
      .prepare(
        `SELECT origin,
           (SELECT COALESCE(MAX(seq) + 1, 0) FROM records r WHERE r.log = l.id) AS size,
           (SELECT COALESCE(MAX(size), 0) FROM checkpoints c WHERE c.log = l.id) AS checkpointSize
         FROM logs l ORDER BY l.id LIMIT ?`,
      )
      .all(EVIDENCE_LOGS_MAX) as { origin: string; size: number; checkpointSize: number }[];
    return { logs };
  }

  /** One page of matching records, newest first; `total` counts every match. */
  page(request: EvidencePageRequest): EvidencePage {
    const db = this.#open();
    const log = this.#log(db, request.log);
    const f = request.filter;
    const where: string[] = ['log = ?'];
    const args: (string | number)[] = [log.id];
    if (f.kind !== undefined) {
      where.push('kind = ?');
      args.push(f.kind);
    }
    if (f.fromTime !== undefined) {
      where.push('time >= ?');
      args.push(f.fromTime);
    }
    if (f.toTime !== undefined) {
      where.push('time <= ?');
      args.push(f.toTime);
    }
    if (f.subject !== undefined) {
      where.push(
        `(json_extract(${DOC}, '$.body.subject') = ? AND json_type(${DOC}, '$.body.subject') = 'text'
          OR EXISTS (SELECT 1 FROM json_each(${DOC}, '$.body.subjects') WHERE type = 'text' AND value = ?))`,
      );
      args.push(f.subject, f.subject);
    }
    if (f.action !== undefined) {
      where.push(`json_extract(${DOC}, '$.body.action') = ? AND json_type(${DOC}, '$.body.action') = 'text'`);
      args.push(f.action);
    }
    const cond = where.join(' AND ');
    const read = db as Database.Database;
    return read.transaction(() => {
      const { total } = read.prepare(`SELECT COUNT(*) AS total FROM records WHERE ${cond}`).get(...args) as {
        total: number;
      };
      const rows = read
        .prepare(
          `SELECT seq, kind, time, ${SUBJECT} AS subject, ${ACTION} AS action FROM
             (SELECT seq, kind, time, ${DOC} AS d FROM records WHERE ${cond} ORDER BY seq DESC LIMIT ? OFFSET ?)
           ORDER BY seq DESC`,
        )
        .all(...args, request.limit, request.offset) as {
        seq: number;
        kind: RecordKind;
        time: number;
        subject: unknown;
        action: unknown;
      }[];
      return {
        total,
        offset: request.offset,
        rows: rows.map((r) => ({
          seq: r.seq,
          kind: r.kind,
          time: r.time,
          subject: clipText(r.subject),
          action: clipText(r.action),
        })),
      };
    })();
  }

  /** One record with its covering checkpoint, that checkpoint's signatures and the inclusion proof. */
  detail(origin: string, seq: number): EvidenceDetail {
    const db = this.#open();
    const log = this.#log(db, origin);
    const read = db as Database.Database;
    return read.transaction(() => this.#detail(read, log, seq))();
  }

  #detail(db: Database.Database, log: LogRow, seq: number): EvidenceDetail {
    const row = db
      .prepare('SELECT seq, hash, data FROM records WHERE log = ? AND seq = ?')
      .get(log.id, seq) as { seq: number; hash: Uint8Array; data: Uint8Array } | undefined;
    if (row === undefined) {
      throw new QtError('QT_RECORD_NOT_FOUND', `log "${log.origin}" has no record ${seq}`, { path: 'seq' });
    }
    const data = Uint8Array.from(row.data);
    const sealed = parseRecord(data, storeHashes);
    if (!equalBytes(sealed.hash, Uint8Array.from(row.hash)) || sealed.record.seq !== seq) {
      throw new QtError(
        'QT_STORE_TAMPERED',
        `record ${seq} of "${log.origin}" does not match its stored hash`,
        {
          path: `records(${seq})`,
        },
      );
    }
    const leaf = leafHash(data, storeHashes);
    const cpRow = db
      .prepare(
        'SELECT size, root, hash, time, text FROM checkpoints WHERE log = ? AND size > ? ORDER BY size LIMIT 1',
      )
      .get(log.id, seq) as StoredCheckpoint | undefined;
    const base = {
      log: log.origin,
      seq,
      kind: sealed.record.kind,
      time: parseRecordTime(sealed.record.time),
      canonical: bytesToUtf8(data),
      hash: bytesToHex(sealed.hash),
      prev: sealed.record.prev,
      leaf: bytesToHex(leaf),
    };
    if (cpRow === undefined) {
      return {
        ...base,
        checkpoint: null,
        inclusion: { status: 'not-covered', treeSize: null, proof: [], error: null },
      };
    }
    const cp = checkpointFromRow(cpRow);
    const prevRow = db
      .prepare(
        'SELECT size, root, hash, time, text FROM checkpoints WHERE log = ? AND size < ? ORDER BY size DESC LIMIT 1',
      )
      .get(log.id, cp.size) as StoredCheckpoint | undefined;
    let signatureError: string | null = null;
    try {
      verifyLogCheckpoint(cp, {
        origin: log.origin,
        producer: parseProducer(log.producer),
        previous: prevRow === undefined ? null : checkpointFromRow(prevRow),
        backend: nodeSuiteBackend,
        hashes: storeHashes,
      });
    } catch (e) {
      signatureError = isQtError(e) ? `${e.code}: ${e.message}` : 'the checkpoint could not be checked';
    }
    let proof: Uint8Array[] = [];
    let inclusionError: string | null = null;
    let included = false;
    try {
      proof = inclusionProof(new StoredNodes(db, log.id, storeHashes), seq, cp.size, storeHashes);
      included = verifyInclusion(leaf, seq, cp.size, proof, cp.root, storeHashes);
      if (!included) inclusionError = 'the proof does not lead to the checkpoint root';
    } catch (e) {
      inclusionError = isQtError(e) ? `${e.code}: ${e.message}` : 'the proof could not be computed';
    }
    return {
      ...base,
      checkpoint: {
        size: cp.size,
        root: bytesToHex(cp.root),
        time: cp.time,
        text: cp.text,
        signature: signatureError === null ? 'verified' : 'failed',
        error: signatureError,
      },
      inclusion: {
        status: included ? 'verified' : 'failed',
        treeSize: cp.size,
        proof: proof.map(bytesToHex),
        error: inclusionError,
      },
    };
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
  }
}
