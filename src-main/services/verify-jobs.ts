/**
 * The Verify section's service: a bundle folder and a trust file chosen through the dialog port,
 * then a verification job whose progress the renderer polls (docs/app.md, "Evidence and Verify").
 *
 * Trust boundary: the renderer names a bundle or trust file only by an id minted here when the
 * person picked it in the dialog; it never sends a path, so a compromised renderer can verify
 * only what the person chose, and cannot make main read an arbitrary file. Ids are 128-bit random
 * so they cannot be guessed across choices either. Choices and finished jobs are kept in small
 * bounded maps (oldest dropped first).
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { bytesToHex } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import type { TrustRoots, VerifyReport } from '../../src-shared/verify/index.js';
import { readTrustFile } from '../cli/commands/verify.js';
import { DEFAULT_WORKERS, verifyBundleDir } from '../evidence/verify-files.js';
import type { WorkerScript } from '../evidence/verify-pool.js';
import type { DialogPort } from './dialog-port.js';

export type BundleChoice = ResponseOf<'writeChooseBundle'>;
export type TrustChoice = ResponseOf<'writeChooseTrust'>;
export type VerifyJobStatus = ResponseOf<'readVerifyJob'>;
type ReportView = NonNullable<VerifyJobStatus['report']>;

export interface VerifyJobsOptions {
  readonly dialog: DialogPort;
  /** Worker threads per job (default DEFAULT_WORKERS, with main's thread sharing; 0: main's thread only). */
  readonly workers?: number;
  readonly workerScript?: WorkerScript | null;
  /** Random bytes for ids (default node:crypto). */
  readonly random?: (n: number) => Uint8Array;
}

/** Choices of each kind and jobs kept; the oldest goes first. */
export const MAX_KEPT = 16;
const MAX_MESSAGE = 2048;

interface Job {
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  report: ReportView | null;
  error: { code: `QT_${string}`; message: string } | null;
  finished: Promise<void>;
}

const clip = (s: string): string => (s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE - 1) + '…' : s);

function remember<V>(map: Map<string, V>, id: string, value: V, keep: (v: V) => boolean = () => false): void {
  map.set(id, value);
  for (const [k, v] of map) {
    if (map.size <= MAX_KEPT) break;
    if (!keep(v)) map.delete(k);
  }
}

/** The report in the contract's bounds: messages clipped (the pipeline's are short already). */
function boundedReport(r: VerifyReport): ReportView {
  return {
    ...r,
    stages: r.stages.map((s) => (s.note === undefined ? s : { ...s, note: clip(s.note) })),
    failures: r.failures.map((f) => ({ ...f, message: clip(f.message) })),
    head: r.head === null ? null : { ...r.head },
    scope: r.scope === null ? null : { ...r.scope },
    cannotProve: r.cannotProve.slice(0, 64).map(clip),
  };
}

export class VerifyJobs {
  readonly #dialog: DialogPort;
  readonly #workers: number;
  readonly #workerScript: WorkerScript | null | undefined;
  readonly #random: (n: number) => Uint8Array;
  readonly #bundles = new Map<string, string>();
  readonly #trusts = new Map<string, TrustRoots>();
  readonly #jobs = new Map<string, Job>();

  constructor(options: VerifyJobsOptions) {
    if (
      typeof options?.dialog?.chooseBundleFolder !== 'function' ||
      typeof options.dialog.chooseTrustFile !== 'function'
    ) {
      throw new QtError('QT_TYPE', 'options.dialog must be a DialogPort', { path: 'dialog' });
    }
    this.#dialog = options.dialog;
    this.#workers = options.workers ?? DEFAULT_WORKERS;
    this.#workerScript = options.workerScript;
    this.#random = options.random ?? ((n) => new Uint8Array(randomBytes(n)));
  }

  #id(): string {
    return bytesToHex(this.#random(16));
  }

  static #checkPath(path: unknown, what: string): string {
    if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) {
      throw new QtError('QT_DIALOG', `the dialog answered an unusable ${what} path`, { path: what });
    }
    return path;
  }

  /** Asks for a bundle folder; answers its id, or null when the person cancelled. */
  async chooseBundle(): Promise<BundleChoice> {
    const chosen = await this.#dialog.chooseBundleFolder();
    if (chosen === null) return { bundle: null };
    const path = VerifyJobs.#checkPath(chosen, 'bundle');
    const st = await stat(path).catch(() => null);
    if (st === null || !st.isDirectory()) {
      throw new QtError('QT_BUNDLE_NOT_FOUND', `${path} is not a folder`, { path });
    }
    const id = this.#id();
    remember(this.#bundles, id, path);
    return { bundle: { id, name: basename(path), path } };
  }

  /** Asks for a trust file, reads and parses it now (QT_TRUST_INVALID, QT_IO), and pins it under an id. */
  async chooseTrust(): Promise<TrustChoice> {
    const chosen = await this.#dialog.chooseTrustFile();
    if (chosen === null) return { trust: null };
    const path = VerifyJobs.#checkPath(chosen, 'trust');
    const roots = await readTrustFile(path);
    const id = this.#id();
    remember(this.#trusts, id, roots);
    return { trust: { id, name: basename(path), path, logs: [...roots.logs.keys()].slice(0, 1024) } };
  }

  /** Starts verifying; one job at a time (QT_VERIFY_BUSY), ids from earlier choices only. */
  start(request: RequestOf<'writeStartVerify'>): { job: string } {
    const path = this.#bundles.get(request.bundle);
    if (path === undefined) {
      throw new QtError('QT_CHOICE_UNKNOWN', 'no bundle was chosen under that id: open the bundle again', {
        path: 'bundle',
      });
    }
    const trust = this.#trusts.get(request.trust);
    if (trust === undefined) {
      throw new QtError('QT_CHOICE_UNKNOWN', 'no trust file was chosen under that id: choose it again', {
        path: 'trust',
      });
    }
    if ([...this.#jobs.values()].some((j) => j.state === 'running')) {
      throw new QtError('QT_VERIFY_BUSY', 'a verification is already running; wait for it to finish');
    }
    const id = this.#id();
    const job: Job = {
      state: 'running',
      done: 0,
      total: 0,
      report: null,
      error: null,
      finished: Promise.resolve(),
    };
    job.finished = verifyBundleDir(path, {
      trust,
      workers: this.#workers,
      ...(this.#workerScript === undefined ? {} : { workerScript: this.#workerScript }),
      onProgress: (done, total) => {
        job.done = done;
        job.total = total;
      },
    }).then(
      ({ report }) => {
        job.report = boundedReport(report);
        job.done = Math.max(job.done, report.records);
        job.total = Math.max(job.total, job.done);
        job.state = 'done';
      },
      (e: unknown) => {
        job.error = isQtError(e)
          ? { code: e.code, message: clip(e.message) }
          : { code: 'QT_INTERNAL', message: 'verification stopped on an internal error' };
        job.state = 'failed';
      },
    );
    remember(this.#jobs, id, job, (j) => j.state === 'running');
    return { job: id };
  }

  status(request: RequestOf<'readVerifyJob'>): VerifyJobStatus {
    const job = this.#jobs.get(request.job);
    if (job === undefined)
      throw new QtError('QT_JOB_NOT_FOUND', 'no verify job has that id', { path: 'job' });
    return { state: job.state, done: job.done, total: job.total, report: job.report, error: job.error };
  }

  /** Waits for running jobs (so a test or shutdown does not leave workers behind). */
  async close(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((j) => j.finished));
  }
}
