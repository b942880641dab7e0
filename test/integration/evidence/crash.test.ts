/**
 * Crash safety: a writer process (crash-writer.ts) appends in a loop and prints each seq once its
 * commit returned; we SIGKILL it at a random moment, then reopen the same database. After every
 * kill: every seq the writer reported is present, the store's tail check passes on open, the
 * whole chain and the latest checkpoint verify, and SQLite's integrity_check is ok. The same file
 * is reused across trials, so each trial also reopens a log that survived all earlier crashes.
 * Every other trial commits through the store's writer thread (a worker thread of its own).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainVerifier } from '../../../src-shared/evidence/chain.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { testSigners } from './producer.js';

const here = dirname(fileURLToPath(import.meta.url));
const TRIALS = 50;
const ORIGIN = 'qtrust.local/crash/test';
const dir = mkdtempSync(join(tmpdir(), 'qtrust-crash-'));
const path = join(dir, 'tenant.db');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic PRNG (mulberry32), so a failing trial can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Trial {
  readonly reported: number;
  readonly maxSeq: number;
  /** How the writer committed, as it said on its first line (undefined: killed before that). */
  readonly mode: 'thread' | 'inline' | undefined;
}

/** Runs the writer, kills it `delayMs` after its first committed line (or after start when `early`). */
function runWriter(delayMs: number, early: boolean, thread: boolean): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      join(here, 'crash-writer.ts'),
      path,
      ORIGIN,
      ...(thread ? ['thread'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let mode: Trial['mode'];
    let buffered = '';
    let reported = 0;
    let maxSeq = -1;
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    if (early) timer = setTimeout(kill, delayMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('open ')) {
          mode = line.endsWith(' thread') ? 'thread' : 'inline';
          continue;
        }
        const seq = Number(line);
        if (!Number.isSafeInteger(seq)) continue;
        reported++;
        maxSeq = Math.max(maxSeq, seq);
        if (timer === undefined) timer = setTimeout(kill, delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A writer that dies on its own (an exception) is a failure, not a crash we caused.
    const guard = setTimeout(kill, 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${stderr}`));
      else resolve({ reported, maxSeq, mode });
    });
  });
}

describe('evidence store crash safety', () => {
  it(`keeps every reported record across ${TRIALS} SIGKILLs`, async () => {
    const rand = prng(20261126);
    let everReported = -1;
    let totalReported = 0;
    const reportedBy = { thread: 0, inline: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      // One trial in ten is killed during start-up (opening, migrating, verifying the tail).
      const early = trial % 10 === 9;
      const delay = early ? Math.floor(rand() * 1500) : Math.floor(rand() * 250);
      // Every other trial commits through the store's writer thread.
      const thread = trial % 2 === 1;
      const { reported, maxSeq, mode } = await runWriter(delay, early, thread);
      if (mode !== undefined) {
        expect(mode, `trial ${trial}`).toBe(thread ? 'thread' : 'inline');
        reportedBy[mode] += reported;
      }
      totalReported += reported;
      everReported = Math.max(everReported, maxSeq);

      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true }), `trial ${trial}`).toBe('ok');
      db.close();

      const log = EvidenceLog.open(path, { origin: ORIGIN, signers: testSigners(), timer: false });
      // Every seq ever reported committed is present (seqs are contiguous, so the size says it).
      expect(log.size, `trial ${trial}`).toBeGreaterThan(everReported);
      log.verifyAll();
      const chain = new ChainVerifier({ log: ORIGIN });
      for (const r of log.records()) chain.push(r.bytes);
      expect(chain.count).toBe(log.size);
      const cp = log.latestCheckpoint();
      if (cp !== null) expect(cp.size).toBeLessThanOrEqual(log.size);
      await log.close();
    }
    // The test is only meaningful if the writer really committed work between kills.
    expect(totalReported).toBeGreaterThan(TRIALS);
    expect(reportedBy.thread).toBeGreaterThan(TRIALS / 2);
    expect(reportedBy.inline).toBeGreaterThan(TRIALS / 2);
  }, 600_000);
});
