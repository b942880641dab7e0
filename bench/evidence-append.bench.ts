/**
 * Evidence append throughput, durably committed (WAL, synchronous = FULL), checkpoints included
 * (hybrid Ed25519 + ML-DSA-65, every 1,000 records), against two peers measured in the same run:
 * - raw batched inserts of same-sized rows into the same schema (migrations, triggers included)
 *   without hashing, canonical JSON, chaining, Merkle nodes or checkpoints: the floor that SQLite
 *   itself sets with the same batch size and durability;
 * - naive one-transaction-per-record inserts (what an append without group commit costs).
 * Q-Trust is measured twice: commits in the calling thread with a producer that waits for each group
 * of 10,000 appends, and commits in the store's writer thread (writer.ts) with a producer that
 * appends the next group while the previous one commits (at most two groups in flight), the way a
 * busy service appends. Each starts after a warm-up of 20,000 appends to a log of its own, so the
 * figures are for optimized code. Goal (issue 5): 50,000 records per second with group commit.
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
const WARMUP = 20_000;
const GOAL = 50_000;

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
    const runStore = async (
      name: string,
      file: string,
      thread: boolean,
      records: number,
    ): Promise<Measurement> => {
      const log = EvidenceLog.open(join(dir, file), {
        origin: 'bench.local/evidence',
        signers,
        timer: false,
        writerThread: thread,
      });
      if ((await log.writerThread()) !== thread) throw new Error(`${name}: the writer thread did not start`);
      const start = performance.now();
      let previous: Promise<unknown> | null = null;
      for (let i = 0; i < records; i += BATCH) {
        const group: Promise<unknown>[] = [];
        for (let j = i; j < i + BATCH; j++) group.push(log.append('decision', body(j)));
        if (!thread) {
          await Promise.all(group);
          continue;
        }
        // At most two groups in flight: wait for the one before, let this one start committing.
        if (previous !== null) await previous;
        previous = Promise.all(group);
        await new Promise((r) => setImmediate(r));
      }
      await previous;
      const m = result(name, records, performance.now() - start);
      checkpoints = log.checkpoints().length;
      await log.close();
      return m;
    };
    let checkpoints = 0;
    await runStore('warm-up', 'warm-inline.db', false, WARMUP);
    await runStore('warm-up', 'warm-thread.db', true, WARMUP);
    const qtrust = await runStore(
      'EvidenceLog.append (group commit, checkpoints)',
      'qtrust.db',
      false,
      RECORDS,
    );
    const threaded = await runStore(
      'EvidenceLog.append, writer thread (pipelined producer)',
      'qtrust-thread.db',
      true,
      RECORDS,
    );
    let start: number;

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
      [qtrust, threaded, raw, perRecord],
      perRecord.name,
    );
    const best = Math.max(qtrust.opsPerSecond, threaded.opsPerSecond);
    console.log(
      `EvidenceLog reaches ${((100 * qtrust.opsPerSecond) / raw.opsPerSecond).toFixed(0)}% of the raw SQLite floor ` +
        `(${((100 * threaded.opsPerSecond) / raw.opsPerSecond).toFixed(0)}% with the writer thread); ` +
        `goal 50,000/s: ${best >= GOAL ? 'met' : 'NOT met'} in this run (best ${Math.round(best).toLocaleString('en-US')}/s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
