/**
 * The store's writer thread (src-main/evidence/writer.ts, evidence-writer.ts): the same file as the
 * in-thread writer for the same appends, the same failure semantics (a refused write poisons the
 * instance, nothing is reported committed that is not), and the fallback to the calling thread
 * when the thread cannot start. Under vitest the script is the TypeScript source, loaded by tsx.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_KINDS } from '../../../src-shared/evidence/record.js';
import { EvidenceLog, type EvidenceLogOptions } from '../../../src-main/evidence/store.js';
import { packBatch, unpackBatch, type WriteBatch } from '../../../src-main/evidence/writer.js';
import { testSigners } from './producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'qtrust-writer-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ORIGIN = 'qtrust.local/test/writer-thread';
const signers = testSigners();
let fileNo = 0;

// A fixed clock: the store also reads it per batch, and batches form differently in each mode.
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

function options(extra: Partial<EvidenceLogOptions> = {}): EvidenceLogOptions {
  return { origin: ORIGIN, signers, clock: () => T0, timer: false, checkpointEvery: 50, ...extra };
}

/** Appends `sizes` groups concurrently, the next group while the previous one commits. */
async function appendGroups(log: EvidenceLog, sizes: readonly number[]): Promise<number[]> {
  const seqs: number[] = [];
  let n = 0;
  const inFlight: Promise<void>[] = [];
  for (const size of sizes) {
    const group = Array.from({ length: size }, () =>
      log.append(n % 9 === 0 ? 'anchor' : 'decision', { n: n++ }),
    );
    inFlight.push(Promise.all(group).then((rs) => void seqs.push(...rs.map((r) => r.seq))));
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(inFlight);
  return seqs.sort((a, b) => a - b);
}

function rows(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT seq, kind, time, hash, leaf, data FROM records ORDER BY seq').all();
  } finally {
    db.close();
  }
}

describe('EvidenceLog with a writer thread', () => {
  it('writes exactly the records the in-thread writer writes, with verifiable nodes and checkpoints', async () => {
    const sizes = [1, 63, 64, 65, 200, 3, 700];
    const paths = ['inline', 'thread'].map((m) => join(tmp, `${m}-${fileNo++}.db`));
    for (const [i, path] of paths.entries()) {
      const log = EvidenceLog.open(path, options({ writerThread: i === 1 }));
      expect(await log.writerThread()).toBe(i === 1);
      const seqs = await appendGroups(log, sizes);
      expect(seqs).toEqual(Array.from({ length: 1096 }, (_, k) => k));
      await log.checkpoint();
      log.verifyAll();
      await log.close();
    }
    expect(rows(paths[1]!)).toEqual(rows(paths[0]!));
    // Reopening re-verifies the tail the thread wrote, and appends continue in the calling thread.
    const reopened = EvidenceLog.open(paths[1]!, options());
    expect(reopened.size).toBe(1096);
    await reopened.append('decision', { after: true });
    reopened.verifyAll();
    await reopened.close();
  });

  it('a write refused by the database poisons the instance; nothing refused is reported committed', async () => {
    const path = join(tmp, `poison-${fileNo++}.db`);
    const log = EvidenceLog.open(path, options({ writerThread: true }));
    await Promise.all([log.append('decision', { a: 1 }), log.append('decision', { a: 2 })]);
    const other = new Database(path);
    // Another writer takes seq 2 behind the log's back: the thread's next insert must fail.
    other
      .prepare(
        "INSERT INTO records (log, seq, kind, time, hash, leaf, data) VALUES (1, 2, 'decision', 0, ?, ?, x'00')",
      )
      .run(new Uint8Array(32), new Uint8Array(32));
    other.close();
    const lost = await log.append('decision', { lost: true }).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(lost?.code).toBe('QT_STORE_FAILED');
    expect(lost?.message).toMatch(/seq order without gaps/);
    await expect(log.append('decision', {})).rejects.toMatchObject({ code: 'QT_STORE_FAILED' });
    await log.close();
    expect(() => EvidenceLog.open(path, options())).toThrow(
      expect.objectContaining({ code: 'QT_STORE_TAMPERED' }),
    );
  });

  it('falls back to the calling thread without a script or when the thread fails to start', async () => {
    const broken = join(tmp, 'broken-writer.mjs');
    writeFileSync(broken, 'throw new Error("no writer here");\n');
    for (const writerScript of [null, { url: pathToFileURL(broken), typescript: false }]) {
      const path = join(tmp, `fallback-${fileNo++}.db`);
      const log = EvidenceLog.open(path, options({ writerThread: true, writerScript }));
      expect(await log.writerThread()).toBe(false);
      const r = await log.append('decision', { ok: true });
      expect(r.seq).toBe(0);
      await log.close();
      expect(rows(path)).toHaveLength(1);
    }
  });
});

describe('writer wire format', () => {
  it('packs and unpacks every field of every row, and the nodes and checkpoint', () => {
    const batch: WriteBatch = {
      rows: RECORD_KINDS.map((kind, i) => ({
        seq: 2 ** 40 + i,
        kind,
        time: 1_790_000_000_123 + i,
        bytes: new TextEncoder().encode(`{"i":${i}}`.repeat(i + 1)),
        hash: new Uint8Array(32).fill(i),
        leaf: new Uint8Array(32).fill(200 + i),
      })),
      nodes: [{ level: 4, index: 3, hash: new Uint8Array(32).fill(9) }],
      checkpoint: {
        size: 7,
        root: new Uint8Array(32).fill(1),
        hash: new Uint8Array(32).fill(2),
        time: 5,
        text: 'cp\n',
      },
    };
    const back = unpackBatch(structuredClone(packBatch(batch)));
    expect(
      back.rows.map((r) => ({ ...r, bytes: [...r.bytes], hash: [...r.hash], leaf: [...r.leaf] })),
    ).toEqual(batch.rows.map((r) => ({ ...r, bytes: [...r.bytes], hash: [...r.hash], leaf: [...r.leaf] })));
    expect(back.nodes).toEqual(batch.nodes);
    expect(back.checkpoint).toEqual(batch.checkpoint);
    expect(unpackBatch(packBatch({ rows: [], nodes: [], checkpoint: null })).rows).toEqual([]);
  });
});
