/**
 * The order-dependent record stages, fed with line results in file order (the main thread's part
 * of the pipeline). It keeps O(log n) state: the previous record's seq and hash, and for a full
 * bundle the compact range of RFC 9162 subtree roots (src-shared/merkle/compact.ts), whose root is
 * compared with every accepted checkpoint's root as the tree reaches that checkpoint's size.
 *
 * Seq rules: a full bundle holds seqs 0..treeSize-1, a range bundle from..to-1, each exactly once
 * in order; a subject bundle holds strictly increasing seqs below treeSize, each about the subject.
 * A seq that goes backwards (a duplicate or a reordered line) is a format failure and the line is
 * set aside; a seq that jumps ahead is a gap in the chain.
 */
import { bytesToHex } from '../bytes.js';
import type { HashPrimitives } from '../hash.js';
import { CompactRange } from '../merkle/compact.js';
import { equalBytes } from '../bytes.js';
import type { AcceptedCheckpoint } from './checkpoints.js';
import type { LineResult } from './record-line.js';
import type { BundleScope, ReportBuilder } from './report.js';

export interface RecordSequencerOptions {
  readonly scope: BundleScope;
  /** Lines the manifest promises. */
  readonly expected: number;
  /** The head checkpoint (null when none was usable). */
  readonly head: AcceptedCheckpoint | null;
  /** Accepted checkpoints, oldest first: a full bundle's tree is compared with each. */
  readonly checkpoints: readonly AcceptedCheckpoint[];
  readonly report: ReportBuilder;
  readonly hashes: HashPrimitives;
}

const FILE = 'records.jsonl';

export class RecordSequencer {
  readonly #o: RecordSequencerOptions;
  readonly #full: boolean;
  readonly #tree: CompactRange | null;
  /** Next seq a full or range bundle must hold; for a subject bundle, one past the last seq. */
  #next: number;
  /** Hash of record #next - 1 when known (null after a line that could not be read). */
  #lastHash: Uint8Array | null = null;
  #lines = 0;
  #cp = 0;
  #rootFailed = false;
  /** Seq failures (order, gaps) already explain a line count that differs from the manifest's. */
  #structural = 0;

  constructor(options: RecordSequencerOptions) {
    this.#o = options;
    this.#full = options.scope.type === 'full';
    this.#tree = this.#full ? new CompactRange(options.hashes) : null;
    this.#next = options.scope.type === 'range' ? options.scope.from : 0;
  }

  get lines(): number {
    return this.#lines;
  }

  push(r: LineResult): void {
    this.#lines++;
    const { report, scope, head } = this.#o;
    report.checked('format');
    for (const f of r.failures) report.fail(f.seq === null ? { ...f, seq: this.#next } : f);
    report.checked('embedded-signatures', r.envelopes);
    if (r.inclusion) report.checked('merkle-inclusion');
    const rec = r.record;
    if (rec === undefined) {
      // The line could not be read: assume it held the seq expected here, and do not judge the
      // link of the next record to a record we could not see. Its leaf is unknown: a placeholder
      // keeps the tree's size (and so the checkpoint it reaches next) in step with the file.
      if (this.#tree !== null)
        this.#grow(new Uint8Array(32), { seq: this.#next, file: FILE, line: r.line }, head);
      this.#next++;
      this.#lastHash = null;
      return;
    }
    const at = { seq: rec.seq, file: FILE, line: r.line } as const;
    report.checked('record-hashes');
    if (rec.seq < this.#next) {
      this.#structural++;
      report.fail({
        code: 'QT_VERIFY_SEQ_ORDER',
        ...at,
        message: `seq ${rec.seq} comes after seq ${this.#next - 1}: a duplicated or reordered record`,
      });
      return;
    }
    if (scope.type === 'range' && rec.seq >= scope.to) {
      report.fail({
        code: 'QT_VERIFY_SCOPE',
        ...at,
        message: `seq ${rec.seq} is outside the bundle's range [${scope.from}, ${scope.to})`,
      });
    }
    if (!rec.about) {
      report.fail({
        code: 'QT_VERIFY_SCOPE',
        ...at,
        message: "the record is not about the bundle's subject",
      });
    }
    report.checked('chain-links');
    if (rec.seq > this.#next && scope.type !== 'subject') {
      this.#structural++;
      report.fail({
        code: 'QT_VERIFY_CHAIN_GAP',
        ...at,
        seq: this.#next,
        message: `records ${this.#next}${rec.seq - 1 > this.#next ? ` to ${rec.seq - 1}` : ''} are missing before seq ${rec.seq}`,
      });
    } else if (rec.seq === this.#next && this.#lastHash !== null && rec.prev !== bytesToHex(this.#lastHash)) {
      report.fail({
        code: 'QT_VERIFY_CHAIN',
        ...at,
        message: `the record's prev is not the hash of record ${rec.seq - 1}`,
      });
    }
    this.#next = rec.seq + 1;
    this.#lastHash = rec.hash;
    if (this.#tree !== null) this.#grow(rec.leaf, at, head);
  }

  #grow(
    leaf: Uint8Array,
    at: { seq: number; file: typeof FILE; line: number },
    head: AcceptedCheckpoint | null,
  ): void {
    const tree = this.#tree as CompactRange;
    const { report, checkpoints } = this.#o;
    // Without any checkpoint there is no tree to compare with (the pipeline reports that once).
    if (head === null) return;
    if (at.seq >= head.treeSize) {
      report.fail({
        code: 'QT_VERIFY_NOT_COVERED',
        ...at,
        message: `the record is beyond the head checkpoint (tree size ${head.treeSize})`,
      });
      return;
    }
    tree.append(leaf);
    report.checked('merkle-inclusion');
    const cp = checkpoints[this.#cp];
    if (cp === undefined || tree.size !== cp.treeSize) return;
    this.#cp++;
    if (!this.#rootFailed && !equalBytes(tree.root(), cp.root)) {
      this.#rootFailed = true;
      report.fail({
        code: 'QT_VERIFY_ROOT',
        ...at,
        message: `the records up to seq ${at.seq} do not hash to the root of the checkpoint of tree size ${cp.treeSize}`,
      });
    }
  }

  /** End of the file: records missing at the end, or a line count the manifest does not promise. */
  end(): void {
    const { report, scope, expected, head } = this.#o;
    const end =
      scope.type === 'full' ? (head?.treeSize ?? expected) : scope.type === 'range' ? scope.to : undefined;
    if (end !== undefined && this.#next < end) {
      report.fail({
        code: 'QT_VERIFY_TRUNCATED',
        seq: this.#next,
        file: FILE,
        message: `records.jsonl ends before seq ${this.#next}: the bundle should hold records up to seq ${end - 1}`,
      });
    } else if (this.#lines !== expected && this.#structural === 0) {
      report.fail({
        code: this.#lines < expected ? 'QT_VERIFY_TRUNCATED' : 'QT_VERIFY_COUNT',
        seq: null,
        file: FILE,
        message: `records.jsonl has ${this.#lines} lines, but the manifest promises ${expected} records`,
      });
    }
  }
}
