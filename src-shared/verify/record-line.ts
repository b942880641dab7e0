/**
 * The checks of one records.jsonl line that need nothing but the line itself and the context
 * fixed before the records are read (the log, the scope, the head checkpoint, the pinned embedded
 * keys): format, record hash, embedded signatures and, for a partial bundle, its inclusion proof.
 * Being independent of the other lines, they run in any order and in parallel (worker threads);
 * what depends on order (chain links, the full tree) is left to the sequencer (records.ts).
 */
import { equalBytes } from '../bytes.js';
import { TAGS, taggedInput, type HashPrimitives } from '../hash.js';
import {
  isRecordValue,
  MAX_RECORD_BYTES,
  parseRecord,
  type EvidenceRecord,
  type SealedRecord,
} from '../evidence/record.js';
import { leafHash } from '../merkle/hash.js';
import { verifyInclusion } from '../merkle/inclusion.js';
import type { SuiteBackend } from '../sign/index.js';
import { parseRecordLine, splitRecordLine, type RecordLine } from '../bundle/lines.js';
import type { RawLine } from '../bundle/split.js';
import { readCanonical } from './canonical-text.js';
import { checkEmbedded } from './embedded.js';
import type { FailureInput } from './report.js';
import type { EmbeddedTrust } from './trust.js';

export interface LineContext {
  /** The log the manifest names. */
  readonly log: string;
  /** Partial bundles carry an inclusion proof on every line; full bundles carry none. */
  readonly partial: boolean;
  /** The head checkpoint's tree (null when the bundle has no usable checkpoint). */
  readonly head: { readonly treeSize: number; readonly root: Uint8Array } | null;
  /** For a subject bundle: the subject every record must be about. */
  readonly subject?: string;
  readonly trust: EmbeddedTrust;
}

/** What the sequencer needs of a record that could be parsed. */
export interface CheckedRecord {
  readonly seq: number;
  readonly prev: string;
  /** The record hash recomputed from its canonical bytes. */
  readonly hash: Uint8Array;
  /** Its RFC 9162 leaf hash. */
  readonly leaf: Uint8Array;
  /** For a subject bundle: whether the record is about the subject. */
  readonly about: boolean;
}

export interface LineResult {
  readonly line: number;
  /** Failures found; a null seq means "the seq this line should have had" (filled in by the sequencer). */
  readonly failures: readonly FailureInput[];
  readonly record?: CheckedRecord;
  /** Envelopes checked, and whether an inclusion proof was checked. */
  readonly envelopes: number;
  readonly inclusion: boolean;
}

const FILE = 'records.jsonl';

/** Whether a record body says it is about `subject` (`subject` or `subjects` member). */
export function isAbout(body: Record<string, unknown>, subject: string): boolean {
  const many = body.subjects;
  return body.subject === subject || (Array.isArray(many) && many.includes(subject));
}

/** u8(len(tag)) || tag || u64be(len) of the record tag (docs/formats.md, "Hashing"), length to fill in. */
const EVIDENCE_PREFIX = taggedInput(TAGS.evidence, new Uint8Array(0));
const PREFIX = EVIDENCE_PREFIX.length;

/**
 * The record hash H("qtrust/evidence/v1", bytes) and the RFC 9162 §2.1.1 leaf hash
 * SHA-256(0x00 || bytes) from one copy of the bytes: the tagged input is built once, then its last
 * length byte is overwritten with the leaf prefix 0x00 (records are at most 1 MiB, so the length's
 * top five bytes are zero) and the leaf input is a view of the same buffer.
 */
function recordDigests(bytes: Uint8Array, hashes: HashPrimitives): { hash: Uint8Array; leaf: Uint8Array } {
  const n = bytes.length;
  const buf = new Uint8Array(PREFIX + n);
  buf.set(EVIDENCE_PREFIX);
  buf[PREFIX - 3] = n >>> 16;
  buf[PREFIX - 2] = (n >>> 8) & 0xff;
  buf[PREFIX - 1] = n & 0xff;
  buf.set(bytes, PREFIX);
  const hash = hashes.sha256(buf);
  buf[PREFIX - 1] = 0x00;
  return { hash, leaf: hashes.sha256(buf.subarray(PREFIX - 1)) };
}

type LineParts = Pick<RecordLine, 'seq' | 'hash' | 'inclusion'>;

/**
 * A line in its canonical framing whose record bytes parseRecord accepts: exactly the lines the
 * full parse (parseRecordLine, then parseRecord of its record) accepts, with the same result, at
 * one native parse and round trip of the record (canonical-text.ts) and one hand-written check of
 * its members (isRecordValue) instead of the strict parser, zod and canonicalize. Anything else
 * returns null, and the full parse decides and names the fault.
 */
function fastPath(
  bytes: Uint8Array,
  hashes: HashPrimitives,
): { line: LineParts; record: EvidenceRecord; hash: Uint8Array; leaf: Uint8Array } | null {
  const parts = splitRecordLine(bytes);
  if (parts === null || parts.recordBytes.length > MAX_RECORD_BYTES) return null;
  const read = readCanonical(parts.recordBytes);
  if (read === null || !isRecordValue(read.value)) return null;
  return { line: parts, record: read.value, ...recordDigests(parts.recordBytes, hashes) };
}

export function checkRecordLine(
  raw: RawLine,
  ctx: LineContext,
  hashes: HashPrimitives,
  backend: SuiteBackend,
): LineResult {
  const at = { file: FILE, line: raw.number } as const;
  const only = (f: FailureInput): LineResult => ({
    line: raw.number,
    failures: [f],
    envelopes: 0,
    inclusion: false,
  });
  if (raw.tooLong)
    return only({
      code: 'QT_VERIFY_LINE',
      seq: null,
      ...at,
      message: 'the line is longer than any record can be',
    });
  if (!raw.complete) {
    return only({
      code: 'QT_VERIFY_TRUNCATED',
      seq: null,
      ...at,
      message: 'the file ends in the middle of a line: it was cut short',
    });
  }
  let line: LineParts;
  let record: EvidenceRecord;
  let hash: Uint8Array;
  let leaf: Uint8Array;
  const fast = fastPath(raw.bytes, hashes);
  if (fast !== null) {
    ({ line, record, hash, leaf } = fast);
  } else {
    try {
      line = parseRecordLine(raw.bytes);
    } catch (e) {
      return only({ code: 'QT_VERIFY_LINE', seq: null, ...at, message: (e as Error).message });
    }
    let sealed: SealedRecord;
    try {
      sealed = parseRecord((line as RecordLine).record, hashes);
    } catch (e) {
      return only({ code: 'QT_VERIFY_RECORD', seq: line.seq, ...at, message: (e as Error).message });
    }
    ({ record, hash } = sealed);
    leaf = leafHash(sealed.bytes, hashes);
  }
  const seq = line.seq;
  const failures: FailureInput[] = [];
  if (record.seq !== seq) {
    // Which of the two is wrong is unknown: report at the seq this line should have had.
    return only({
      code: 'QT_VERIFY_LINE',
      seq: null,
      ...at,
      message: `the line says seq ${seq} but holds record ${record.seq}`,
    });
  }
  if (record.log !== ctx.log) {
    failures.push({
      code: 'QT_VERIFY_LOG',
      seq,
      ...at,
      message: `the record belongs to log "${record.log}", not "${ctx.log}"`,
    });
  }
  if (ctx.partial !== (line.inclusion !== undefined)) {
    failures.push({
      code: 'QT_VERIFY_SCOPE',
      seq,
      ...at,
      message: ctx.partial
        ? 'a line of a partial bundle lacks its inclusion proof'
        : 'a line of a full bundle carries an inclusion proof',
    });
  }
  if (!equalBytes(hash, line.hash)) {
    failures.push({
      code: 'QT_VERIFY_RECORD_HASH',
      seq,
      ...at,
      message: 'the record does not hash to the hash its line states',
    });
  }
  const embedded = checkEmbedded(record, ctx.trust, backend);
  for (const p of embedded.problems) failures.push({ seq, ...at, ...p });
  let inclusion = false;
  if (line.inclusion !== undefined && ctx.head !== null) {
    if (seq >= ctx.head.treeSize) {
      failures.push({
        code: 'QT_VERIFY_NOT_COVERED',
        seq,
        ...at,
        message: `the record is beyond the head checkpoint (tree size ${ctx.head.treeSize})`,
      });
    } else {
      inclusion = true;
      if (!verifyInclusion(leaf, seq, ctx.head.treeSize, line.inclusion, ctx.head.root, hashes)) {
        failures.push({
          code: 'QT_VERIFY_INCLUSION',
          seq,
          ...at,
          message: `the inclusion proof does not lead to the root of the checkpoint of tree size ${ctx.head.treeSize}`,
        });
      }
    }
  }
  const about = ctx.subject === undefined || isAbout(record.body, ctx.subject);
  return {
    line: raw.number,
    failures,
    record: { seq, prev: record.prev, hash, leaf, about },
    envelopes: embedded.checked,
    inclusion,
  };
}
