/**
 * `qtrust verify BUNDLE --trust TRUST.json [--rpc URL ...] [--confirmations N]`: the auditor's
 * verifier (docs/verify.md); with --rpc it also checks the checkpoints' anchors on chain
 * (docs/anchoring.md, "Verifier").
 */
import { bytesToUtf8 } from '../../../src-shared/bytes.js';
import { QtError, isQtError } from '../../../src-shared/errors.js';
import {
  parseTrust,
  type AnchorChecker,
  type VerifyReport,
  type TrustRoots,
} from '../../../src-shared/verify/index.js';
import { verifyAnchors } from '../../anchor/verify-chain.js';
import { readFileLimited } from '../../io/read-file.js';
import { DEFAULT_WORKERS, verifyBundleDir } from '../../evidence/verify-files.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import type { CommandContext, CommandSpec } from '../registry.js';

const NAME = 'qtrust verify';
const MAX_TRUST_BYTES = 16 * 1024 * 1024;
/** RPCs asked at once; they must all agree, so a handful is plenty. */
export const MAX_RPC_URLS = 8;
const MAX_CONFIRMATIONS = 1_000_000;

/** Reads and parses a trust file; any problem is a QtError naming the file (exit 2). */
export async function readTrustFile(path: string): Promise<TrustRoots> {
  const bytes = await readFileLimited(path, MAX_TRUST_BYTES);
  try {
    return parseTrust(bytesToUtf8(bytes, path));
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WORKERS;
  if (!/^\d{1,2}$/.test(value) || Number(value) > 16) {
    throw new QtError('QT_USAGE', `${NAME}: --workers must be a number from 0 to 16`, { path: '--workers' });
  }
  return Number(value);
}

/**
 * The --rpc URLs: http(s) only, at most MAX_RPC_URLS. Messages name the URL by its position, never
 * by its text: an RPC URL often carries an API key.
 */
export function parseRpcUrls(value: unknown): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : [];
  if (list.length > MAX_RPC_URLS) {
    throw new QtError('QT_USAGE', `${NAME}: at most ${MAX_RPC_URLS} --rpc URLs`, { path: '--rpc' });
  }
  return list.map((u, i) => {
    let url: URL | undefined;
    try {
      url = typeof u === 'string' ? new URL(u) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new QtError('QT_USAGE', `${NAME}: --rpc #${i + 1} must be an http:// or https:// URL`, {
        path: '--rpc',
      });
    }
    return u as string;
  });
}

/** --confirmations N: 1 to 1,000,000 (the trust file's own minimum still applies when larger). */
export function parseConfirmations(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,6}$/.test(value) || Number(value) > MAX_CONFIRMATIONS) {
    throw new QtError(
      'QT_USAGE',
      `${NAME}: --confirmations must be an integer from 1 to ${MAX_CONFIRMATIONS}`,
      {
        path: '--confirmations',
      },
    );
  }
  return Number(value);
}

/** The anchors stage against these RPCs (one eth_getLogs per block range, never one per anchor). */
export function rpcAnchorChecker(rpcUrls: readonly string[], confirmations?: number): AnchorChecker {
  return ({ log, trust, checkpoints }) =>
    verifyAnchors({
      checkpoints,
      trust,
      rpcUrls,
      log,
      ...(confirmations === undefined ? {} : { confirmations }),
    });
}

/** A one-line progress bar on stderr, redrawn at most every 100 ms. */
function progressBar(ctx: CommandContext): {
  update: (done: number, total: number) => void;
  clear: () => void;
} {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const fill = Math.round(frac * width);
      ctx.stderr(
        `\r[${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${Math.floor(frac * 100)}% ${done}/${total} records`,
      );
      drawn = true;
    },
    clear() {
      if (drawn) ctx.stderr('\r\u001b[2K');
    },
  };
}

function scopeText(r: VerifyReport): string {
  const s = r.scope;
  if (s === null) return 'unknown scope';
  if (s.type === 'full') return 'full log';
  if (s.type === 'range') return `records ${s.from} to ${s.to - 1}`;
  return `records about subject "${s.subject}"`;
}

/** Control characters (from a hostile bundle) never reach the terminal. */
function oneLine(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? ' ' : ch;
  }
  return out;
}

/**
 * How the record checks ran: worker threads, the lines each checked, and the lines the main thread
 * checked itself (not part of the verdict).
 */
export interface WorkerUse {
  readonly threads: number;
  readonly linesPerWorker: readonly number[];
  readonly linesInThread: number;
}

function workersText(w: WorkerUse): string {
  if (w.threads === 0) return 'record checks: in the main thread';
  const workers = `${w.threads} worker thread${w.threads === 1 ? '' : 's'}`;
  return `record checks: ${workers} and the main thread (${[...w.linesPerWorker, w.linesInThread].join(' + ')} lines)`;
}

/** The report as text for a person. */
export function formatReport(r: VerifyReport, workers?: WorkerUse): string {
  const out: string[] = [];
  out.push(
    `bundle: log ${r.log ?? '(unknown)'}, ${scopeText(r)}, ${r.records} records, ${r.checkpoints} checkpoints`,
  );
  if (r.head !== null)
    out.push(
      `head checkpoint: tree size ${r.head.treeSize}, root ${r.head.rootHash}${r.head.time === undefined ? '' : `, ${r.head.time}`}`,
    );
  if (workers !== undefined) out.push(workersText(workers));
  out.push('stages:');
  for (const s of r.stages) {
    const status = s.status === 'failed' ? `FAILED (${s.failures})` : s.status;
    out.push(
      `  ${s.stage.padEnd(24)}${status.padEnd(14)}${s.checked} checked${s.note === undefined ? '' : `; ${s.note}`}`,
    );
  }
  if (r.anchors !== undefined && r.anchors.length > 0) {
    out.push('anchors:');
    for (const a of r.anchors) {
      const where =
        a.blockNumber === undefined
          ? ''
          : `, block ${a.blockNumber}, ${a.confirmations ?? 0} confirmation(s), tx ${a.txHash ?? ''}`;
      out.push(`  checkpoint ${a.treeSize}: ${a.status}${where}`);
    }
  }
  if (r.failures.length > 0) {
    out.push('failures:');
    for (const f of r.failures) {
      const where = [
        f.seq === null ? undefined : `seq ${f.seq}`,
        f.treeSize === undefined ? undefined : `checkpoint ${f.treeSize}`,
        f.file === undefined ? undefined : `${f.file}${f.line === undefined ? '' : `:${f.line}`}`,
      ]
        .filter((x) => x !== undefined)
        .join(', ');
      out.push(`  [${f.stage}] ${f.code}${where === '' ? '' : ` (${where})`}: ${oneLine(f.message)}`);
    }
    if (r.omittedFailures > 0) out.push(`  ... and ${r.omittedFailures} more`);
  }
  if (r.cannotProve.length > 0) {
    out.push('this bundle cannot prove:');
    for (const c of r.cannotProve) out.push(`  - ${oneLine(c)}`);
  }
  out.push(r.ok ? 'result: VALID' : 'result: INVALID');
  return `${out.join('\n')}\n`;
}

export interface VerifyCommandDeps {
  /** Whether stderr is a terminal (progress bar). */
  readonly stderrIsTTY: () => boolean;
}

export function createVerifyCommand(deps: VerifyCommandDeps): CommandSpec {
  return {
    name: ['verify'],
    summary: 'verify an evidence bundle against pinned trust roots',
    usage: 'verify BUNDLE --trust TRUST.json [--rpc URL ...] [--confirmations N] [--workers N] [--json]',
    description: `Checks an evidence bundle (a folder written by 'qtrust evidence export') in named stages:
format, record-hashes, chain-links, embedded-signatures, merkle-inclusion, checkpoint-signatures,
checkpoint-consistency, anchors. Trust roots come only from TRUST.json, never from the bundle.
Every failure names its stage, a stable code, the log and the seq.
Anchors are checked only with --rpc (repeatable: several RPCs must agree) and an anchor section
for the bundle's log in TRUST.json: then every checkpoint of the bundle must be anchored on the
trusted contract by a pinned publisher, with the same root, tree size and checkpoint hash, and be
final (at least N confirmations: the larger of TRUST.json's and --confirmations, and at or below
the RPC's finalized block). Without --rpc the report says plainly that anchors were not checked.
An RPC that cannot be reached is a failure (QT_VERIFY_ANCHOR_RPC), not an error.
Exit codes: 0 valid; 1 invalid (any damage, truncation included, any anchor failure); 2 bad
arguments, unreadable paths, an unusable trust file, or a folder that is not a bundle.
--json prints the full report: {"ok","log","scope","head","stages","failures","cannotProve",...},
plus "workers": {"threads","linesPerWorker","linesInThread"} (how the record checks ran: worker threads,
the lines each checked and the lines the main thread checked itself; not part of the verdict).`,
    options: {
      trust: {
        type: 'string',
        value: 'FILE',
        description: 'trust file with the pinned keys (docs/formats.md)',
      },
      workers: {
        type: 'string',
        value: 'N',
        description: `worker threads for record checks, beside the main thread (default ${DEFAULT_WORKERS}, 0 = none)`,
      },
      rpc: {
        type: 'string',
        multiple: true,
        value: 'URL',
        description: `chain RPC to check anchors with (repeatable, at most ${MAX_RPC_URLS}; they must agree)`,
      },
      confirmations: {
        type: 'string',
        value: 'N',
        description: "confirmations an anchor needs (at least the trust file's; default: the trust file's)",
      },
    },
    positionals: { min: 1, max: 1 },
    json: true,
    async run(ctx) {
      const trustPath = stringOption(ctx.values, 'trust', NAME);
      const workers = parseWorkers(stringOption(ctx.values, 'workers', NAME, true));
      const rpcUrls = parseRpcUrls(ctx.values.rpc);
      const confirmations = parseConfirmations(stringOption(ctx.values, 'confirmations', NAME, true));
      if (confirmations !== undefined && rpcUrls.length === 0) {
        throw new QtError(
          'QT_USAGE',
          `${NAME}: --confirmations needs --rpc (anchors are checked only with an RPC)`,
          {
            path: '--confirmations',
          },
        );
      }
      const trust = await readTrustFile(trustPath);
      if (rpcUrls.length > 0 && (trust.anchors?.size ?? 0) === 0) {
        throw new QtError(
          'QT_USAGE',
          `${NAME}: --rpc was given, but ${trustPath} has no anchor section for any log (docs/formats.md, "Trust files")`,
          { path: '--rpc' },
        );
      }
      const bar = !ctx.json && deps.stderrIsTTY() ? progressBar(ctx) : undefined;
      let result;
      try {
        result = await verifyBundleDir(ctx.positionals[0] as string, {
          trust,
          workers,
          ...(rpcUrls.length === 0 ? {} : { anchors: rpcAnchorChecker(rpcUrls, confirmations) }),
          ...(bar === undefined ? {} : { onProgress: bar.update }),
        });
      } finally {
        bar?.clear();
      }
      const report = result.report;
      const use: WorkerUse = {
        threads: result.workers,
        linesPerWorker: result.linesPerWorker,
        linesInThread: result.linesInThread,
      };
      ctx.stdout(ctx.json ? `${JSON.stringify({ ...report, workers: use })}\n` : formatReport(report, use));
      return report.ok ? EXIT.ok : EXIT.verifyFailed;
    },
  };
}

export const verifyCommand: CommandSpec = createVerifyCommand({
  stderrIsTTY: () => process.stderr.isTTY === true,
});
