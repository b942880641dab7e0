/**
 * The auditor's report (docs/verify.md): one result per named stage, in the order the pipeline
 * defines them, and the failures found, each with its stage, a stable code, the log, the seq (or
 * the checkpoint's tree size) and a plain sentence. Failures are data, never exceptions: a
 * damaged bundle is an answer ("invalid, here is why"), not a crash.
 */
import { ANCHOR_VERIFY_CODES, type AnchorCheck } from '../anchor/verify.js';

/** The stages, in report order (ARCHITECTURE.md, "Verify"). */
export const STAGES = Object.freeze([
  'format',
  'record-hashes',
  'chain-links',
  'embedded-signatures',
  'merkle-inclusion',
  'checkpoint-signatures',
  'checkpoint-consistency',
  'anchors',
] as const);
export type StageId = (typeof STAGES)[number];

/** Stable failure codes, by stage (docs/verify.md lists their meaning). */
export const VERIFY_CODES = Object.freeze({
  format: [
    'QT_VERIFY_MANIFEST',
    'QT_VERIFY_FILE_MISSING',
    'QT_VERIFY_LINE',
    'QT_VERIFY_RECORD',
    'QT_VERIFY_LOG',
    'QT_VERIFY_SEQ_ORDER',
    'QT_VERIFY_SCOPE',
    'QT_VERIFY_TRUNCATED',
    'QT_VERIFY_COUNT',
    'QT_VERIFY_CHECKPOINT_FORMAT',
  ],
  'record-hashes': ['QT_VERIFY_RECORD_HASH'],
  'chain-links': ['QT_VERIFY_CHAIN', 'QT_VERIFY_CHAIN_GAP'],
  'embedded-signatures': [
    'QT_VERIFY_EMBEDDED_MISSING',
    'QT_VERIFY_EMBEDDED_FORMAT',
    'QT_VERIFY_EMBEDDED_UNTRUSTED',
    'QT_VERIFY_EMBEDDED_SIGNATURE',
  ],
  'merkle-inclusion': ['QT_VERIFY_INCLUSION', 'QT_VERIFY_ROOT', 'QT_VERIFY_NOT_COVERED'],
  'checkpoint-signatures': [
    'QT_VERIFY_CHECKPOINT_ORIGIN',
    'QT_VERIFY_CHECKPOINT_SIGNATURE',
    'QT_VERIFY_KEY_OUT_OF_RANGE',
    'QT_VERIFY_NO_TRUSTED_KEY',
  ],
  'checkpoint-consistency': [
    'QT_VERIFY_NO_CHECKPOINT',
    'QT_VERIFY_CHECKPOINT_ORDER',
    'QT_VERIFY_CHECKPOINT_LINK',
    'QT_VERIFY_CONSISTENCY',
    'QT_VERIFY_HEAD',
  ],
  anchors: ANCHOR_VERIFY_CODES,
} as const satisfies Record<StageId, readonly string[]>);

export type VerifyCode = (typeof VERIFY_CODES)[StageId][number];

/** Which file of the bundle a failure points into. */
export type BundleFile = 'manifest.json' | 'records.jsonl' | 'checkpoints.jsonl';

export interface VerifyFailure {
  readonly stage: StageId;
  readonly code: VerifyCode;
  /** The log origin (from the manifest; null when the manifest is unreadable). */
  readonly log: string | null;
  /** The record's seq; null for failures about a checkpoint or the bundle as a whole. */
  readonly seq: number | null;
  /** The checkpoint's tree size, for checkpoint failures. */
  readonly treeSize?: number;
  /** File and 1-based line number, where a line is at fault. */
  readonly file?: BundleFile;
  readonly line?: number;
  readonly message: string;
}

export type StageStatus = 'passed' | 'failed' | 'not-checked';

export interface StageResult {
  readonly stage: StageId;
  readonly status: StageStatus;
  /** Items this stage examined (records, envelopes, proofs or checkpoints). */
  readonly checked: number;
  readonly failures: number;
  readonly note?: string;
}

export type BundleScope =
  | { readonly type: 'full' }
  | { readonly type: 'range'; readonly from: number; readonly to: number }
  | { readonly type: 'subject'; readonly subject: string };

export interface VerifyReport {
  /** True when no stage failed ("not-checked" stages do not fail a bundle). */
  readonly ok: boolean;
  readonly log: string | null;
  readonly scope: BundleScope | null;
  /** Tree size and root (hex) of the head checkpoint the records were checked against. */
  readonly head: { readonly treeSize: number; readonly rootHash: string; readonly time?: string } | null;
  readonly records: number;
  readonly checkpoints: number;
  readonly stages: readonly StageResult[];
  /** Failures sorted by stage order, then seq, then line; at most MAX_REPORTED_FAILURES per stage. */
  readonly failures: readonly VerifyFailure[];
  /** Failures found but left out of `failures` (beyond the per-stage cap). */
  readonly omittedFailures: number;
  /** What this bundle cannot prove, in plain sentences (partial bundles, anchors). */
  readonly cannotProve: readonly string[];
  /** One line per checkpoint when anchors were checked (block, tx, confirmations, status). */
  readonly anchors?: readonly AnchorCheck[];
}

/** Failures kept per stage; a bundle damaged everywhere must not make the report unbounded. */
export const MAX_REPORTED_FAILURES = 100;

const STAGE_OF: ReadonlyMap<string, StageId> = new Map(
  STAGES.flatMap((s) => (VERIFY_CODES[s] as readonly string[]).map((c) => [c, s] as const)),
);

/** The stage a code belongs to. */
export function stageOf(code: VerifyCode): StageId {
  return STAGE_OF.get(code) as StageId;
}

/** A failure without its stage (derived from the code) or log (filled in by the collector). */
export type FailureInput = Omit<VerifyFailure, 'stage' | 'log'>;

/** Collects failures and per-stage counts while the pipeline runs; memory is bounded by the cap. */
export class ReportBuilder {
  readonly #failures = new Map<StageId, VerifyFailure[]>(STAGES.map((s) => [s, []]));
  readonly #counts = new Map<StageId, number>(STAGES.map((s) => [s, 0]));
  readonly #checked = new Map<StageId, number>(STAGES.map((s) => [s, 0]));
  readonly #notes = new Map<StageId, string>();
  readonly #notChecked = new Set<StageId>();
  #omitted = 0;
  log: string | null = null;

  fail(f: FailureInput): void {
    const stage = stageOf(f.code);
    this.#counts.set(stage, (this.#counts.get(stage) as number) + 1);
    const list = this.#failures.get(stage) as VerifyFailure[];
    if (list.length >= MAX_REPORTED_FAILURES) {
      this.#omitted++;
      return;
    }
    list.push({ stage, log: this.log, ...f });
  }

  /** Counts `n` items examined by `stage`. */
  checked(stage: StageId, n = 1): void {
    this.#checked.set(stage, (this.#checked.get(stage) as number) + n);
  }

  failed(stage: StageId): boolean {
    return (this.#counts.get(stage) as number) > 0;
  }

  /** Marks a stage as not checked (with the reason), unless it found failures. */
  notChecked(stage: StageId, note: string): void {
    this.#notChecked.add(stage);
    this.#notes.set(stage, note);
  }

  note(stage: StageId, note: string): void {
    this.#notes.set(stage, note);
  }

  build(fields: Omit<VerifyReport, 'ok' | 'stages' | 'failures' | 'omittedFailures' | 'log'>): VerifyReport {
    const stages = STAGES.map((stage): StageResult => {
      const failures = this.#counts.get(stage) as number;
      const status: StageStatus =
        failures > 0 ? 'failed' : this.#notChecked.has(stage) ? 'not-checked' : 'passed';
      const note = this.#notes.get(stage);
      return {
        stage,
        status,
        checked: this.#checked.get(stage) as number,
        failures,
        ...(note === undefined ? {} : { note }),
      };
    });
    const failures = STAGES.flatMap((s) => [...(this.#failures.get(s) as VerifyFailure[])].sort(byPosition));
    return {
      ok: stages.every((s) => s.status !== 'failed'),
      log: this.log,
      ...fields,
      stages,
      failures,
      omittedFailures: this.#omitted,
    };
  }
}

/** Seq order first (null last), then tree size, then line. */
function byPosition(a: VerifyFailure, b: VerifyFailure): number {
  return (
    key(a.seq) - key(b.seq) ||
    key(a.treeSize ?? null) - key(b.treeSize ?? null) ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}

function key(n: number | null): number {
  return n ?? Number.MAX_SAFE_INTEGER;
}
