/**
 * A pool of worker threads for the verifier's order-independent record checks (two workers use
 * both cores here: PLATFORM.md measured two workers nearly doubling verification throughput).
 *
 * The worker script is found next to this module: `verify-worker.mjs` in the CLI bundle
 * (out/cli/), or `verify-worker.ts` when running from the TypeScript sources (vitest, tsx), which
 * is loaded through tsx's tsImport. When neither is available, or a worker fails to start, the
 * checks run in the calling thread instead: slower, never different.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { QtError } from '../../src-shared/errors.js';
import type { RawLine } from '../../src-shared/bundle/split.js';
import type { LineContext, LineResult } from '../../src-shared/verify/record-line.js';
import { inThreadChecker, type LineChecker } from '../../src-shared/verify/pipeline.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { storeHashes } from './hashes.js';
import { decodeResults, encodeLines, transferList, type WireResults } from './verify-wire.js';

export interface WorkerScript {
  readonly url: URL;
  /** TypeScript source: load through tsx. */
  readonly typescript: boolean;
}

/** The worker script beside this module, or null when there is none. */
export function findWorkerScript(base: string = import.meta.url): WorkerScript | null {
  for (const [name, typescript] of [
    ['./verify-worker.mjs', false],
    ['./verify-worker.ts', true],
  ] as const) {
    const url = new URL(name, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { url, typescript };
  }
  return null;
}

export interface PoolChecker extends LineChecker {
  /** Worker threads in use (0: the checks run in this thread). */
  readonly workers: number;
  /** Lines checked so far by each worker thread (empty when the checks run in this thread). */
  readonly linesPerWorker: readonly number[];
  close(): Promise<void>;
}

interface Job {
  resolve: (r: LineResult[]) => void;
  reject: (e: unknown) => void;
}

/**
 * A worker's live data is one batch of lines and its results (well under a megabyte), so a young
 * generation of 16 MB is plenty. Measured on the 1,000,000-record bench (bench/verify.bench.ts), a
 * larger one (48 MB) let the process's peak RSS reach about 292 MiB, over the 300 MB target; 16 MB
 * kept it near 272 MiB at the same CPU time (8 MB and below cost more CPU in scavenges).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

function spawn(script: WorkerScript, ctx: LineContext): Worker {
  if (!script.typescript)
    return new Worker(script.url, { workerData: { ctx }, resourceLimits: WORKER_LIMITS });
  const code = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(script.url.href)}, ${JSON.stringify(script.url.href)}))`;
  return new Worker(code, { eval: true, workerData: { ctx } });
}

/** Starts one worker; resolves when it said ready, rejects when it failed to load. */
function start(script: WorkerScript, ctx: LineContext): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = spawn(script, ctx);
    const fail = (e: unknown): void => {
      void w.terminate();
      reject(e instanceof Error ? e : new Error(`worker exited with code ${String(e)}`));
    };
    w.once('error', fail);
    w.once('exit', fail);
    w.once('message', (m: { type?: string }) => {
      w.off('error', fail);
      w.off('exit', fail);
      if (m.type === 'ready') resolve(w);
      else fail(new Error('worker did not start'));
    });
  });
}

/**
 * A checker over `count` workers (0: in this thread). Falls back to the calling thread when the
 * script is missing or a worker fails to start; `workers` tells which happened.
 */
export async function createPool(
  ctx: LineContext,
  count: number,
  script: WorkerScript | null = findWorkerScript(),
): Promise<PoolChecker> {
  const local = inThreadChecker(ctx, storeHashes, nodeSuiteBackend);
  const inThread: PoolChecker = {
    workers: 0,
    linesPerWorker: [],
    check: local.check,
    close: async () => undefined,
  };
  if (count <= 0 || script === null) return inThread;
  let workers: Worker[];
  try {
    workers = await Promise.all(Array.from({ length: count }, () => start(script, ctx)));
  } catch {
    return inThread;
  }
  const jobs = new Map<number, Job>();
  let nextId = 0;
  let broken: Error | undefined;
  let closing = false;
  const load = workers.map(() => 0);
  const done = workers.map(() => 0);
  workers.forEach((w, i) => {
    w.on('message', (m: { id: number; results?: WireResults; error?: string }) => {
      const job = jobs.get(m.id);
      /* v8 ignore next */
      if (job === undefined) return;
      jobs.delete(m.id);
      load[i] = (load[i] as number) - 1;
      if (m.results !== undefined) {
        const results = decodeResults(m.results);
        done[i] = (done[i] as number) + results.length;
        job.resolve(results);
      } else job.reject(new Error(`verify worker failed: ${m.error ?? 'unknown error'}`));
    });
    const lost = (e: Error): void => {
      broken = e;
      for (const job of jobs.values()) job.reject(e);
      jobs.clear();
    };
    w.on('error', lost);
    w.on('exit', (code) => {
      if (!closing) lost(new Error(`verify worker exited with code ${code}`));
    });
  });
  return {
    workers: workers.length,
    linesPerWorker: done,
    check(lines: readonly RawLine[]): Promise<LineResult[]> {
      if (broken !== undefined) return Promise.reject(broken);
      // The least busy worker takes the batch.
      let i = 0;
      for (let j = 1; j < workers.length; j++) if ((load[j] as number) < (load[i] as number)) i = j;
      load[i] = (load[i] as number) + 1;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        jobs.set(id, { resolve, reject });
        const wire = encodeLines(lines);
        (workers[i] as Worker).postMessage({ id, lines: wire }, transferList(wire));
      });
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
      for (const job of jobs.values())
        job.reject(new QtError('QT_VERIFY_ABORTED', 'the verifier was closed'));
    },
  };
}
