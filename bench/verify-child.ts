/**
 * Child process of bench/verify.bench.ts: runs `qtrust verify`'s code path (verifyBundleDir) once
 * on a bundle folder and prints one JSON line: wall time, worker count, the report's verdict and
 * the process's peak resident set (VmHWM, which covers the worker threads: they share the process).
 *
 * The bench runs it bundled by esbuild beside the bundled worker (verify-worker.mjs), as the
 * shipped CLI runs (scripts/build-cli.mjs): no TypeScript loader thread inflates time or memory.
 * CPU time (all threads) is reported beside wall time: on a loaded machine it is the steadier figure.
 *
 * Usage: node verify-child.mjs BUNDLE_DIR WORKERS
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseTrust } from '../src-shared/verify/index.js';
import { verifyBundleDir } from '../src-main/evidence/verify-files.js';
import { benchTrustJson } from './verify-bundle.js';

const [dir, workersArg] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: verify-child.ts BUNDLE_DIR WORKERS');
const trust = parseTrust(benchTrustJson());
const start = performance.now();
const cpu0 = process.cpuUsage();
const { report, workers, linesPerWorker, linesInThread } = await verifyBundleDir(dir, {
  trust,
  workers: Number(workersArg ?? 1),
});
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const kib = (field: string): number =>
  Number(
    /(\d+) kB/.exec(
      readFileSync('/proc/self/status', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(field)) ?? '',
    )?.[1] ?? NaN,
  );
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    workers,
    linesPerWorker,
    linesInThread,
    ok: report.ok,
    records: report.records,
    checkpoints: report.checkpoints,
    failures: report.failures.slice(0, 3),
    peakRssMiB: kib('VmHWM:') / 1024,
  }),
);
