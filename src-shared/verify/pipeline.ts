/**
 * The auditor's pipeline (docs/verify.md): a bundle's manifest and line streams, and the trust
 * roots the auditor pinned, in; a report out. Memory does not grow with the number of records: the
 * lines are streamed, at most `maxInFlight` batches (each bounded in lines and in bytes) are being
 * checked at any time, and the ordered
 * stages keep O(log n) state.
 *
 * Order of work: the manifest, then checkpoints.jsonl (consistency: this fixes the head checkpoint;
 * their signatures, on which no acceptance depends, are verified between record batches), then records.jsonl, whose order-independent checks (format, record hash,
 * embedded signatures, inclusion proofs) run through a LineChecker (in this thread, or a pool of
 * worker threads) and whose order-dependent checks (chain links, the full tree) run here, in order.
 * The report lists the stages in their fixed order whatever the order of work.
 *
 * Anchors (docs/anchoring.md, "Verifier"): when the caller supplies an anchor checker (the CLI's
 * --rpc) and the trust file has an anchor section for the bundle's log, every accepted checkpoint
 * of the bundle must be anchored and final. The checker runs while the records are checked (it
 * waits on the network, they on the CPU); its failures join the report like any other stage's.
 */
import { anchorsNotChecked, type AnchorCheckpoint, type AnchorStageOutput } from '../anchor/verify.js';
import type { AnchorTrust } from '../anchor/trust.js';
import type { HashPrimitives } from '../hash.js';
import type { SuiteBackend } from '../sign/index.js';
import { parseManifest, type BundleManifest } from '../bundle/manifest.js';
import type { RawLine } from '../bundle/split.js';
import { CheckpointChain } from './checkpoints.js';
import { checkRecordLine, type LineContext, type LineResult } from './record-line.js';
import { RecordSequencer } from './records.js';
import { ReportBuilder, STAGES, type VerifyReport } from './report.js';
import type { TrustRoots } from './trust.js';
import { bytesToHex } from '../bytes.js';

export interface BundleInput {
  /** Bytes of manifest.json. */
  readonly manifest: Uint8Array;
  /** Lines of checkpoints.jsonl; null when the file is missing. */
  readonly checkpoints: AsyncIterable<RawLine> | null;
  /** Lines of records.jsonl; null when the file is missing. */
  readonly records: AsyncIterable<RawLine> | null;
}

/** Runs the order-independent record checks on batches of lines; results in the order given. */
export interface LineChecker {
  check(lines: readonly RawLine[]): Promise<LineResult[]>;
}

export interface VerifyBundleOptions {
  readonly trust: TrustRoots;
  readonly hashes: HashPrimitives;
  readonly backend: SuiteBackend;
  /** Builds the checker for this bundle's context (default: checks in this thread). */
  readonly checker?: (ctx: LineContext) => LineChecker | Promise<LineChecker>;
  /** Lines per batch (default 256). */
  readonly batchSize?: number;
  /**
   * Bytes per batch (default 1 MiB): a batch is sent once it holds `batchSize` lines or this many
   * bytes, so lines near the size limit cannot make the batches in flight hold gigabytes.
   */
  readonly batchBytes?: number;
  /** Batches being checked at once (default 4). */
  readonly maxInFlight?: number;
  /** Called after each batch with the records done and the number the manifest promises. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Checks the anchors of the bundle's checkpoints on chain (src-main/anchor/verify-chain.ts).
   * Absent: the anchors stage is "not checked" and the report says so.
   */
  readonly anchors?: AnchorChecker;
}

/** The anchors stage's outside half: asks the chain about these checkpoints, never throws. */
export type AnchorChecker = (input: {
  readonly log: string;
  readonly trust: AnchorTrust;
  readonly checkpoints: readonly AnchorCheckpoint[];
}) => Promise<AnchorStageOutput>;

/** The checker that runs in the calling thread. */
export function inThreadChecker(
  ctx: LineContext,
  hashes: HashPrimitives,
  backend: SuiteBackend,
): LineChecker {
  return { check: async (lines) => lines.map((l) => checkRecordLine(l, ctx, hashes, backend)) };
}

/** One wording for "not checked" (src-shared/anchor/verify.ts), whatever the reason. */
const NO_RPC_NOTE = anchorsNotChecked().stage.note as string;
const NO_SECTION_NOTE = 'anchors were not checked: the trust file has no anchor section for this log';
const NO_CHECKPOINT_NOTE = 'anchors were not checked: the bundle holds no usable checkpoint';

/** `anchorsNote`: why anchors were not checked, or null when they were. */
function cannotProve(m: BundleManifest, anchorsNote: string | null): string[] {
  const out: string[] = [];
  const s = m.scope;
  if (s.type === 'range') {
    out.push(`anything about the records outside seq ${s.from} to ${s.to - 1}: they are not in this bundle`);
    if (s.from > 0)
      out.push(`that record ${s.from} links to record ${s.from - 1}, which this bundle does not carry`);
  }
  if (s.type === 'subject') {
    out.push(
      `that no record about subject "${s.subject}" was withheld: the bundle holds only the records the exporter selected`,
    );
    out.push('the chain links between records that are not adjacent in the log');
  }
  out.push(`anything about records appended after the head checkpoint (tree size ${m.treeSize})`);
  if (anchorsNote !== null) out.push(`that the checkpoints were anchored on a chain: ${anchorsNote}`);
  return out;
}

export async function verifyBundle(input: BundleInput, options: VerifyBundleOptions): Promise<VerifyReport> {
  const report = new ReportBuilder();
  const { trust, hashes, backend } = options;
  let manifest: BundleManifest;
  try {
    manifest = parseManifest(input.manifest);
  } catch (e) {
    report.fail({
      code: 'QT_VERIFY_MANIFEST',
      seq: null,
      file: 'manifest.json',
      message: (e as Error).message,
    });
    for (const s of STAGES.slice(1)) report.notChecked(s, 'not checked: the manifest is unreadable');
    return report.build({ scope: null, head: null, records: 0, checkpoints: 0, cannotProve: [] });
  }
  report.log = manifest.log;

  const chain = new CheckpointChain({
    log: manifest.log,
    keys: trust.logs.get(manifest.log) ?? [],
    report,
    hashes,
    backend,
  });
  if (input.checkpoints === null) {
    report.fail({
      code: 'QT_VERIFY_FILE_MISSING',
      seq: null,
      file: 'checkpoints.jsonl',
      message: 'checkpoints.jsonl is missing',
    });
  } else {
    for await (const line of input.checkpoints) chain.push(line);
    if (chain.lines !== manifest.checkpoints) {
      report.fail({
        code: chain.lines < manifest.checkpoints ? 'QT_VERIFY_TRUNCATED' : 'QT_VERIFY_COUNT',
        seq: null,
        file: 'checkpoints.jsonl',
        message: `checkpoints.jsonl has ${chain.lines} lines, but the manifest promises ${manifest.checkpoints}`,
      });
    }
  }
  const head = chain.head;
  if (head === null) {
    report.fail({
      code: 'QT_VERIFY_NO_CHECKPOINT',
      seq: null,
      message: 'the bundle holds no usable checkpoint',
    });
    report.fail({
      code: 'QT_VERIFY_NOT_COVERED',
      seq: null,
      message: 'no checkpoint to check the records against',
    });
  } else if (head.treeSize !== manifest.treeSize) {
    report.fail({
      code: 'QT_VERIFY_HEAD',
      seq: null,
      treeSize: head.treeSize,
      file: 'checkpoints.jsonl',
      message: `the newest checkpoint has tree size ${head.treeSize}, but the manifest says ${manifest.treeSize}: a checkpoint was rolled back or removed`,
    });
  }

  const anchorTrust = trust.anchors?.get(manifest.log);
  let anchorsNote: string | null = null;
  let anchorsRun: Promise<AnchorStageOutput> | null = null;
  if (options.anchors === undefined) anchorsNote = NO_RPC_NOTE;
  else if (anchorTrust === undefined) anchorsNote = NO_SECTION_NOTE;
  else if (chain.accepted.length === 0) anchorsNote = NO_CHECKPOINT_NOTE;
  else {
    anchorsRun = runAnchors(options.anchors, {
      log: manifest.log,
      trust: anchorTrust,
      checkpoints: chain.accepted.map((c) => ({
        treeSize: c.treeSize,
        rootHash: c.root,
        checkpointHash: c.hash,
      })),
    });
  }
  if (anchorsNote !== null) report.notChecked('anchors', anchorsNote);

  const scope = manifest.scope;
  const ctx: LineContext = {
    log: manifest.log,
    partial: scope.type !== 'full',
    head: head === null ? null : { treeSize: head.treeSize, root: head.root },
    ...(scope.type === 'subject' ? { subject: scope.subject } : {}),
    trust: { approvers: trust.approvers, signers: trust.signers },
  };
  const sequencer = new RecordSequencer({
    scope,
    expected: manifest.records,
    head,
    checkpoints: chain.accepted,
    report,
    hashes,
  });
  if (input.records === null) {
    report.fail({
      code: 'QT_VERIFY_FILE_MISSING',
      seq: null,
      file: 'records.jsonl',
      message: 'records.jsonl is missing',
    });
  } else {
    const checker = await (options.checker ?? ((c: LineContext) => inThreadChecker(c, hashes, backend)))(ctx);
    // Checkpoint signatures go one per batch between the record batches (checkpoints.ts).
    const idle = (): void => chain.verifySignatures(1);
    await runRecords(input.records, checker, sequencer, options, manifest.records, idle);
    sequencer.end();
  }
  chain.verifySignatures();
  if (scope.type !== 'full') report.note('chain-links', 'checked only between records adjacent in the log');
  let anchorChecks: AnchorStageOutput['anchors'] | undefined;
  if (anchorsRun !== null) {
    const anchors = await anchorsRun;
    anchorChecks = anchors.anchors;
    for (const f of anchors.failures) {
      report.fail({
        code: f.code,
        seq: null,
        ...(f.treeSize === undefined ? {} : { treeSize: f.treeSize }),
        message: f.message,
      });
    }
    report.checked('anchors', anchors.stage.checked);
    if (anchors.stage.status === 'not-checked') {
      anchorsNote = anchors.stage.note ?? NO_RPC_NOTE;
      report.notChecked('anchors', anchorsNote);
    } else if (anchors.stage.note !== undefined) report.note('anchors', anchors.stage.note);
  }
  return report.build({
    scope,
    head:
      head === null
        ? null
        : {
            treeSize: head.treeSize,
            rootHash: bytesToHex(head.root),
            ...(head.time === undefined ? {} : { time: head.time }),
          },
    records: sequencer.lines,
    checkpoints: chain.lines,
    cannotProve: cannotProve(manifest, anchorsNote),
    ...(anchorChecks === undefined ? {} : { anchors: anchorChecks }),
  });
}

/** Runs the checker; a checker that throws is a failure of the stage, never a crash of the verifier. */
async function runAnchors(
  checker: AnchorChecker,
  input: Parameters<AnchorChecker>[0],
): Promise<AnchorStageOutput> {
  try {
    return await checker(input);
  } catch (e) {
    const message = `the anchors could not be checked: ${e instanceof Error ? e.message : String(e)}`;
    return {
      stage: { stage: 'anchors', status: 'failed', checked: 0, failures: 1 },
      failures: [{ stage: 'anchors', code: 'QT_VERIFY_ANCHOR_RPC', log: input.log, seq: null, message }],
      anchors: [],
    };
  }
}

async function runRecords(
  lines: AsyncIterable<RawLine>,
  checker: LineChecker,
  sequencer: RecordSequencer,
  options: VerifyBundleOptions,
  total: number,
  idle: () => void,
): Promise<void> {
  const batchSize = options.batchSize ?? 256;
  const batchBytes = options.batchBytes ?? 1 << 20;
  const maxInFlight = options.maxInFlight ?? 4;
  const pending: Promise<LineResult[]>[] = [];
  const submit = (batch: RawLine[]): void => {
    const p = checker.check(batch);
    // Awaited in order below; this only keeps a rejection from being reported as unhandled meanwhile.
    p.catch(() => undefined);
    pending.push(p);
  };
  const drainOne = async (): Promise<void> => {
    for (const r of await (pending.shift() as Promise<LineResult[]>)) sequencer.push(r);
    options.onProgress?.(sequencer.lines, total);
    idle();
  };
  let batch: RawLine[] = [];
  let bytes = 0;
  for await (const line of lines) {
    batch.push(line);
    bytes += line.bytes.length;
    if (batch.length < batchSize && bytes < batchBytes) continue;
    submit(batch);
    batch = [];
    bytes = 0;
    if (pending.length >= maxInFlight) await drainOne();
  }
  if (batch.length > 0) submit(batch);
  while (pending.length > 0) await drainOne();
}
