/**
 * The verifier's file side: a bundle folder on disk to the pure pipeline (src-shared/verify).
 * manifest.json is read whole (it is small and capped); records.jsonl and checkpoints.jsonl are
 * streamed in 64 KiB chunks through the bounded line splitter, so memory does not grow with the
 * size of the bundle. Errors that mean "this is not a bundle" or "cannot read it" are QtErrors
 * (exit 2); everything else about the bundle's content is a failure in the report (exit 1).
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { QtError } from '../../src-shared/errors.js';
import {
  CHECKPOINTS_FILE,
  MANIFEST_FILE,
  MAX_LINE_BYTES,
  MAX_MANIFEST_BYTES,
  RECORDS_FILE,
  splitLines,
  type RawLine,
} from '../../src-shared/bundle/index.js';
import {
  verifyBundle,
  type AnchorChecker,
  type VerifyReport,
  type TrustRoots,
} from '../../src-shared/verify/index.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { ioError } from '../io/read-file.js';
import { storeHashes } from './hashes.js';
import { createPool, findWorkerScript, type PoolChecker, type WorkerScript } from './verify-pool.js';

export interface VerifyFilesOptions {
  readonly trust: TrustRoots;
  /**
   * Worker threads (default 1: with the calling thread, which shares the record checks, both cores
   * of a 2-core machine; 0 checks in this thread only).
   */
  readonly workers?: number;
  /** The worker script (default: the one beside this module; null forces the calling thread). */
  readonly workerScript?: WorkerScript | null;
  readonly onProgress?: (done: number, total: number) => void;
  readonly batchSize?: number;
  /** Checks anchors on chain (the CLI's --rpc); absent: the anchors stage is "not checked". */
  readonly anchors?: AnchorChecker;
}

export interface VerifyFilesResult {
  readonly report: VerifyReport;
  /** Worker threads actually used. */
  readonly workers: number;
  /** Record lines checked by each worker thread (empty when none was used). */
  readonly linesPerWorker: readonly number[];
  /** Record lines checked by the calling thread itself. */
  readonly linesInThread: number;
}

/** Worker threads by default: one, and the calling thread shares the record checks (verify-pool.ts). */
export const DEFAULT_WORKERS = 1;

function notBundle(dir: string, why: string): QtError {
  return new QtError('QT_BUNDLE_NOT_FOUND', `${dir} is not an evidence bundle: ${why}`, { path: dir });
}

/** Reads at most `max + 1` bytes: enough for the parser to refuse an oversized manifest by itself. */
async function readCapped(path: string, max: number): Promise<Uint8Array> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw ioError(err, path);
  });
  try {
    const buf = new Uint8Array(max + 1);
    let len = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0 || (len += bytesRead) === buf.length) break;
    }
    return buf.slice(0, len);
  } catch (err) {
    throw ioError(err, path);
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function* chunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw ioError(err, path);
  } finally {
    stream.destroy();
  }
}

function lines(path: string): AsyncIterable<RawLine> {
  return splitLines(chunks(path), MAX_LINE_BYTES);
}

/** Verifies the bundle in folder `dir` against pinned trust roots. */
export async function verifyBundleDir(dir: string, options: VerifyFilesOptions): Promise<VerifyFilesResult> {
  const st = await stat(dir).catch((err: unknown) => {
    throw ioError(err, dir, 'open');
  });
  if (!st.isDirectory()) throw notBundle(dir, 'not a folder');
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!(await exists(manifestPath))) throw notBundle(dir, `it has no ${MANIFEST_FILE}`);
  const manifest = await readCapped(manifestPath, MAX_MANIFEST_BYTES);
  const recordsPath = join(dir, RECORDS_FILE);
  const checkpointsPath = join(dir, CHECKPOINTS_FILE);
  let pool: PoolChecker | undefined;
  try {
    const report = await verifyBundle(
      {
        manifest,
        checkpoints: (await exists(checkpointsPath)) ? lines(checkpointsPath) : null,
        records: (await exists(recordsPath)) ? lines(recordsPath) : null,
      },
      {
        trust: options.trust,
        hashes: storeHashes,
        backend: nodeSuiteBackend,
        checker: async (ctx) => {
          const script = options.workerScript === undefined ? findWorkerScript() : options.workerScript;
          pool = await createPool(ctx, options.workers ?? DEFAULT_WORKERS, script);
          return pool;
        },
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.anchors === undefined ? {} : { anchors: options.anchors }),
      },
    );
    return {
      report,
      workers: pool?.workers ?? 0,
      linesPerWorker: [...(pool?.linesPerWorker ?? [])],
      linesInThread: pool?.linesInThread ?? 0,
    };
  } finally {
    await pool?.close();
  }
}
