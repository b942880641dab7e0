import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../../src-shared/ipc/index.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { EvidenceBrowser } from '../../../src-main/services/evidence-browser.js';
import { testSigners } from '../../integration/evidence/producer.js';

const ORIGIN = 'qtrust.local/unit/browser';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const N = 250;

let dir: string;
let path: string;
let log: EvidenceLog;
let now = T0;

async function append(i: number): Promise<void> {
  now = T0 + i * 1000;
  const body =
    i % 5 === 0
      ? { subjects: ['multi', `s${i % 3}`], action: 'deploy', n: i }
      : {
          subject: i % 3 === 0 ? { id: 'nested' } : `s${i % 3}`,
          action: i % 2 === 0 ? 'deploy' : 'read',
          n: i,
        };
  await log.append(i % 4 === 0 ? 'system' : 'decision', body);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qtrust-browser-'));
  path = join(dir, 'evidence.db');
  log = EvidenceLog.open(path, {
    origin: ORIGIN,
    signers: testSigners(3),
    clock: () => now,
    timer: false,
    checkpointEvery: 100,
    checkpointSeconds: 86_400,
  });
  for (let i = 0; i < N; i++) await append(i);
  // Records 200..249 are not covered by a checkpoint (one every 100).
});

afterAll(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const valid = <C extends 'readEvidenceHead' | 'readEvidenceRecords' | 'readEvidenceRecord'>(
  c: C,
  v: unknown,
) => expect(CONTRACT[c].response.safeParse(v).success).toBe(true);

describe('EvidenceBrowser', () => {
  it('answers no logs while the tenant has no database, and does not create one', () => {
    const missing = join(dir, 'none.db');
    const b = new EvidenceBrowser(missing);
    expect(b.head()).toEqual({ logs: [] });
    expect(() => b.page({ log: ORIGIN, filter: {}, offset: 0, limit: 10 })).toThrow(
      expect.objectContaining({ code: 'QT_LOG_NOT_FOUND' }),
    );
    expect(() => new Database(missing, { fileMustExist: true })).toThrow();
  });

  it('reports each log with its committed size and checkpoint size, seeing new commits', async () => {
    const b = new EvidenceBrowser(path);
    const head = b.head();
    valid('readEvidenceHead', head);
    expect(head).toEqual({ logs: [{ origin: ORIGIN, size: N, checkpointSize: 200 }] });
    b.close();
  });

  it('pages newest first with exact totals', () => {
    const b = new EvidenceBrowser(path);
    const p = b.page({ log: ORIGIN, filter: {}, offset: 0, limit: 20 });
    valid('readEvidenceRecords', p);
    expect(p.total).toBe(N);
    expect(p.rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => N - 1 - i));
    const last = b.page({ log: ORIGIN, filter: {}, offset: 240, limit: 200 });
    expect(last.rows.map((r) => r.seq)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(b.page({ log: ORIGIN, filter: {}, offset: 10_000, limit: 5 }).rows).toEqual([]);
    b.close();
  });

  it('filters by kind, time, subject (subject or subjects, like the export) and action in SQL', () => {
    const b = new EvidenceBrowser(path);
    const all = (filter: Parameters<EvidenceBrowser['page']>[0]['filter']) =>
      b.page({ log: ORIGIN, filter, offset: 0, limit: 200 });
    const seqs = (pred: (i: number) => boolean) =>
      Array.from({ length: N }, (_, i) => N - 1 - i).filter(pred);

    expect(all({ kind: 'system' }).total).toBe(seqs((i) => i % 4 === 0).length);
    const timed = all({ fromTime: T0 + 10_000, toTime: T0 + 19_000 });
    expect(timed.rows.map((r) => r.seq)).toEqual(seqs((i) => i >= 10 && i <= 19));
    const multi = all({ subject: 'multi' });
    expect(multi.total).toBe(seqs((i) => i % 5 === 0).length);
    expect(multi.rows[0]?.subject).toBe('multi');
    const s1 = all({ subject: 's1' });
    expect(s1.total).toBe(seqs((i) => i % 3 === 1).length);
    // An object-valued subject is not a match for its JSON text, and shows as no subject.
    expect(all({ subject: '{"id":"nested"}' }).total).toBe(0);
    expect(all({ subject: 'nested' }).total).toBe(0);
    const read = all({ action: 'read' });
    expect(read.total).toBe(seqs((i) => i % 5 !== 0 && i % 2 === 1).length);
    expect(all({ action: 'read', kind: 'system' }).total).toBe(0);
    // Hostile-looking filter text is a bound parameter, never SQL.
    expect(all({ subject: "x' OR 1=1 --" }).total).toBe(0);
    expect(() => b.page({ log: 'qtrust.local/other', filter: {}, offset: 0, limit: 1 })).toThrow(
      expect.objectContaining({ code: 'QT_LOG_NOT_FOUND' }),
    );
    b.close();
  });

  it('details a covered record: canonical bytes, hashes, a verified checkpoint and inclusion proof', () => {
    const b = new EvidenceBrowser(path);
    const d = b.detail(ORIGIN, 150);
    valid('readEvidenceRecord', d);
    expect(d.canonical).toContain('"seq":150');
    expect(d.time).toBe(T0 + 150_000);
    expect(d.checkpoint).toMatchObject({ size: 200, signature: 'verified', error: null });
    expect(d.inclusion).toMatchObject({ status: 'verified', treeSize: 200, error: null });
    expect(d.inclusion.proof.length).toBeGreaterThan(0);
    const first = b.detail(ORIGIN, 0);
    expect(first.prev).toBe('0'.repeat(64));
    expect(b.detail(ORIGIN, 1).prev).toBe(first.hash);
    b.close();
  });

  it('says a record newer than the latest checkpoint is not covered yet', () => {
    const b = new EvidenceBrowser(path);
    const d = b.detail(ORIGIN, 230);
    expect(d.checkpoint).toBeNull();
    expect(d.inclusion).toEqual({ status: 'not-covered', treeSize: null, proof: [], error: null });
    expect(() => b.detail(ORIGIN, N + 5)).toThrow(expect.objectContaining({ code: 'QT_RECORD_NOT_FOUND' }));
    b.close();
  });

  it('sees records appended after it opened (live)', async () => {
    const b = new EvidenceBrowser(path);
    expect(b.head().logs[0]?.size).toBe(N);
    await append(N);
    expect(b.head().logs[0]?.size).toBe(N + 1);
    expect(b.page({ log: ORIGIN, filter: {}, offset: 0, limit: 1 }).rows[0]?.seq).toBe(N);
    b.close();
  });

  it('refuses a bad path argument', () => {
    expect(() => new EvidenceBrowser('' as string)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    expect(() => new EvidenceBrowser(1 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
  });
});
