/**
 * The checkpoint stages over checkpoints.jsonl, one line at a time (O(1) state: the previous
 * accepted checkpoint). Signatures: each checkpoint names the bundle's log and is signed by every
 * pinned producer key valid for its tree size and time, and by no pinned key outside its range.
 * Consistency: tree sizes grow, each checkpoint's `prev` is the hash of the one before (the first
 * has none), and the RFC 9162 consistency proof from the previous tree verifies (§2.1.4.2).
 */
import { bytesToHex, equalBytes } from '../bytes.js';
import type { HashPrimitives } from '../hash.js';
import {
  checkpointHash,
  noteKeyHash,
  parseCheckpoint,
  verifyCheckpoint,
  type ParsedCheckpoint,
} from '../checkpoint/index.js';
import { verifyConsistency } from '../merkle/consistency.js';
import type { SuiteBackend } from '../sign/index.js';
import { parseCheckpointLine, type CheckpointLine } from '../bundle/lines.js';
import type { RawLine } from '../bundle/split.js';
import type { ReportBuilder } from './report.js';
import { keyValidAt, timeMs, type ProducerKey } from './trust.js';

/** A checkpoint that passed the format checks and kept the sizes growing. */
export interface AcceptedCheckpoint {
  readonly treeSize: number;
  readonly root: Uint8Array;
  readonly time?: string;
  /** checkpointHash of its text: what the next checkpoint's `prev` must be. */
  readonly hash: Uint8Array;
}

export interface CheckpointChainOptions {
  readonly log: string;
  /** The producer keys pinned for the log (empty when the trust file does not know it). */
  readonly keys: readonly ProducerKey[];
  readonly report: ReportBuilder;
  readonly hashes: HashPrimitives;
  readonly backend: SuiteBackend;
  /**
   * Most checkpoints left waiting for their signature checks (default 4,096, about 23 MB of
   * checkpoint text at 5.6 KB each): past it, the oldest is verified as the next is read, so memory
   * stays bounded however many checkpoints a bundle has, while bundles of up to 4 million records
   * (at one checkpoint per 1,000) still get all their signature checks interleaved with the records.
   */
  readonly maxPendingSignatures?: number;
}

const FILE = 'checkpoints.jsonl';
const MAX_PENDING_SIGNATURES = 4096;

type Where = { seq: null; treeSize: number; file: typeof FILE; line: number };

/** A checkpoint's signature check, deferred (verifySignatures). */
interface PendingSignatures {
  readonly text: string;
  readonly keys: readonly { name: string; suite: ProducerKey['suite']; publicKey: Uint8Array }[];
  readonly where: Where;
}

export class CheckpointChain {
  readonly #o: CheckpointChainOptions;
  #prev: AcceptedCheckpoint | null = null;
  #lines = 0;
  /** Checkpoints read whose signatures are not verified yet, oldest first. */
  readonly #pending: PendingSignatures[] = [];
  /** Every accepted checkpoint's size and root, oldest first (40 bytes each). */
  readonly accepted: AcceptedCheckpoint[] = [];

  constructor(options: CheckpointChainOptions) {
    this.#o = options;
  }

  /** The newest accepted checkpoint: the head the records are checked against. */
  get head(): AcceptedCheckpoint | null {
    return this.#prev;
  }

  get lines(): number {
    return this.#lines;
  }

  push(raw: RawLine): void {
    this.#lines++;
    const { report } = this.#o;
    const at = { seq: null, file: FILE, line: raw.number } as const;
    if (raw.tooLong || !raw.complete) {
      report.fail({
        code: raw.tooLong ? 'QT_VERIFY_LINE' : 'QT_VERIFY_TRUNCATED',
        ...at,
        message: raw.tooLong
          ? 'the line is longer than any checkpoint can be'
          : 'the file ends in the middle of a line: it was cut short',
      });
      return;
    }
    let line: CheckpointLine;
    let cp: ParsedCheckpoint;
    try {
      line = parseCheckpointLine(raw.bytes);
      cp = parseCheckpoint(line.text);
    } catch (e) {
      report.fail({ code: 'QT_VERIFY_CHECKPOINT_FORMAT', ...at, message: (e as Error).message });
      return;
    }
    const where = { ...at, treeSize: cp.body.treeSize };
    report.checked('checkpoint-signatures');
    // A checkpoint of another log says nothing about this one: it is neither a link nor a head.
    if (!this.#signatures(line.text, cp, where)) return;
    report.checked('checkpoint-consistency');
    const accepted = this.#consistency(line, cp, where);
    if (accepted !== null) {
      this.#prev = accepted;
      this.accepted.push(accepted);
    }
  }

  /** Checks the signatures; false when the checkpoint is of another log. */
  #signatures(text: string, cp: ParsedCheckpoint, where: Where): boolean {
    const { report, log, keys, hashes } = this.#o;
    const body = cp.body;
    if (body.origin !== log) {
      report.fail({
        code: 'QT_VERIFY_CHECKPOINT_ORIGIN',
        ...where,
        message: `the checkpoint is from log "${body.origin.slice(0, 80)}", not "${log}"`,
      });
      return false;
    }
    const time = body.time === undefined ? undefined : timeMs(body.time);
    const valid = keys.filter((k) => keyValidAt(k, body.treeSize, time));
    const validIds = new Set(valid.map((k) => k.keyid));
    for (const k of keys) {
      if (validIds.has(k.keyid)) continue;
      const keyHash = noteKeyHash(log, k.suite, k.publicKey, hashes);
      if (cp.signatures.some((s) => s.name === log && equalBytes(s.keyHash, keyHash))) {
        report.fail({
          code: 'QT_VERIFY_KEY_OUT_OF_RANGE',
          ...where,
          message: `the checkpoint is signed by ${k.keyid}, which the trust file does not allow for tree size ${body.treeSize}${body.time === undefined ? '' : ` at ${body.time}`}`,
        });
      }
    }
    if (valid.length === 0) {
      report.fail({
        code: 'QT_VERIFY_NO_TRUSTED_KEY',
        ...where,
        message: `the trust file pins no producer key of log "${log}" valid for tree size ${body.treeSize}`,
      });
      return true;
    }
    this.#pending.push({
      text,
      keys: valid.map((k) => ({ name: log, suite: k.suite, publicKey: k.publicKey })),
      where,
    });
    if (this.#pending.length > (this.#o.maxPendingSignatures ?? MAX_PENDING_SIGNATURES))
      this.verifySignatures(1);
    return true;
  }

  /** Checkpoints whose signatures are still to be verified (verifySignatures). */
  get pendingSignatures(): number {
    return this.#pending.length;
  }

  /**
   * Verifies the signatures of up to `max` pending checkpoints, oldest first. Whether a checkpoint
   * is accepted (as a link or the head) never depends on its signatures, so these checks, the
   * costliest of the stage (ML-DSA), may run whenever the caller has time, interleaved with the
   * record checks; every one must have run before the report is built.
   */
  verifySignatures(max = Number.POSITIVE_INFINITY): void {
    const { report, backend, hashes } = this.#o;
    for (let n = 0; n < max; n++) {
      const job = this.#pending.shift();
      if (job === undefined) return;
      try {
        verifyCheckpoint(job.text, job.keys, { backend, hashes });
      } catch (e) {
        report.fail({
          code: 'QT_VERIFY_CHECKPOINT_SIGNATURE',
          ...job.where,
          message: (e as Error).message,
        });
      }
    }
  }

  #consistency(line: CheckpointLine, cp: ParsedCheckpoint, where: Where): AcceptedCheckpoint | null {
    const { report, hashes } = this.#o;
    const body = cp.body;
    const prev = this.#prev;
    const accepted: AcceptedCheckpoint = {
      treeSize: body.treeSize,
      root: body.rootHash,
      ...(body.time === undefined ? {} : { time: body.time }),
      hash: checkpointHash(line.text, hashes),
    };
    if (prev === null) {
      if (body.prev !== undefined || line.consistency.length > 0) {
        report.fail({
          code: 'QT_VERIFY_CHECKPOINT_LINK',
          ...where,
          message:
            'the first checkpoint of the bundle links to an earlier checkpoint the bundle does not carry',
        });
      }
      return accepted;
    }
    if (body.treeSize <= prev.treeSize) {
      report.fail({
        code: 'QT_VERIFY_CHECKPOINT_ORDER',
        ...where,
        message: `the checkpoint of tree size ${body.treeSize} follows one of tree size ${prev.treeSize}: a log never shrinks (rolled back or out of order)`,
      });
      return null;
    }
    if (body.prev === undefined || !equalBytes(body.prev, prev.hash)) {
      report.fail({
        code: 'QT_VERIFY_CHECKPOINT_LINK',
        ...where,
        message: `the checkpoint does not link to the previous checkpoint (tree size ${prev.treeSize}, hash ${bytesToHex(prev.hash).slice(0, 16)}…)`,
      });
    }
    if (
      !verifyConsistency(prev.treeSize, body.treeSize, line.consistency, prev.root, body.rootHash, hashes)
    ) {
      report.fail({
        code: 'QT_VERIFY_CONSISTENCY',
        ...where,
        message: `the consistency proof from tree size ${prev.treeSize} to ${body.treeSize} does not verify: the log was forked or rewritten`,
      });
    }
    return accepted;
  }
}
