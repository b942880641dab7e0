/**
 * Tamper evidence, proven on a real log: a bundle exported from the SQLite store (300 records,
 * signed approvals, a checkpoint every 50 records) is damaged in every way the issue lists, and
 * every damage must be detected at the right stage and seq.
 */
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { createRecord } from '../../../src-shared/evidence/record.js';
import { parseTrust, type VerifyReport } from '../../../src-shared/verify/index.js';
import { verifyBundleDir } from '../../../src-main/evidence/verify-files.js';
import {
  ORIGIN,
  OTHER_ORIGIN,
  RECORDS,
  T0,
  approvalSeqs,
  buildLog,
  copyBundle,
  exportFrom,
  tempDir,
  trustJson,
} from './fixture.js';

let root: string;
let full: string;
let range: string;
let subject: string;
let forged: string;
let other: string;
const trust = parseTrust(JSON.stringify(trustJson()));

beforeAll(async () => {
  root = tempDir();
  const db = await buildLog(root);
  full = join(root, 'full');
  range = join(root, 'range');
  subject = join(root, 'subject');
  await exportFrom(db, full, { type: 'full' });
  await exportFrom(db, range, { type: 'range', from: 100, to: 160 });
  await exportFrom(db, subject, { type: 'subject', subject: 'svc-a' });
  const forgedDir = tempDir();
  const forgedDb = await buildLog(forgedDir, { forge: approvalSeqs()[2] });
  forged = join(forgedDir, 'bundle');
  await exportFrom(forgedDb, forged, { type: 'full' });
  const otherDir = tempDir();
  const otherDb = await buildLog(otherDir, { origin: OTHER_ORIGIN });
  other = join(otherDir, 'bundle');
  await exportFrom(otherDb, other, { type: 'full' }, OTHER_ORIGIN);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function verify(dir: string, workers = 0): Promise<VerifyReport> {
  return (await verifyBundleDir(dir, { trust, workers })).report;
}

function lines(dir: string, file: string): string[] {
  return readFileSync(join(dir, file), 'utf8').split('\n').slice(0, -1);
}

function writeLines(dir: string, file: string, list: readonly string[]): void {
  writeFileSync(join(dir, file), list.map((l) => `${l}\n`).join(''));
}

/** Tree sizes of a bundle's checkpoints, in file order. */
function sizes(dir: string): number[] {
  return lines(dir, 'checkpoints.jsonl').map((l) =>
    Number((JSON.parse(l) as { text: string }).text.split('\n')[1]),
  );
}

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), `${canonicalize(m)}\n`);
}

function first(r: VerifyReport): { stage: string; code: string; seq: number | null; treeSize?: number } {
  expect(r.ok).toBe(false);
  const f = r.failures[0];
  if (f === undefined) throw new Error('no failure');
  return {
    stage: f.stage,
    code: f.code,
    seq: f.seq,
    ...(f.treeSize === undefined ? {} : { treeSize: f.treeSize }),
  };
}

describe('undamaged bundles', () => {
  it('a full bundle verifies, with workers and without', async () => {
    for (const workers of [0, 2]) {
      const r = await verify(full, workers);
      expect(r.failures).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.records).toBe(RECORDS);
      expect(r.head?.treeSize).toBe(RECORDS);
      const byStage = Object.fromEntries(r.stages.map((s) => [s.stage, s]));
      expect(byStage['embedded-signatures']?.checked).toBe(approvalSeqs().length);
      expect(byStage['merkle-inclusion']?.checked).toBe(RECORDS);
      expect(byStage['checkpoint-signatures']?.checked).toBe(r.checkpoints);
      expect(byStage.anchors?.status).toBe('not-checked');
    }
  });

  it('range and subject bundles verify and say what they cannot prove', async () => {
    const r = await verify(range);
    expect(r.ok).toBe(true);
    expect(r.records).toBe(60);
    expect(r.cannotProve.join(' ')).toContain('record 100 links to record 99');
    const s = await verify(subject, 2);
    expect(s.ok).toBe(true);
    expect(s.records).toBe(RECORDS / 3);
    expect(s.cannotProve.join(' ')).toContain('no record about subject "svc-a" was withheld');
  });
});

describe('damaged records', () => {
  it('a flipped byte in a record is caught by its hash, at its seq', async () => {
    for (const seq of [0, 1, 149, 150, RECORDS - 1, ...approvalSeqs().slice(0, 2)]) {
      const dir = copyBundle(full);
      const list = lines(dir, 'records.jsonl');
      const line = list[seq] as string;
      // Flip one bit of a character inside the record (the "v":1 member: 1 -> 0 keeps JSON valid).
      const at = line.indexOf('"subject":"svc-') + 14;
      list[seq] = `${line.slice(0, at)}${String.fromCharCode(line.charCodeAt(at) ^ 1)}${line.slice(at + 1)}`;
      writeLines(dir, 'records.jsonl', list);
      expect(first(await verify(dir))).toEqual({
        stage: 'record-hashes',
        code: 'QT_VERIFY_RECORD_HASH',
        seq,
      });
    }
  });

  it('any flipped bit anywhere in records.jsonl is detected at the damaged line (fuzz, fixed seed)', async () => {
    const original = readFileSync(join(full, 'records.jsonl'));
    const starts: number[] = [0];
    original.forEach((b, i) => b === 0x0a && starts.push(i + 1));
    let seed = 12345;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let k = 0; k < 60; k++) {
      const pos = next(original.length);
      const bit = 1 << next(8);
      const damaged = Uint8Array.from(original);
      damaged[pos] = (damaged[pos] as number) ^ bit;
      const dir = copyBundle(full);
      writeFileSync(join(dir, 'records.jsonl'), damaged);
      const r = await verify(dir);
      let seq = starts.findIndex((s, i) => pos >= s && pos < (starts[i + 1] ?? Infinity));
      // A damaged LF belongs to the line it ends.
      if (original[pos] === 0x0a) seq = Math.min(seq - 1, RECORDS - 1);
      expect(r.ok, `byte ${pos} bit ${bit}`).toBe(false);
      expect(r.failures[0]?.seq, `byte ${pos} bit ${bit}: ${JSON.stringify(r.failures[0])}`).toBe(seq);
    }
    // 60 full verifications: about 20 s on a quiet machine, far more on a loaded one (CI shares it).
  }, 300_000);

  it('a deleted record is a gap in the chain at its seq', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'records.jsonl');
    list.splice(150, 1);
    writeLines(dir, 'records.jsonl', list);
    expect(first(await verify(dir))).toEqual({ stage: 'chain-links', code: 'QT_VERIFY_CHAIN_GAP', seq: 150 });
  });

  it('a duplicated record is out of order at its seq', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'records.jsonl');
    list.splice(150, 0, list[150] as string);
    writeLines(dir, 'records.jsonl', list);
    expect(first(await verify(dir))).toEqual({ stage: 'format', code: 'QT_VERIFY_SEQ_ORDER', seq: 150 });
  });

  it('reordered records are out of order', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'records.jsonl');
    [list[150], list[151]] = [list[151] as string, list[150] as string];
    writeLines(dir, 'records.jsonl', list);
    const r = await verify(dir);
    expect(first(r)).toEqual({ stage: 'format', code: 'QT_VERIFY_SEQ_ORDER', seq: 150 });
    expect(r.failures.some((f) => f.code === 'QT_VERIFY_CHAIN_GAP' && f.seq === 150)).toBe(true);
  });

  it('an inserted record, even a well-formed one that links correctly, is detected', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'records.jsonl');
    const prev = JSON.parse(list[150] as string) as { hash: string };
    const forgedRecord = createRecord({
      log: ORIGIN,
      seq: 151,
      prev: hexToBytes(prev.hash),
      time: T0 + 500_000,
      kind: 'decision',
      body: { subject: 'svc-b', note: 'inserted' },
    });
    list.splice(
      151,
      0,
      canonicalize({ hash: bytesToHex(forgedRecord.hash), record: forgedRecord.record, seq: 151 }),
    );
    writeLines(dir, 'records.jsonl', list);
    const r = await verify(dir);
    expect(first(r)).toEqual({ stage: 'format', code: 'QT_VERIFY_SEQ_ORDER', seq: 151 });
    expect(r.failures.some((f) => f.stage === 'merkle-inclusion' && f.code === 'QT_VERIFY_ROOT')).toBe(true);
  });

  it('a file truncated in the middle of a line, or at a line boundary', async () => {
    const a = copyBundle(full);
    const bytes = readFileSync(join(a, 'records.jsonl'));
    const cut = lines(a, 'records.jsonl').slice(0, 200).join('\n').length + 1 + 40;
    truncateSync(join(a, 'records.jsonl'), cut);
    expect(bytes.length).toBeGreaterThan(cut);
    expect(first(await verify(a))).toEqual({ stage: 'format', code: 'QT_VERIFY_TRUNCATED', seq: 200 });
    const b = copyBundle(full);
    writeLines(b, 'records.jsonl', lines(b, 'records.jsonl').slice(0, 200));
    expect(first(await verify(b))).toEqual({ stage: 'format', code: 'QT_VERIFY_TRUNCATED', seq: 200 });
    const c = copyBundle(full);
    writeFileSync(join(c, 'records.jsonl'), '');
    expect(first(await verify(c))).toEqual({ stage: 'format', code: 'QT_VERIFY_TRUNCATED', seq: 0 });
  });

  it('an altered embedded approval is caught by its record hash; a forged one by its signature', async () => {
    const seq = approvalSeqs()[1] as number;
    const dir = copyBundle(full);
    const list = lines(dir, 'records.jsonl');
    const line = list[seq] as string;
    const at = line.indexOf('"payload":"') + 20;
    const c = line[at] === 'A' ? 'B' : 'A';
    list[seq] = `${line.slice(0, at)}${c}${line.slice(at + 1)}`;
    writeLines(dir, 'records.jsonl', list);
    const r = await verify(dir);
    expect(first(r)).toEqual({ stage: 'record-hashes', code: 'QT_VERIFY_RECORD_HASH', seq });
    expect(r.failures.some((f) => f.stage === 'embedded-signatures' && f.seq === seq)).toBe(true);
    // The producer itself logged an approval Alice never signed: only the embedded check sees it.
    const f = await verify(forged);
    expect(f.failures.map((x) => [x.stage, x.code, x.seq])).toEqual([
      ['embedded-signatures', 'QT_VERIFY_EMBEDDED_SIGNATURE', approvalSeqs()[2]],
    ]);
  });
});

describe('damaged checkpoints', () => {
  it('a checkpoint from another log', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'checkpoints.jsonl');
    list[1] = lines(other, 'checkpoints.jsonl')[1] as string;
    writeLines(dir, 'checkpoints.jsonl', list);
    const r = await verify(dir);
    expect(sizes(other)).toEqual(sizes(full));
    expect(first(r)).toEqual({
      stage: 'checkpoint-signatures',
      code: 'QT_VERIFY_CHECKPOINT_ORIGIN',
      seq: null,
      treeSize: sizes(other)[1],
    });
  });

  it('a replaced signature', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'checkpoints.jsonl');
    const a = JSON.parse(list[2] as string) as { text: string; consistency: string[] };
    const b = JSON.parse(list[3] as string) as { text: string };
    // Swap in the Ed25519 line of another checkpoint by the same key: right key, wrong message.
    const sigLine = (t: string): string => t.split('\n').filter((l) => l.startsWith('\u2014'))[0] as string;
    a.text = a.text.replace(sigLine(a.text), sigLine(b.text));
    list[2] = canonicalize(a);
    writeLines(dir, 'checkpoints.jsonl', list);
    expect(first(await verify(dir))).toEqual({
      stage: 'checkpoint-signatures',
      code: 'QT_VERIFY_CHECKPOINT_SIGNATURE',
      seq: null,
      treeSize: sizes(full)[2],
    });
  });

  it('a rolled-back checkpoint appended after the head', async () => {
    const dir = copyBundle(full);
    appendFileSync(join(dir, 'checkpoints.jsonl'), `${lines(dir, 'checkpoints.jsonl')[0] as string}\n`);
    editManifest(dir, (m) => void (m.checkpoints = (m.checkpoints as number) + 1));
    expect(first(await verify(dir))).toEqual({
      stage: 'checkpoint-consistency',
      code: 'QT_VERIFY_CHECKPOINT_ORDER',
      seq: null,
      treeSize: sizes(full)[0],
    });
  });

  it('a head rolled back to an older checkpoint leaves records uncovered', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'checkpoints.jsonl');
    writeLines(dir, 'checkpoints.jsonl', list.slice(0, -1));
    editManifest(dir, (m) => void (m.checkpoints = (m.checkpoints as number) - 1));
    const r = await verify(dir);
    const older = list.length - 2;
    const size = sizes(full)[older] as number;
    expect(first(r)).toEqual({ stage: 'merkle-inclusion', code: 'QT_VERIFY_NOT_COVERED', seq: size });
    expect(r.failures.some((f) => f.code === 'QT_VERIFY_HEAD' && f.treeSize === size)).toBe(true);
  });

  it('a forged consistency proof', async () => {
    const dir = copyBundle(full);
    const list = lines(dir, 'checkpoints.jsonl');
    const a = JSON.parse(list[3] as string) as { text: string; consistency: string[] };
    a.consistency[0] = 'ab'.repeat(32);
    list[3] = canonicalize(a);
    writeLines(dir, 'checkpoints.jsonl', list);
    expect(first(await verify(dir))).toEqual({
      stage: 'checkpoint-consistency',
      code: 'QT_VERIFY_CONSISTENCY',
      seq: null,
      treeSize: sizes(full)[3],
    });
  });
});

describe('damaged partial bundles', () => {
  it('a tampered inclusion proof, and a record flipped in a subject bundle', async () => {
    const dir = copyBundle(range);
    const list = lines(dir, 'records.jsonl');
    const o = JSON.parse(list[5] as string) as { inclusion: string[] };
    o.inclusion[0] = 'cd'.repeat(32);
    list[5] = canonicalize(o);
    writeLines(dir, 'records.jsonl', list);
    expect(first(await verify(dir))).toEqual({
      stage: 'merkle-inclusion',
      code: 'QT_VERIFY_INCLUSION',
      seq: 105,
    });
    const s = copyBundle(subject);
    const sl = lines(s, 'records.jsonl');
    sl[4] = (sl[4] as string).replace('"subject":"svc-a"', '"subject":"svc-b"');
    writeLines(s, 'records.jsonl', sl);
    const r = await verify(s);
    expect(first(r)).toEqual({ stage: 'format', code: 'QT_VERIFY_SCOPE', seq: 12 });
    expect(r.failures.some((f) => f.code === 'QT_VERIFY_RECORD_HASH' && f.seq === 12)).toBe(true);
  });
});
