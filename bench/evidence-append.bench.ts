/**
 * Evidence append throughput, durably committed (WAL, synchronous = FULL), checkpoints included
 * (hybrid Ed25519 + ML-DSA-65, every 1,000 records), against two peers measured in the same run:
 * - raw batched inserts of same-sized rows into the same schema (migrations, triggers included)
 *   without hashing, canonical JSON, chaining, Merkle nodes or checkpoints: the floor that SQLite
 *   itself sets with the same batch size and durability;
 * - naive one-transaction-per-record inserts (what an append without group commit costs).
 * Goal (issue 5): 50,000 records per second with group commit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { getSuite } from '../src-shared/sign/suites.js';
import { secretKeyEntry } from '../src-shared/sign/keyid.js';
import { EvidenceLog } from '../src-main/evidence/store.js';
import { migrate } from '../src-main/evidence/migrations.js';
import { printComparison, type Measurement } from './lib.js';

const RECORDS = 100_000;
const NAIVE = 2_000;
const BATCH = 10_000;

function body(i: number): Record<string, unknown> {
  return {
    action: 'deploy',
    subject: `user-${i % 97}`,
    resource: `prod/service-${i % 13}`,
    decision: i % 7 === 0 ? 'deny' : 'allow',
    requestHash: 'ab'.repeat(32),
    n: i,
  };
}

function result(name: string, ops: number, ms: number): Measurement {
  return { name, ops, seconds: ms / 1000, opsPerSecond: ops / (ms / 1000) };
}

/** The store's own schema, one log, same pragmas: peers differ from the store only in the work per record. */
function rawDb(path: string): { db: Database.Database; insert: (seq: number, data: Uint8Array) => void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  db.prepare("INSERT INTO logs (origin, producer, created) VALUES ('bench.local/raw', '[]', 0)").run();
  const stmt = db.prepare(
    'INSERT INTO records (log, seq, kind, time, hash, leaf, data) VALUES (1, ?, ?, ?, ?, ?, ?)',
  );
  const hash = new Uint8Array(32).fill(7);
  return { db, insert: (seq, data) => stmt.run(seq, 'decision', 1_700_000_000_000 + seq, hash, hash, data) };
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qtrust-bench-evidence-'));
  try {
    const signers = (['ed25519', 'ml-dsa-65'] as const).map((id) =>
      secretKeyEntry(getSuite(id).keygen(new Uint8Array(getSuite(id).seedLength).fill(1))),
    );
    const sample = new TextEncoder().encode(JSON.stringify(body(0)).padEnd(330, ' '));

    // Q-Trust: async appends, group-committed by the store, checkpoints every 1,000 records.
    const log = EvidenceLog.open(join(dir, 'qtrust.db'), {
      origin: 'bench.local/evidence',
      signers,
      timer: false,
    });
    let start = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) {
      const pending: Promise<unknown>[] = [];
      for (let j = i; j < i + BATCH; j++) pending.push(log.append('decision', body(j)));
      await Promise.all(pending);
    }
    const qtrust = result(
      'EvidenceLog.append (group commit, checkpoints)',
      RECORDS,
      performance.now() - start,
    );
    const checkpoints = log.checkpoints().length;
    await log.close();

    // Floor: the same number of similar-sized rows, batched the same way, no hashing at all.
    const floor = rawDb(join(dir, 'floor.db'));
    start = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) {
      floor.db.transaction(() => {
        for (let j = i; j < i + BATCH; j++) floor.insert(j, sample);
      })();
    }
    const raw = result('raw batched inserts, no hashing (floor)', RECORDS, performance.now() - start);
    floor.db.close();

    // Naive: one durable transaction per record.
    const naive = rawDb(join(dir, 'naive.db'));
    start = performance.now();
    for (let j = 0; j < NAIVE; j++) naive.insert(j, sample);
    const perRecord = result('one transaction per record (naive)', NAIVE, performance.now() - start);
    naive.db.close();

    printComparison(
      `evidence append, durably committed (${RECORDS.toLocaleString('en-US')} records, ${checkpoints} checkpoints)`,
      [qtrust, raw, perRecord],
      perRecord.name,
    );
    console.log(
      `EvidenceLog reaches ${((100 * qtrust.opsPerSecond) / raw.opsPerSecond).toFixed(0)}% of the raw SQLite floor; goal 50,000/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
