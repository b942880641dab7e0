import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { issueGrant, verifyGrant } from '../../../src-shared/grants/grant.js';
import { REPLAY_SCHEMA_VERSION, SqliteReplayCache } from '../../../src-main/grants/replay-cache.js';
import { REQUEST_HASH, T0, caught, key, pub } from '../../unit/approvals/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'qtrust-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `cache-${++n}.sqlite`);

describe('SqliteReplayCache', () => {
  it('accepts an id once and remembers it across reopening the file', () => {
    const path = file();
    const a = SqliteReplayCache.open(path, { clock: () => 0 });
    expect(a.checkAndRemember('g1', 100)).toBe(true);
    expect(a.checkAndRemember('g1', 100)).toBe(false);
    expect(a.size).toBe(1);
    a.close();
    const b = SqliteReplayCache.open(path, { clock: () => 0 });
    expect(b.checkAndRemember('g1', 100)).toBe(false);
    expect(b.checkAndRemember('g2', 100)).toBe(true);
    b.close();
  });

  it('is atomic across two connections to the same file', () => {
    const path = file();
    const a = SqliteReplayCache.open(path, { clock: () => 0 });
    const b = SqliteReplayCache.open(path, { clock: () => 0 });
    const results = ['x', 'y', 'z'].flatMap((id) => [a.checkAndRemember(id, 50), b.checkAndRemember(id, 50)]);
    expect(results).toEqual([true, false, true, false, true, false]);
    a.close();
    b.close();
  });

  it('uses WAL with synchronous=FULL and records its schema version', () => {
    const path = file();
    const c = SqliteReplayCache.open(path);
    c.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(REPLAY_SCHEMA_VERSION);
    db.close();
    // synchronous is a per-connection setting: ask the cache's own connection (FULL is 2).
    const c2 = SqliteReplayCache.open(path);
    expect(c2.settings()).toEqual({ journalMode: 'wal', synchronous: 2 });
    c2.close();
  });

  it('prunes ids whose retention ended, on open, on demand and every pruneEvery inserts', () => {
    const path = file();
    let now = 0;
    const PRUNE_EVERY = 8;
    const c = SqliteReplayCache.open(path, { clock: () => now, pruneEvery: PRUNE_EVERY });
    c.checkAndRemember('old', 10);
    c.checkAndRemember('edge', 20);
    now = 20;
    expect(c.prune()).toBe(1);
    expect(c.checkAndRemember('edge', 20)).toBe(false);
    expect(c.prune(21)).toBe(1);
    expect(c.size).toBe(0);
    now = 100;
    for (let i = 0; i < PRUNE_EVERY - 1; i++) c.checkAndRemember(`short-${i}`, 50);
    expect(c.size).toBe(PRUNE_EVERY - 1);
    c.checkAndRemember('long', 1000);
    expect(c.size).toBe(1);
    c.checkAndRemember('short-again', 50);
    c.close();
    const reopened = SqliteReplayCache.open(path, { clock: () => 100 });
    expect(reopened.size).toBe(1);
    reopened.close();
  });

  it('refuses bad arguments, a newer schema and files that are not databases', () => {
    const c = SqliteReplayCache.open(file());
    expect(caught(() => c.checkAndRemember('', 1)).code).toBe('QT_RANGE');
    expect(caught(() => c.checkAndRemember('a', 1.5)).code).toBe('QT_TYPE');
    c.close();
    expect(caught(() => SqliteReplayCache.open('')).code).toBe('QT_TYPE');
    expect(caught(() => SqliteReplayCache.open(file(), { pruneEvery: 0 })).code).toBe('QT_RANGE');
    const newer = file();
    const db = new Database(newer);
    db.pragma(`user_version = ${REPLAY_SCHEMA_VERSION + 1}`);
    db.close();
    expect(caught(() => SqliteReplayCache.open(newer)).code).toBe('QT_REPLAY_CACHE_VERSION');
    const junk = file();
    writeFileSync(junk, 'this is not a database, just some text that is long enough to have a header');
    expect(() => SqliteReplayCache.open(junk)).toThrow();
  });

  it('makes verifyGrant single-use across restarts', () => {
    const issuer = [key('ed25519', 40), key('ml-dsa-65', 41)];
    const grant = issueGrant({
      decision: 'allow',
      requestHash: REQUEST_HASH,
      audience: 'deployer@prod',
      nonce: new Uint8Array(16).fill(1),
      issuedAt: T0,
      signers: issuer,
    });
    const path = file();
    const opts = (replay: SqliteReplayCache) => ({
      issuerKeys: issuer.map(pub),
      audience: 'deployer@prod',
      requestHash: REQUEST_HASH,
      now: T0 + 5,
      replay,
    });
    const first = SqliteReplayCache.open(path, { clock: () => T0 });
    expect(verifyGrant(grant, opts(first)).expiresAt).toBe(T0 + 300);
    expect(caught(() => verifyGrant(grant, opts(first))).code).toBe('QT_GRANT_REPLAYED');
    first.close();
    const second = SqliteReplayCache.open(path, { clock: () => T0 + 100 });
    expect(caught(() => verifyGrant(grant, opts(second))).code).toBe('QT_GRANT_REPLAYED');
    second.close();
  });
});
