/**
 * The auditor's verifier at scale (issue 5): a full bundle of BENCH_VERIFY_RECORDS records (default
 * 1,000,000), a hybrid-signed checkpoint every 1,000 records, one record in ten carrying an
 * Ed25519-signed approval. `qtrust verify`'s code path (verifyBundleDir) runs in a child process
 * with its default (1 worker thread, the main thread sharing the record checks) and, for comparison,
 * with 2 workers and with none; the child reports wall time and its peak RSS (VmHWM). Targets:
 * 100,000 records/s or better with both cores, peak RSS under 300 MB.
 *
 * The peer in the same run is the floor: SHA-256 (node:crypto) over the bundle's bytes, read from
 * the same files; the printed ratio is verification time over floor time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CHECKPOINTS_FILE, MANIFEST_FILE, RECORDS_FILE } from '../src-shared/bundle/index.js';
import { benchBundle } from './verify-bundle.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  workers: number;
  linesPerWorker: number[];
  linesInThread: number;
  ok: boolean;
  records: number;
  checkpoints: number;
  failures: unknown[];
  peakRssMiB: number;
}

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the child and the verifier's worker as scripts/build-cli.mjs bundles the CLI. */
async function bundleChild(): Promise<{ script: string; dispose: () => void }> {
  const outdir = mkdtempSync(join(tmpdir(), 'qtrust-bench-verify-cli-'));
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: {
      'verify-child': join(repo, 'bench/verify-child.ts'),
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
      js: "import { createRequire as __qtCreateRequire } from 'node:module'; const require = __qtCreateRequire(import.meta.url);",
    },
  });
  // Dependencies resolve from the repository's node_modules, as they do for out/cli.
  symlinkSync(join(repo, 'node_modules'), join(outdir, 'node_modules'));
  return {
    script: join(outdir, 'verify-child.mjs'),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

function verifyInChild(script: string, dir: string, workers: number): ChildResult {
  const r = spawnSync(process.execPath, [script, dir, String(workers)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`verify child failed (${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop() as string) as ChildResult;
  if (!result.ok) throw new Error(`the bench bundle does not verify: ${JSON.stringify(result.failures)}`);
  return result;
}

async function sha256Floor(dir: string): Promise<{ seconds: number; bytes: number }> {
  const start = performance.now();
  let bytes = 0;
  for (const f of [MANIFEST_FILE, CHECKPOINTS_FILE, RECORDS_FILE]) {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(join(dir, f), { highWaterMark: 1 << 20 })) {
      h.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    h.digest();
  }
  return { seconds: (performance.now() - start) / 1000, bytes };
}

export default async function (): Promise<void> {
  const records = envInt('BENCH_VERIFY_RECORDS', 1_000_000);
  const params = { records, checkpointEvery: 1000, approvalEvery: 10 };
  console.log(
    `\n## verify: ${records} records, a checkpoint every ${params.checkpointEvery}, 1 in ${params.approvalEvery} an approval`,
  );
  const t = performance.now();
  const dir = await benchBundle(params, (s) => console.log(s));
  const size = statSync(join(dir, RECORDS_FILE)).size + statSync(join(dir, CHECKPOINTS_FILE)).size;
  console.log(
    `bundle: ${dir} (${(size / 2 ** 20).toFixed(0)} MiB, ready in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  // Warm the page cache so that neither side pays for the first read.
  await sha256Floor(dir);
  const floor = await sha256Floor(dir);
  const child = await bundleChild();
  // The default (one worker, the main thread sharing the checks), two workers (the main thread
  // then rarely checks: verify-pool.ts, CALLER_TAKES_AT), and the main thread alone.
  let one: ChildResult;
  let two: ChildResult;
  let none: ChildResult;
  try {
    one = verifyInChild(child.script, dir, 1);
    two = verifyInChild(child.script, dir, 2);
    none = verifyInChild(child.script, dir, 0);
  } finally {
    child.dispose();
  }
  for (const [r, n] of [
    [one, 1],
    [two, 2],
  ] as const) {
    if (r.workers !== n) throw new Error(`expected ${n} worker threads, the verifier used ${r.workers}`);
  }
  const row = (name: string, r: ChildResult): [string, number, string, string] => [
    r.workers === 0
      ? name
      : `${name} (${[...r.linesPerWorker, r.linesInThread].map((n) => n.toLocaleString('en-US')).join(' + ')} lines)`,
    r.seconds,
    r.cpuSeconds.toFixed(2),
    `${r.peakRssMiB.toFixed(0)} MiB`,
  ];
  const rows: [string, number, string, string][] = [
    ['SHA-256 of the bundle bytes (floor, 1 thread)', floor.seconds, '-', '-'],
    row('verify, 1 worker thread + the main thread (default)', one),
    row('verify, 2 worker threads + the main thread', two),
    row('verify, main thread only', none),
  ];
  console.log(
    `load average before the runs: ${loadavg()[0]?.toFixed(2)} (2 cores: above 2, wall times are inflated)`,
  );
  console.log(`| run | wall s | CPU s (all threads) | records/s | peak RSS | x floor |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
  for (const [name, s, cpu, rss] of rows) {
    console.log(
      `| ${name} | ${s.toFixed(2)} | ${cpu} | ${Math.round(records / s).toLocaleString('en-US')} | ${rss} | ${(s / floor.seconds).toFixed(1)} |`,
    );
  }
  const rate = records / one.seconds;
  console.log(
    `targets (default, both cores): ${Math.round(rate).toLocaleString('en-US')} records/s (target >= 100,000: ${rate >= 100_000 ? 'met' : 'NOT met'}); ` +
      `peak RSS ${one.peakRssMiB.toFixed(0)} MiB (target < 300 MB: ${one.peakRssMiB * 1.048576 < 300 ? 'met' : 'NOT met'}); ` +
      `both cores vs main thread only: ${(none.seconds / one.seconds).toFixed(2)}x`,
  );
}
