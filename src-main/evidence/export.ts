/**
 * `qtrust evidence export`: writes a bundle (docs/formats.md, "Bundles") from an open evidence log.
 * An export forces a checkpoint first, so every exported record is covered by a signed checkpoint;
 * the bundle's head is that checkpoint. Files are streamed (records are read from the store in
 * pages and written in buffered chunks), and manifest.json is written last: a folder whose export
 * was interrupted has no manifest and is not a bundle.
 */
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { aint } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { formatRecordTime } from '../../src-shared/evidence/record.js';
import {
  BUNDLE_FORMAT,
  CHECKPOINTS_FILE,
  MANIFEST_FILE,
  RECORDS_FILE,
  formatCheckpointLine,
  formatManifest,
  formatRecordLine,
  type BundleManifest,
} from '../../src-shared/bundle/index.js';
import { isAbout } from '../../src-shared/verify/record-line.js';
import type { BundleScope } from '../../src-shared/verify/report.js';
import { ioError } from '../io/read-file.js';
import type { EvidenceLog } from './store.js';

export interface ExportOptions {
  /** The bundle folder: created if missing, and must be empty. */
  readonly out: string;
  readonly scope: BundleScope;
  /** Unix ms of the export (the manifest's createdAt). */
  readonly now: number;
}

/** Buffers small writes into large ones (about 1 MiB) so an export is not one syscall per line. */
class ChunkedWriter {
  readonly #fh: FileHandle;
  readonly #path: string;
  #parts: Uint8Array[] = [];
  #size = 0;
  lines = 0;

  constructor(fh: FileHandle, path: string) {
    this.#fh = fh;
    this.#path = path;
  }

  async write(line: Uint8Array): Promise<void> {
    this.#parts.push(line);
    this.#size += line.length;
    this.lines++;
    if (this.#size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    const parts = this.#parts;
    this.#parts = [];
    this.#size = 0;
    try {
      for (const p of parts) await this.#fh.write(p);
    } catch (err) {
      throw ioError(err, this.#path, 'write');
    }
  }
}

async function withFile<T>(path: string, f: (w: ChunkedWriter) => Promise<T>): Promise<T> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'wx', 0o644);
  } catch (err) {
    throw ioError(err, path, 'create');
  }
  try {
    const w = new ChunkedWriter(fh, path);
    const out = await f(w);
    await w.flush();
    await fh.sync();
    return out;
  } finally {
    await fh.close();
  }
}

async function emptyDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const entries = await readdir(dir);
    if (entries.length > 0) {
      throw new QtError('QT_BUNDLE_EXISTS', `${dir} is not empty; export into a new or empty folder`, {
        path: dir,
      });
    }
  } catch (err) {
    if (err instanceof QtError) throw err;
    throw ioError(err, dir, 'create');
  }
}

function checkScope(scope: BundleScope, treeSize: number): void {
  if (scope.type !== 'range') return;
  aint(scope.from, 'from');
  aint(scope.to, 'to');
  if (scope.from >= scope.to || scope.to > treeSize) {
    throw new QtError(
      'QT_RANGE',
      `the range [${scope.from}, ${scope.to}) is empty or beyond the log's ${treeSize} records`,
      { path: 'range' },
    );
  }
}

/** Exports a bundle of `log` into `options.out`; returns its manifest. */
export async function exportBundle(log: EvidenceLog, options: ExportOptions): Promise<BundleManifest> {
  const { out, scope } = options;
  await emptyDir(out);
  const head = await log.checkpoint();
  const treeSize = head.size;
  checkScope(scope, treeSize);
  const partial = scope.type !== 'full';

  const checkpoints = await withFile(join(out, CHECKPOINTS_FILE), async (w) => {
    let prev: number | null = null;
    for (const cp of log.checkpoints()) {
      if (cp.size > treeSize) break;
      await w.write(formatCheckpointLine(cp.text, prev === null ? [] : log.consistencyProof(prev, cp.size)));
      prev = cp.size;
    }
    return w.lines;
  });

  const records = await withFile(join(out, RECORDS_FILE), async (w) => {
    const from = scope.type === 'range' ? scope.from : 0;
    const to = scope.type === 'range' ? scope.to : treeSize;
    for (const r of log.records(from, to)) {
      if (scope.type === 'subject' && !isAbout(r.record.body, scope.subject)) continue;
      await w.write(
        formatRecordLine(r.record, r.hash, partial ? log.inclusionProof(r.seq, treeSize) : undefined),
      );
    }
    return w.lines;
  });

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    log: log.origin,
    scope,
    treeSize,
    records,
    checkpoints,
    createdAt: formatRecordTime(options.now, 'now'),
  };
  const text = formatManifest(manifest);
  await withFile(join(out, MANIFEST_FILE), (w) => w.write(new TextEncoder().encode(text)));
  return manifest;
}
