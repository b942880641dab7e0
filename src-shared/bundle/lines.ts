/**
 * The lines of a bundle's JSON Lines files (docs/formats.md, "Bundles"). Each line is the RFC 8785
 * canonical form of one object followed by LF, so a line has exactly one byte form and a record's
 * bytes inside it are exactly the canonical bytes that were hashed.
 *
 *   records.jsonl      {"hash":hex,"inclusion":[hex,...],"record":{...},"seq":n}
 *                      `hash` is the record hash (H("qtrust/evidence/v1", canonical record));
 *                      `inclusion` (partial bundles only) is the RFC 9162 inclusion proof of the
 *                      record's leaf in the tree of the head checkpoint.
 *   checkpoints.jsonl  {"consistency":[hex,...],"text":signed checkpoint note}
 *                      `consistency` is the RFC 9162 consistency proof from the previous line's
 *                      checkpoint to this one (empty on the first line).
 */
import { z } from 'zod';
import { bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from '../bytes.js';
import { canonicalize, parseJson } from '../canonical.js';
import { QtError } from '../errors.js';
import { MAX_RECORD_BYTES, type EvidenceRecord } from '../evidence/record.js';
import { MAX_PROOF_ELEMENTS } from '../merkle/inclusion.js';
import { MAX_NOTE_LENGTH } from '../checkpoint/note.js';

/** Longest line accepted: the largest record, its proof and the wrapper fit with room to spare. */
export const MAX_LINE_BYTES = MAX_RECORD_BYTES + 64 * 1024;

export interface RecordLine {
  readonly seq: number;
  /** The claimed record hash (32 bytes). */
  readonly hash: Uint8Array;
  /** The record as parsed JSON (checked by parseRecord, not here). */
  readonly record: unknown;
  readonly inclusion?: readonly Uint8Array[];
}

export interface CheckpointLine {
  readonly text: string;
  readonly consistency: readonly Uint8Array[];
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const proof = z.array(hex32).max(MAX_PROOF_ELEMENTS);

const recordLineSchema = z.strictObject({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: hex32,
  record: z.record(z.string(), z.unknown()),
  inclusion: proof.optional(),
});

const checkpointLineSchema = z.strictObject({
  text: z.string().min(1).max(MAX_NOTE_LENGTH),
  consistency: proof,
});

function lineError(message: string, path = '$', cause?: unknown): QtError {
  return new QtError('QT_BUNDLE_LINE', message, { path, cause });
}

/** Bytes of one line (without its LF) to a value, refusing non-canonical text. */
function canonicalLine(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = bytesToUtf8(bytes, 'line');
    value = parseJson(text);
  } catch (cause) {
    // Both throw QtErrors that name the offending JSON path (or 'line' for bad UTF-8).
    const e = cause as QtError;
    throw lineError(`line is not JSON: ${e.message}`, e.path, cause);
  }
  if (canonicalize(value) !== text) throw lineError('line is not in RFC 8785 canonical form');
  return value;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = ['$', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
  throw lineError(`line ${path}: ${issue.message}`, path, result.error);
}

const toBytes = (hex: string): Uint8Array => hexToBytes(hex);

/** Parses one line of records.jsonl (QT_BUNDLE_LINE naming the JSON path). */
export function parseRecordLine(bytes: Uint8Array): RecordLine {
  const o = parseWith(recordLineSchema, canonicalLine(bytes));
  return {
    seq: o.seq,
    hash: toBytes(o.hash),
    record: o.record,
    ...(o.inclusion === undefined ? {} : { inclusion: o.inclusion.map(toBytes) }),
  };
}

/** A record line cut into its members, the record left as the bytes the line holds. */
export interface RecordLineParts {
  readonly seq: number;
  readonly hash: Uint8Array;
  readonly inclusion?: readonly Uint8Array[];
  /** The bytes between `"record":` and `,"seq":`, unchecked: parseRecord must accept them. */
  readonly recordBytes: Uint8Array;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const RBRACE = 0x7d;
const HEAD = utf8ToBytes('{"hash":"');
const INCLUSION = utf8ToBytes('"inclusion":[');
const RECORD = utf8ToBytes('"record":');
const SEQ = utf8ToBytes(',"seq":');

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** 32 bytes from 64 lowercase hex digits at `at`, or null. */
function hex32At(bytes: Uint8Array, at: number): Uint8Array | null {
  if (at + 64 > bytes.length) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const hi = nibble(bytes[at + 2 * i] as number);
    const lo = nibble(bytes[at + 2 * i + 1] as number);
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The fast path of a record line: recognizes the exact canonical framing
 * `{"hash":"<hex>",["inclusion":["<hex>",...],]"record":<bytes>,"seq":<digits>}` without parsing
 * the record, whose bytes are returned for parseRecord. Returns null for anything else (the caller
 * then runs parseRecordLine, which names the fault). When it returns parts and parseRecord accepts
 * `recordBytes` (canonical JSON of a record), the whole line is exactly the canonical form that
 * parseRecordLine accepts, with the same members: members in RFC 8785 order, hex digits in
 * lowercase, at most MAX_PROOF_ELEMENTS proof hashes, seq a safe integer without leading zeros.
 */
export function splitRecordLine(bytes: Uint8Array): RecordLineParts | null {
  if (!startsWith(bytes, 0, HEAD)) return null;
  const hash = hex32At(bytes, HEAD.length);
  let at = HEAD.length + 64;
  if (hash === null || bytes[at] !== QUOTE || bytes[at + 1] !== COMMA) return null;
  at += 2;
  let inclusion: Uint8Array[] | undefined;
  if (startsWith(bytes, at, INCLUSION)) {
    at += INCLUSION.length;
    inclusion = [];
    if (bytes[at] === CLOSE) at++;
    else {
      for (;;) {
        if (bytes[at] !== QUOTE || inclusion.length === MAX_PROOF_ELEMENTS) return null;
        const h = hex32At(bytes, at + 1);
        if (h === null || bytes[at + 65] !== QUOTE) return null;
        inclusion.push(h);
        at += 66;
        if (bytes[at] === CLOSE) break;
        if (bytes[at] !== COMMA) return null;
        at++;
      }
      at++;
    }
    if (bytes[at] !== COMMA) return null;
    at++;
  }
  if (!startsWith(bytes, at, RECORD)) return null;
  const start = at + RECORD.length;
  // Backwards from the end: `,"seq":` then 1 to 16 digits, no leading zero, then `}`.
  const end = bytes.length - 1;
  if (bytes[end] !== RBRACE) return null;
  let d = end;
  while (d > start && (bytes[d - 1] as number) >= 0x30 && (bytes[d - 1] as number) <= 0x39) d--;
  const digits = end - d;
  if (digits === 0 || digits > 16 || (digits > 1 && bytes[d] === 0x30)) return null;
  const seqAt = d - SEQ.length;
  if (seqAt < start || !startsWith(bytes, seqAt, SEQ)) return null;
  let seq = 0;
  for (let i = d; i < end; i++) seq = seq * 10 + ((bytes[i] as number) - 0x30);
  if (!Number.isSafeInteger(seq)) return null;
  return {
    seq,
    hash,
    ...(inclusion === undefined ? {} : { inclusion }),
    recordBytes: bytes.subarray(start, seqAt),
  };
}

/** Parses one line of checkpoints.jsonl (QT_BUNDLE_LINE naming the JSON path). */
export function parseCheckpointLine(bytes: Uint8Array): CheckpointLine {
  const o = parseWith(checkpointLineSchema, canonicalLine(bytes));
  return { text: o.text, consistency: o.consistency.map(toBytes) };
}

/** One line of records.jsonl, LF included. */
export function formatRecordLine(
  record: EvidenceRecord,
  hash: Uint8Array,
  inclusion?: readonly Uint8Array[],
): Uint8Array {
  const line = {
    seq: record.seq,
    hash: bytesToHex(hash),
    record,
    ...(inclusion === undefined ? {} : { inclusion: inclusion.map(bytesToHex) }),
  };
  return utf8ToBytes(`${canonicalize(line)}\n`);
}

/** One line of checkpoints.jsonl, LF included. */
export function formatCheckpointLine(text: string, consistency: readonly Uint8Array[]): Uint8Array {
  return utf8ToBytes(`${canonicalize({ text, consistency: consistency.map(bytesToHex) })}\n`);
}
