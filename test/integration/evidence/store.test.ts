import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { ChainVerifier } from '../../../src-shared/evidence/chain.js';
import { parseRecord } from '../../../src-shared/evidence/record.js';
import { leafHash } from '../../../src-shared/merkle/hash.js';
import { MemoryTree } from '../../../src-shared/merkle/memory.js';
import { verifyConsistency } from '../../../src-shared/merkle/consistency.js';
import { verifyInclusion } from '../../../src-shared/merkle/inclusion.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import { checkpointHash, verifyCheckpoint } from '../../../src-shared/checkpoint/index.js';
import { EvidenceLog, type EvidenceLogOptions } from '../../../src-main/evidence/store.js';
import { storeHashes } from '../../../src-main/evidence/hashes.js';
import { testSigners } from './producer.js';

const ORIGIN = 'qtrust.local/acme/desktop-1';
let dir: string;
let path: string;
let now: number;
const clock = (): number => now;
const signers = testSigners();

function opts(extra: Partial<EvidenceLogOptions> = {}): EvidenceLogOptions {
  return { origin: ORIGIN, signers, clock, timer: false, ...extra };
}

async function fill(log: EvidenceLog, n: number, kind: 'decision' | 'anchor' = 'decision'): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => log.append(kind, { i, note: `record ${i}` })));
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; path?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string; path?: string };
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): { code?: string; message: string; path?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string; path?: string };
  }
  throw new Error('expected a throw');
}

function raw(): Database.Database {
  return new Database(path);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qtrust-evidence-'));
  path = join(dir, 'tenant.db');
  now = Date.UTC(2026, 10, 26, 12, 0, 0);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('EvidenceLog: appends, reads, proofs', () => {
  it('commits a chain that reads back, verifies and survives reopening', async () => {
    const log = EvidenceLog.open(path, opts({ checkpointEvery: 100 }));
    const results = await Promise.all(
      Array.from({ length: 250 }, (_, i) => log.append(i % 5 === 0 ? 'anchor' : 'decision', { i })),
    );
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(log.size).toBe(250);
    const chain = new ChainVerifier({ log: ORIGIN });
    const leaves: Uint8Array[] = [];
    for (const r of log.records()) {
      expect(chain.push(r.bytes).hash).toEqual(r.hash);
      expect(r.hash).toEqual(results[r.seq]?.hash);
      leaves.push(leafHash(r.bytes, nobleHashes));
    }
    expect(chain.count).toBe(250);
    expect([...log.records(10, 13)].map((r) => r.seq)).toEqual([10, 11, 12]);
    expect(log.leafHash(7)).toEqual(leaves[7]);

    // Checkpoints cut at the first batch boundary with >= 100 substantive records; roots match an
    // independent in-memory tree over the same leaves.
    const tree = MemoryTree.fromLeafHashes(leaves, nobleHashes);
    const cps = log.checkpoints();
    expect(cps.length).toBeGreaterThanOrEqual(1);
    for (const cp of cps) expect(bytesToHex(cp.root)).toBe(bytesToHex(tree.root(cp.size)));

    const cp = await log.checkpoint();
    expect(cp.size).toBe(250);
    expect(cp.root).toEqual(tree.root(250));
    for (const seq of [0, 1, 127, 128, 249]) {
      const proof = log.inclusionProof(seq, 250);
      expect(proof).toEqual(tree.inclusionProof(seq, 250));
      expect(verifyInclusion(leaves[seq] as Uint8Array, seq, 250, proof, cp.root)).toBe(true);
    }
    for (const m of [1, 16, 17, 100, 249]) {
      const proof = log.consistencyProof(m, 250);
      expect(proof).toEqual(tree.consistencyProof(m, 250));
      expect(verifyConsistency(m, 250, proof, tree.root(m), cp.root)).toBe(true);
    }
    await log.close();

    const again = EvidenceLog.open(path, opts());
    expect(again.size).toBe(250);
    expect(again.latestCheckpoint()?.text).toBe(cp.text);
    const next = await again.append('decision', { after: 'reopen' });
    expect(next.seq).toBe(250);
    const r250 = [...again.records(250)][0];
    expect(r250?.record.prev).toBe(bytesToHex(results[249]?.hash as Uint8Array));
    again.verifyAll();
    await again.close();
  });

  it('checkpoints every N substantive records, never for bookkeeping alone, and after T seconds', async () => {
    const log = EvidenceLog.open(path, opts({ checkpointEvery: 10, checkpointSeconds: 60 }));
    await fill(log, 25, 'anchor');
    expect(log.latestCheckpoint()).toBeNull();
    for (let i = 0; i < 9; i++) await log.append('decision', { i });
    expect(log.latestCheckpoint()).toBeNull();
    await log.append('decision', { i: 9 });
    expect(log.latestCheckpoint()?.size).toBe(35);

    await log.append('policy', { late: true });
    now += 59_999;
    expect(await log.checkpointIfDue()).toBeNull();
    now += 1;
    expect((await log.checkpointIfDue())?.size).toBe(36);
    // Nothing new: a forced checkpoint returns the existing one.
    expect((await log.checkpoint()).size).toBe(36);
    await log.append('anchor', { status: 'final' });
    expect((await log.checkpoint()).size).toBe(37);
    const cps = log.checkpoints();
    expect(cps.map((c) => c.size)).toEqual([35, 36, 37]);
    expect(cps[1]?.time).toBe(now);
    await log.close();
  });

  it('a forced checkpoint of an empty log signs the empty tree', async () => {
    const log = EvidenceLog.open(path, opts());
    const cp = await log.checkpoint();
    expect(cp.size).toBe(0);
    expect(bytesToHex(cp.root)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await log.close();
    EvidenceLog.open(path, opts()).close();
  });

  it('keeps several logs in one database apart', async () => {
    const a = EvidenceLog.open(path, opts());
    const b = EvidenceLog.open(path, opts({ origin: 'qtrust.local/acme/plane', signers: testSigners(2) }));
    await Promise.all([fill(a, 5), fill(b, 3)]);
    expect([a.size, b.size]).toEqual([5, 3]);
    expect([...b.records()].every((r) => r.record.log === 'qtrust.local/acme/plane')).toBe(true);
    await a.close();
    await b.close();
  });

  it('serves every inclusion and consistency proof of a 100-record log like an in-memory tree', async () => {
    const log = EvidenceLog.open(path, opts());
    await fill(log, 100);
    const tree = MemoryTree.fromLeafHashes([...log.records()].map((r) => leafHash(r.bytes)));
    for (const size of [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 65, 99, 100]) {
      for (let seq = 0; seq < size; seq++)
        expect(log.inclusionProof(seq, size)).toEqual(tree.inclusionProof(seq, size));
      for (let m = 0; m <= size; m += 7)
        expect(log.consistencyProof(m, size)).toEqual(tree.consistencyProof(m, size));
    }
    await log.close();
  });

  it('signs checkpoints any verifier can check under the producer keys, chained by prev', async () => {
    const log = EvidenceLog.open(path, opts({ checkpointEvery: 5 }));
    for (let i = 0; i < 3; i++) await fill(log, 5);
    const trusted = signers.map((s) => ({ name: ORIGIN, suite: s.suite, publicKey: s.publicKey }));
    const cps = log.checkpoints();
    expect(cps.map((c) => c.size)).toEqual([5, 10, 15]);
    cps.forEach((cp, i) => {
      const { body } = verifyCheckpoint(cp.text, trusted, { origin: ORIGIN });
      expect(body.treeSize).toBe(cp.size);
      expect(body.rootHash).toEqual(cp.root);
      expect(checkpointHash(cp.text)).toEqual(cp.hash);
      if (i === 0) expect(body.prev).toBeUndefined();
      else expect(body.prev).toEqual(cps[i - 1]?.hash);
    });
    await log.close();
  });

  it('the timer signs a checkpoint when the time bound passes on an idle log', async () => {
    const log = EvidenceLog.open(path, { origin: ORIGIN, signers, checkpointSeconds: 1 });
    await log.append('decision', { idle: true });
    expect(log.latestCheckpoint()).toBeNull();
    for (let i = 0; i < 200 && log.latestCheckpoint() === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(log.latestCheckpoint()?.size).toBe(1);
    await log.close();
  });

  it('refuses a database from a newer schema', () => {
    const db = raw();
    db.pragma('user_version = 99');
    db.close();
    expect(thrown(() => EvidenceLog.open(path, opts())).code).toBe('QT_STORE_SCHEMA');
  });

  it('the store hash primitive equals noble SHA-256', () => {
    for (const n of [0, 1, 65, 300, 5000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      expect(storeHashes.sha256(data)).toEqual(nobleHashes.sha256(data));
    }
  });
});

describe('EvidenceLog: hostile callers', () => {
  it('rejects a bad kind or body without using a seq', async () => {
    const log = EvidenceLog.open(path, opts());
    expect((await rejection(log.append('nope' as never, {}))).code).toBe('QT_RECORD_INVALID');
    expect((await rejection(log.append('decision', [] as never))).code).toBe('QT_RECORD_INVALID');
    const nan = await rejection(log.append('decision', { x: NaN }));
    expect(nan.code).toBe('QT_RECORD_INVALID');
    expect(nan.path).toBe('$.body.x');
    expect((await rejection(log.append('decision', { f: () => 1 }))).code).toBe('QT_RECORD_INVALID');
    expect((await log.append('decision', { ok: true })).seq).toBe(0);
    await log.close();
  });

  it('refuses bad options, a second instance, wrong producer keys and use after close', async () => {
    expect(thrown(() => EvidenceLog.open('', opts())).code).toBe('QT_TYPE');
    expect(thrown(() => EvidenceLog.open(path, null as never)).code).toBe('QT_TYPE');
    expect(thrown(() => EvidenceLog.open(path, opts({ origin: 'bad origin' }))).code).toBe(
      'QT_RECORD_INVALID',
    );
    expect(thrown(() => EvidenceLog.open(path, opts({ checkpointEvery: 0 }))).code).toBe('QT_RANGE');
    expect(thrown(() => EvidenceLog.open(path, opts({ signers: [] }))).code).toBe('QT_TYPE');
    const log = EvidenceLog.open(path, opts());
    expect(thrown(() => EvidenceLog.open(path, opts())).code).toBe('QT_STORE_BUSY');
    await fill(log, 3);
    expect(thrown(() => log.inclusionProof(3, 3)).code).toBe('QT_MERKLE_INDEX');
    expect(thrown(() => log.inclusionProof(0, 4)).code).toBe('QT_RANGE');
    expect(thrown(() => log.consistencyProof(2, 4)).code).toBe('QT_RANGE');
    expect(thrown(() => log.consistencyProof(3, 2)).code).toBe('QT_MERKLE_SIZE');
    expect(thrown(() => [...log.records(0, 9)]).code).toBe('QT_RANGE');
    await log.close();
    expect(thrown(() => EvidenceLog.open(path, opts({ signers: testSigners(3) }))).code).toBe(
      'QT_STORE_PRODUCER_MISMATCH',
    );
    // The same key set in another order is the same producer.
    await EvidenceLog.open(path, opts({ signers: [...signers].reverse() })).close();
    expect((await rejection(log.append('decision', {}))).code).toBe('QT_STORE_CLOSED');
    expect(thrown(() => log.latestCheckpoint()).code).toBe('QT_STORE_CLOSED');
  });

  it('a failed write poisons the instance; reopening reads the truth', async () => {
    const log = EvidenceLog.open(path, opts());
    await fill(log, 2);
    const db = raw();
    // Another writer takes seq 2 behind the log's back: the log's next insert must fail.
    db.prepare(
      "INSERT INTO records (log, seq, kind, time, hash, leaf, data) VALUES (1, 2, 'decision', 0, ?, ?, x'00')",
    ).run(new Uint8Array(32), new Uint8Array(32));
    db.close();
    const failed = await rejection(log.append('decision', { lost: true }));
    expect(failed.code).toBe('QT_STORE_FAILED');
    expect((await rejection(log.append('decision', {}))).code).toBe('QT_STORE_FAILED');
    await log.close();
    const reopened = thrown(() => EvidenceLog.open(path, opts()));
    expect(reopened.code).toBe('QT_STORE_TAMPERED');
    expect(reopened.path).toBe('records[2]');
  });
});

describe('EvidenceLog: append-only and tamper evidence', () => {
  async function prepared(n = 60): Promise<void> {
    const log = EvidenceLog.open(path, opts({ checkpointEvery: 20 }));
    for (let i = 0; i < n; i += 10) await fill(log, 10);
    await log.close();
  }

  it('the database itself refuses UPDATE and DELETE, gaps and backward checkpoints', async () => {
    await prepared();
    const db = raw();
    for (const sql of [
      "UPDATE records SET kind = 'grant' WHERE seq = 3",
      'DELETE FROM records WHERE seq = 59',
      'UPDATE checkpoints SET time = 0',
      'DELETE FROM checkpoints',
      'DELETE FROM nodes',
      "UPDATE logs SET origin = 'x'",
      'DELETE FROM logs',
    ]) {
      expect(() => db.exec(sql)).toThrow(/append-only/);
    }
    const ins = db.prepare(
      "INSERT INTO records (log, seq, kind, time, hash, leaf, data) VALUES (1, ?, 'decision', 0, ?, ?, x'00')",
    );
    expect(() => ins.run(61, new Uint8Array(32), new Uint8Array(32))).toThrow(/without gaps/);
    const cp = db.prepare(
      "INSERT INTO checkpoints (log, size, root, hash, time, text) VALUES (1, ?, ?, ?, 0, 'x')",
    );
    expect(() => cp.run(20, new Uint8Array(32), new Uint8Array(32))).toThrow(/grow the tree/);
    expect(() => cp.run(61, new Uint8Array(32), new Uint8Array(32))).toThrow(/grow the tree/);
    db.close();
    EvidenceLog.open(path, opts()).close();
  });

  const dropTriggers = (db: Database.Database): void => {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as {
      name: string;
    }[]) {
      db.exec(`DROP TRIGGER ${name}`);
    }
  };

  const tamperCases: [string, (db: Database.Database) => void, RegExp, string][] = [
    [
      'a record body changed (triggers dropped)',
      (db) => {
        const row = db.prepare('SELECT data FROM records WHERE seq = 55').get() as { data: Uint8Array };
        const text = new TextDecoder().decode(row.data).replace('"i":5', '"i":6');
        db.prepare('UPDATE records SET data = ? WHERE seq = 55').run(new TextEncoder().encode(text));
      },
      /record 55/,
      'records[55]',
    ],
    [
      'a record and its hash and leaf rewritten consistently',
      (db) => {
        const row = db.prepare('SELECT data FROM records WHERE seq = 58').get() as { data: Uint8Array };
        const text = new TextDecoder().decode(row.data).replace('"i":8', '"i":9');
        const sealed = parseRecord(text);
        db.prepare('UPDATE records SET data = ?, hash = ?, leaf = ? WHERE seq = 58').run(
          sealed.bytes,
          sealed.hash,
          leafHash(sealed.bytes),
        );
      },
      /record 59 does not link/,
      'records[59]',
    ],
    [
      'the last record deleted',
      (db) => db.exec('DELETE FROM records WHERE seq = 59'),
      /checkpoint|record/,
      '',
    ],
    [
      'a middle record deleted',
      (db) => db.exec('DELETE FROM records WHERE seq = 50'),
      /record 50 is missing/,
      'records[50]',
    ],
    [
      'a kind column changed',
      (db) => db.exec("UPDATE records SET kind = 'anchor' WHERE seq = 57"),
      /record 57/,
      'records[57]',
    ],
    [
      'a checkpoint text changed',
      (db) =>
        db.exec(
          "UPDATE checkpoints SET text = replace(text, 'time', 'tim3') WHERE size = (SELECT MAX(size) FROM checkpoints)",
        ),
      /checkpoint of size 60/,
      'checkpoints[60]',
    ],
    [
      'a Merkle node changed',
      (db) => db.exec('UPDATE nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 3'),
      /Merkle node \(4, 3\)/,
      'records[63]',
    ],
    [
      'only the triggers dropped',
      () => undefined,
      /trigger logs_no_update is missing/,
      'trigger logs_no_update',
    ],
  ];

  for (const [name, edit, message, where] of tamperCases) {
    it(`reports ${name} with QT_STORE_TAMPERED`, async () => {
      await prepared(name.includes('node') ? 64 : 60);
      const db = raw();
      dropTriggers(db);
      edit(db);
      db.close();
      const e = thrown(() => EvidenceLog.open(path, opts()));
      expect(e.code).toBe('QT_STORE_TAMPERED');
      expect(e.message).toMatch(message);
      if (where !== '') expect(e.path).toBe(where);
    });
  }

  it('a record outside the tail is caught by verifyAll', async () => {
    const log = EvidenceLog.open(path, opts({ checkpointEvery: 20, tailRecords: 5 }));
    await fill(log, 100);
    await log.checkpoint();
    await log.close();
    const db = raw();
    const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as {
      sql: string;
    }[];
    dropTriggers(db);
    db.prepare("UPDATE records SET kind = 'grant' WHERE seq = 3").run();
    for (const t of triggers) db.exec(t.sql);
    db.close();
    const reopened = EvidenceLog.open(path, opts({ tailRecords: 5 }));
    const e = thrown(() => reopened.verifyAll());
    expect(e.code).toBe('QT_STORE_TAMPERED');
    expect(e.path).toBe('records[3]');
    await reopened.close();
  });
});
