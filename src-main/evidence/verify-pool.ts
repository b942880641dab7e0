/**
 * A pool of worker threads for the verifier's order-independent record checks. The calling thread
 * shares the work: when every worker already has CALLER_TAKES_AT batches waiting, it checks the next
 * batch itself. So one worker and the calling thread use both cores of a 2-core machine with one
 * V8 heap fewer than two workers (docs/verify.md, "Performance": about the same speed, 30 to 70 MiB
 * less peak memory in the bench), and on more cores more workers can be asked for.
 *
 * The worker script is found next to this module (worker-script.ts): `verify-worker.mjs` in the CLI
 * bundle, `verify-worker.ts` from the TypeScript sources. When neither is available, or a worker
 * fails to start, the checks run in the calling thread instead: slower, never different.
 */
import type { Worker } from 'node:worker_threads';
import { QtError } from '../../src-shared/errors.js';
import type { RawLine } from '../../src-shared/bundle/split.js';
import type { LineContext, LineResult } from '../../src-shared/verify/record-line.js';
import { inThreadChecker, type LineChecker } from '../../src-shared/verify/pipeline.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { storeHashes } from './hashes.js';
import { decodeResults, encodeLines, transferList, type WireResults } from './verify-wire.js';
import { findScript, startWorker, type WorkerScript } from './worker-script.js';

export type { WorkerScript } from './worker-script.js';

/** The verifier's worker script beside this module, or null when there is none. */
export function findWorkerScript(base: string = import.meta.url): WorkerScript | null {
  return findScript('verify-worker', base);
}

export interface PoolChecker extends LineChecker {
  /** Worker threads in use (0: the checks run in this thread). */
  readonly workers: number;
  /** Lines checked so far by each worker thread (empty when the checks run in this thread). */
  readonly linesPerWorker: readonly number[];
  /** Lines checked so far by the calling thread itself (all of them when there is no worker). */
  readonly linesInThread: number;
  close(): Promise<void>;
}

/**
 * The calling thread checks a batch itself when every worker has this many batches waiting: one to
 * work on and one queued, so a worker never waits for the calling thread between two batches.
 */
export const CALLER_TAKES_AT = 2;

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
  let linesInThread = 0;
  const checkHere = (lines: readonly RawLine[]): Promise<LineResult[]> => {
    linesInThread += lines.length;
    return local.check(lines);
  };
  const inThread: PoolChecker = {
    workers: 0,
    linesPerWorker: [],
    get linesInThread() {
      return linesInThread;
    },
    check: checkHere,
    close: async () => undefined,
  };
  if (count <= 0 || script === null) return inThread;
  let workers: Worker[];
  try {
    workers = await Promise.all(
      Array.from({ length: count }, () => startWorker(script, { ctx }, WORKER_LIMITS)),
    );
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
    get linesInThread() {
      return linesInThread;
    },
    check(lines: readonly RawLine[]): Promise<LineResult[]> {
      if (broken !== undefined) return Promise.reject(broken);
      // The least busy worker takes the batch, unless all are busy enough: then this thread does.
      let i = 0;
      for (let j = 1; j < workers.length; j++) if ((load[j] as number) < (load[i] as number)) i = j;
      if ((load[i] as number) >= CALLER_TAKES_AT) return checkHere(lines);
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
