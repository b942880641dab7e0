/**
 * Finding and starting the store's and the verifier's worker-thread scripts. A script is found next
 * to the module that asks for it: `<stem>.mjs` in the CLI bundle (out/cli/, scripts/build-cli.mjs),
 * or `<stem>.ts` when running from the TypeScript sources (vitest, tsx), loaded through tsx's
 * tsImport. Callers fall back to their calling thread when there is no script or it fails to start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface WorkerScript {
  readonly url: URL;
  /** TypeScript source: load through tsx. */
  readonly typescript: boolean;
}

/** The script `<stem>.mjs` or `<stem>.ts` beside `base` (a module URL), or null when there is none. */
export function findScript(stem: string, base: string): WorkerScript | null {
  for (const [name, typescript] of [
    [`./${stem}.mjs`, false],
    [`./${stem}.ts`, true],
  ] as const) {
    const url = new URL(name, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { url, typescript };
  }
  return null;
}

/** Starts `script` with `workerData` (resource limits apply to bundled scripts; tsx needs its own). */
export function spawnWorker(script: WorkerScript, workerData: unknown, limits?: ResourceLimits): Worker {
  if (!script.typescript) return new Worker(script.url, { workerData, resourceLimits: limits });
  const code = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(script.url.href)}, ${JSON.stringify(script.url.href)}))`;
  return new Worker(code, { eval: true, workerData });
}

/** Starts a worker and resolves once it posted {type: 'ready'}; rejects (and stops it) otherwise. */
export function startWorker(
  script: WorkerScript,
  workerData: unknown,
  limits?: ResourceLimits,
): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = spawnWorker(script, workerData, limits);
    const fail = (e: unknown): void => {
      void w.terminate();
      reject(e instanceof Error ? e : new Error(`worker exited with code ${String(e)}`));
    };
    w.once('error', fail);
    w.once('exit', fail);
    w.once('message', (m: { type?: string; error?: string }) => {
      w.off('error', fail);
      w.off('exit', fail);
      if (m.type === 'ready') resolve(w);
      else fail(new Error(m.error ?? 'worker did not start'));
    });
  });
}
