/**
 * `qtrust evidence export` and `qtrust verify` as a user runs them: exit codes 0/1/2, a --json
 * report that parses, no stack traces, partial bundles that verify and say what they cannot
 * prove. In-process through runCli, plus the esbuild bundle with its worker file (the path the
 * shipped CLI takes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src-main/cli/commands/index.js';
import { scopeFromOptions } from '../../../src-main/cli/commands/evidence-export.js';
import { createVerifyCommand, verifyCommand } from '../../../src-main/cli/commands/verify.js';
import { runCli } from '../../../src-main/cli/run.js';
import type { CliIo } from '../../../src-main/cli/context.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../../../src-main/keys/keyfile.js';
import { verifyBundleDir } from '../../../src-main/evidence/verify-files.js';
import { findWorkerScript } from '../../../src-main/evidence/verify-pool.js';
import { parseTrust } from '../../../src-shared/verify/trust.js';
import { ORIGIN, buildLog, keyJson, tempDir, trustJson, writeJson } from './fixture.js';
import type { SecretKeyEntry } from '../../../src-shared/sign/index.js';

const repo = resolve(import.meta.dirname, '../../..');
let tmp: string;
let db: string;
let keyDir: string;
let trustPath: string;
let producer: SecretKeyEntry[];

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (d) => void (stdout += typeof d === 'string' ? d : Buffer.from(d).toString()),
    stderr: (t) => void (stderr += t),
    readStdin: async () => new Uint8Array(0),
    isTTY: false,
    promptHidden: async () => '',
    env: opts.env ?? {},
  };
  const verify = opts.tty === true ? createVerifyCommand({ stderrIsTTY: () => true }) : verifyCommand;
  // COMMANDS already lists verify: swap in the variant under test rather than shadowing it.
  const commands = [...COMMANDS.filter((c) => c !== verifyCommand), verify];
  const code = await runCli(args, io, commands, { version: 'test' });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tmp = tempDir('qtrust-verify-cli-');
  keyDir = join(tmp, 'producer');
  const gen = await run([
    'key',
    'generate',
    '--suite',
    'ed25519+ml-dsa-65',
    '--out',
    keyDir,
    '--insecure-plaintext',
  ]);
  expect(gen.code).toBe(0);
  const { path, set } = await readSecretKeySetFile(keyDir);
  producer = [...(await openSecretKeySetFile(path, set, undefined)).keys];
  db = await buildLog(tmp, { signers: producer });
  trustPath = writeJson(join(tmp, 'trust.json'), trustJson(producer.map((k) => keyJson(k))));
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function noStack(o: Out): void {
  expect(`${o.stdout}${o.stderr}`).not.toMatch(/\n\s+at /);
}

describe('qtrust evidence export + verify (in process)', () => {
  it('exports a full bundle that verifies (exit 0), text and --json', async () => {
    const out = join(tmp, 'full');
    const e = await run([
      'evidence',
      'export',
      '--log',
      ORIGIN,
      '--key',
      keyDir,
      '--db',
      db,
      '--out',
      out,
      '--json',
    ]);
    expect(e.code, e.stderr + e.stdout).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ log: ORIGIN, scope: { type: 'full' }, records: 300 });
    const v = await run(['verify', out, '--trust', trustPath]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('result: VALID');
    expect(v.stdout).toMatch(/anchors\s+not-checked/);
    const j = await run(['verify', out, '--trust', trustPath, '--json', '--workers', '0']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout) as { ok: boolean; stages: { stage: string }[] };
    expect(report.ok).toBe(true);
    expect(report.stages.map((s) => s.stage)).toEqual([
      'format',
      'record-hashes',
      'chain-links',
      'embedded-signatures',
      'merkle-inclusion',
      'checkpoint-signatures',
      'checkpoint-consistency',
      'anchors',
    ]);
    noStack(v);
  });

  it('range and subject bundles verify and state what they cannot prove', async () => {
    const r = join(tmp, 'range');
    expect(
      (
        await run([
          'evidence',
          'export',
          '--log',
          ORIGIN,
          '--key',
          keyDir,
          '--db',
          db,
          '--out',
          r,
          '--from',
          '10',
          '--to',
          '19',
        ])
      ).code,
    ).toBe(0);
    const rv = await run(['verify', r, '--trust', trustPath, '--json']);
    expect(rv.code).toBe(0);
    const rr = JSON.parse(rv.stdout) as { records: number; cannotProve: string[]; scope: unknown };
    expect(rr.records).toBe(10);
    expect(rr.scope).toEqual({ type: 'range', from: 10, to: 20 });
    expect(rr.cannotProve.join('\n')).toContain('record 10 links to record 9');
    const s = join(tmp, 'subject');
    expect(
      (
        await run([
          'evidence',
          'export',
          '--log',
          ORIGIN,
          '--key',
          keyDir,
          '--db',
          db,
          '--out',
          s,
          '--subject',
          'svc-a',
        ])
      ).code,
    ).toBe(0);
    const sv = await run(['verify', s, '--trust', trustPath]);
    expect(sv.code).toBe(0);
    expect(sv.stdout).toContain('this bundle cannot prove:');
    expect(sv.stdout).toContain('no record about subject "svc-a" was withheld');
  });

  it('exit 1 for a damaged bundle, naming stage, code and seq', async () => {
    const out = join(tmp, 'damaged');
    await run(['evidence', 'export', '--log', ORIGIN, '--key', keyDir, '--db', db, '--out', out]);
    const file = join(out, 'records.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"note":"event 42"', '"note":"event 24"'));
    const v = await run(['verify', out, '--trust', trustPath]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('[record-hashes] QT_VERIFY_RECORD_HASH (seq 42, records.jsonl:43)');
    expect(v.stdout).toContain('result: INVALID');
    const j = await run(['verify', out, '--trust', trustPath, '--json']);
    expect(j.code).toBe(1);
    expect((JSON.parse(j.stdout) as { failures: { seq: number }[] }).failures[0]?.seq).toBe(42);
    noStack(v);
  });

  it('a trust file whose keys are out of range fails the checkpoints (exit 1)', async () => {
    const out = join(tmp, 'full');
    const limited = writeJson(
      join(tmp, 'limited.json'),
      trustJson(producer.map((k) => keyJson(k, { maxTreeSize: 100 }))),
    );
    const v = await run(['verify', out, '--trust', limited, '--json']);
    expect(v.code).toBe(1);
    const codes = (JSON.parse(v.stdout) as { failures: { code: string }[] }).failures.map((f) => f.code);
    expect(codes).toContain('QT_VERIFY_KEY_OUT_OF_RANGE');
    expect(codes).toContain('QT_VERIFY_NO_TRUSTED_KEY');
  });

  it('exit 2: bad arguments, unreadable paths, unusable trust file, not a bundle', async () => {
    const out = join(tmp, 'full');
    const cases: string[][] = [
      ['verify', out],
      ['verify', out, '--trust', join(tmp, 'missing.json')],
      ['verify', join(tmp, 'nope'), '--trust', trustPath],
      ['verify', keyDir, '--trust', trustPath],
      ['verify', out, '--trust', trustPath, '--workers', 'many'],
      ['verify', out, '--trust', writeJson(join(tmp, 'bad-trust.json'), { version: 2 })],
      ['verify', out, '--trust', writeJson(join(tmp, 'empty-trust.json'), { version: 1, logs: [] })],
      ['evidence', 'export', '--log', ORIGIN, '--key', keyDir, '--out', join(tmp, 'x')],
      [
        'evidence',
        'export',
        '--log',
        'qtrust.local/unknown',
        '--key',
        keyDir,
        '--db',
        db,
        '--out',
        join(tmp, 'y'),
      ],
      ['evidence', 'export', '--log', ORIGIN, '--key', keyDir, '--db', db, '--out', out],
      [
        'evidence',
        'export',
        '--log',
        ORIGIN,
        '--key',
        keyDir,
        '--db',
        db,
        '--out',
        join(tmp, 'z'),
        '--from',
        '5',
      ],
      [
        'evidence',
        'export',
        '--log',
        ORIGIN,
        '--key',
        keyDir,
        '--db',
        db,
        '--out',
        join(tmp, 'z'),
        '--from',
        '5',
        '--to',
        '999',
      ],
    ];
    for (const args of cases) {
      const o = await run(args);
      expect(o.code, args.join(' ') + o.stdout + o.stderr).toBe(2);
      expect(o.stderr).toMatch(/^qtrust: error QT_[A-Z_]+: /);
      noStack(o);
    }
    const j = await run(['verify', join(tmp, 'nope'), '--trust', trustPath, '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, code: 'QT_IO' });
  });

  it('finds the tenant database under QTRUST_HOME', async () => {
    const home = join(tmp, 'home');
    mkdirSync(join(home, 'tenants', 'acme'), { recursive: true });
    writeFileSync(join(home, 'tenants', 'acme', 'evidence.db'), readFileSync(db));
    const out = join(tmp, 'from-home');
    const e = await run(['evidence', 'export', '--log', ORIGIN, '--key', keyDir, '--out', out], {
      env: { QTRUST_HOME: home, QTRUST_TENANT: 'acme' },
    });
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain('exported 300 records');
  });

  it('draws a progress bar on stderr only when it is a terminal', async () => {
    const out = join(tmp, 'full');
    const tty = await run(['verify', out, '--trust', trustPath], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('100% 300/300 records');
    expect((await run(['verify', out, '--trust', trustPath])).stderr).toBe('');
  });

  it('scope options', () => {
    expect(scopeFromOptions({})).toEqual({ type: 'full' });
    expect(scopeFromOptions({ from: '3', to: '3' })).toEqual({ type: 'range', from: 3, to: 4 });
    expect(() => scopeFromOptions({ from: '3', to: '2' })).toThrow(/--to must not be below/);
    expect(() => scopeFromOptions({ from: '-1', to: '2' })).toThrow(/--from must be a record seq/);
    expect(() => scopeFromOptions({ subject: 'a', from: '1', to: '2' })).toThrow(/not both/);
  });
});

describe('worker threads', () => {
  it('uses workers from the TypeScript sources, shares the checks with them, and falls back to this thread without a script', async () => {
    const trust = parseTrust(readFileSync(trustPath, 'utf8'));
    const out = join(tmp, 'full');
    expect(findWorkerScript()?.typescript).toBe(true);
    const pooled = await verifyBundleDir(out, { trust, workers: 2, batchSize: 16 });
    expect(pooled.workers).toBe(2);
    expect(pooled.report.ok).toBe(true);
    // Both workers checked record lines, and between them and this thread every line of the file.
    expect(pooled.linesPerWorker).toHaveLength(2);
    for (const n of pooled.linesPerWorker) expect(n).toBeGreaterThan(0);
    expect(pooled.linesPerWorker.reduce((a, b) => a + b, pooled.linesInThread)).toBe(300);
    const alone = await verifyBundleDir(out, { trust, workers: 2, workerScript: null });
    expect(alone.workers).toBe(0);
    expect(alone.linesPerWorker).toEqual([]);
    expect(alone.linesInThread).toBe(300);
    expect(alone.report).toEqual(pooled.report);
    // The default: one worker, and this thread checks the batches that find it busy. Lines of one
    // read chunk are submitted without a turn of the event loop, so the worker cannot have answered
    // when the third batch comes: this thread checks it (verify-pool.ts, CALLER_TAKES_AT).
    const shared = await verifyBundleDir(out, { trust, batchSize: 16 });
    expect(shared.workers).toBe(1);
    expect(shared.linesPerWorker[0]).toBeGreaterThanOrEqual(2 * 16);
    expect(shared.linesInThread).toBeGreaterThanOrEqual(16);
    expect((shared.linesPerWorker[0] as number) + shared.linesInThread).toBe(300);
    expect(shared.report).toEqual(pooled.report);
    // The same holds for a damaged bundle: the fallback is slower, never different.
    const damagedPooled = await verifyBundleDir(join(tmp, 'damaged'), { trust, workers: 2, batchSize: 16 });
    expect(damagedPooled.workers).toBe(2);
    expect(damagedPooled.report.ok).toBe(false);
    const damagedAlone = await verifyBundleDir(join(tmp, 'damaged'), { trust, workers: 0 });
    expect(damagedAlone.workers).toBe(0);
    expect(damagedAlone.report).toEqual(damagedPooled.report);
    const damagedShared = await verifyBundleDir(join(tmp, 'damaged'), { trust, batchSize: 16 });
    expect(damagedShared.linesInThread).toBeGreaterThan(0);
    expect(damagedShared.report).toEqual(damagedPooled.report);
    const broken = await verifyBundleDir(out, {
      trust,
      workers: 2,
      workerScript: { url: new URL('file:///nonexistent/verify-worker.mjs'), typescript: false },
    });
    expect(broken.workers).toBe(0);
    expect(broken.report.ok).toBe(true);
  });

  it('the bundled CLI runs its .mjs worker (exit 0 and 1, no stack traces)', async () => {
    const outdir = join(tmp, 'cli-bundle');
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: {
        qtrust: join(repo, 'test/integration/verify/cli-entry.ts'),
        'verify-worker': join(repo, 'src-main/evidence/verify-worker.ts'),
      },
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
      },
    });
    // Dependencies resolve from the repository's node_modules.
    execFileSync('ln', ['-s', join(repo, 'node_modules'), join(tmp, 'node_modules')]);
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [join(outdir, 'qtrust.mjs'), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const ok = cli(['verify', join(tmp, 'full'), '--trust', trustPath]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^record checks: 1 worker thread and the main thread \(\d+ \+ \d+ lines\)$/m);
    // The bundled CLI found out/verify-worker.mjs and its worker checked lines; --workers 0 gives
    // the identical report from the main thread.
    type Json = {
      ok: boolean;
      workers: { threads: number; linesPerWorker: number[]; linesInThread: number };
    };
    const pooled = cli(['verify', join(tmp, 'full'), '--trust', trustPath, '--json', '--workers', '2']);
    const { workers, ...pooledReport } = JSON.parse(pooled.stdout) as Json;
    expect(workers.threads).toBe(2);
    expect(workers.linesPerWorker.every((n) => n > 0)).toBe(true);
    expect(workers.linesPerWorker.reduce((a, b) => a + b, workers.linesInThread)).toBe(300);
    const alone = cli(['verify', join(tmp, 'full'), '--trust', trustPath, '--json', '--workers', '0']);
    const { workers: none, ...aloneReport } = JSON.parse(alone.stdout) as Json;
    expect(none).toEqual({ threads: 0, linesPerWorker: [], linesInThread: 300 });
    expect(aloneReport).toEqual(pooledReport);
    expect(pooledReport.ok).toBe(true);
    const bad = cli(['verify', join(tmp, 'damaged'), '--trust', trustPath, '--json']);
    expect(bad.status).toBe(1);
    expect((JSON.parse(bad.stdout) as Json).ok).toBe(false);
    expect((JSON.parse(bad.stdout) as Json).workers.threads).toBe(1);
    const usage = cli(['verify', join(tmp, 'full')]);
    expect(usage.status).toBe(2);
    for (const r of [ok, bad, usage]) expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
  });
});
