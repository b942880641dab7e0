/**
 * Evidence records (docs/formats.md, "Evidence records"): one canonical JSON object per event,
 * hash-chained through `prev`.
 *
 *   { "v": 1, "log": origin, "seq": n, "prev": hex(hash of record n-1, or 32 zero bytes for n = 0),
 *     "time": "YYYY-MM-DDTHH:MM:SS.mmmZ", "kind": one of RECORD_KINDS, "body": { ... } }
 *
 * recordHash = H("qtrust/evidence/v1", canonical bytes) (src-shared/hash.ts). The Merkle leaf of a
 * record is its canonical bytes (RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || bytes)), so a Merkle
 * inclusion proof is checked against the very bytes a bundle carries, with no extra convention.
 * Records carry no signature of their own: the hybrid-signed checkpoints that cover them
 * authenticate them (docs/evidence.md).
 */
import { z } from 'zod';
import { canonicalBytes, canonicalize, parseJson, type JsonValue } from '../canonical.js';
import {
  aint,
  astring,
  bytesToHex,
  bytesToUtf8,
  describe,
  equalBytes,
  isBytes,
  isPlainObject,
  utf8ToBytes,
} from '../bytes.js';
import { QtError, isQtError } from '../errors.js';
import { TAGS, hashTagged, nobleHashes, type HashPrimitives } from '../hash.js';

export const RECORD_VERSION = 1;

/** Record kinds. A kind is a registered name, so a verifier can refuse what it does not know. */
export const RECORD_KINDS = Object.freeze([
  'decision',
  'approval',
  'grant',
  'ceremony',
  'policy',
  'incident',
  'anchor',
  'trust',
  'key',
  'lockdown',
  'system',
] as const);
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * Bookkeeping kinds are covered by checkpoints but never cause one (checkpoint-policy.ts): an
 * anchor-status record is written because a checkpoint was anchored, and must not start the cycle
 * again.
 */
export const BOOKKEEPING_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(['anchor']);

/** Largest canonical encoding of one record: 1 MiB keeps any single row and proof leaf bounded. */
export const MAX_RECORD_BYTES = 1 << 20;

/** Hash of the record before seq 0. */
export const ZERO_HASH: Uint8Array = new Uint8Array(32);
const ZERO_HEX = '0'.repeat(64);

/**
 * A log origin, as in C2SP tlog-checkpoint: printable ASCII, no spaces and no '+', 1 to 255
 * characters (for example `qtrust.local/acme/desktop-1`).
 */
export const ORIGIN_PATTERN = /^[\x21-\x2a\x2c-\x7e]{1,255}$/;

// RFC 3339 §5.6 in one profile: UTC, exactly three fraction digits, upper-case T and Z. Exactly
// Date.prototype.toISOString's output for years 1970 to 9999, so each instant has one text form.
const TIME_PROFILE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** 9999-12-31T23:59:59.999Z in Unix milliseconds. */
export const MAX_TIME_MS = 253_402_300_799_999;

export type JsonObject = { [key: string]: JsonValue };

export interface EvidenceRecord {
  readonly v: typeof RECORD_VERSION;
  readonly log: string;
  readonly seq: number;
  /** Lowercase hex of the previous record's hash (64 zeros for seq 0). */
  readonly prev: string;
  readonly time: string;
  readonly kind: RecordKind;
  readonly body: JsonObject;
}

export interface CreateRecordInput {
  readonly log: string;
  readonly seq: number;
  /** Hash of the previous record: 32 bytes (ZERO_HASH for seq 0). */
  readonly prev: Uint8Array;
  /** Unix milliseconds. */
  readonly time: number;
  readonly kind: RecordKind;
  readonly body: unknown;
}

/** A record with the bytes that were hashed and its hash: what the store keeps and a verifier checks. */
export interface SealedRecord {
  readonly record: EvidenceRecord;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
}

const CODE = 'QT_RECORD_INVALID';

function invalid(path: string, message: string, cause?: unknown): QtError {
  return new QtError(CODE, `evidence record ${path}: ${message}`, { path, cause });
}

/** Unix milliseconds as the record time profile. */
export function formatRecordTime(ms: number, name = 'time'): string {
  aint(ms, name, 0, MAX_TIME_MS);
  // Appends come in bursts within one millisecond: remember the last conversion.
  if (ms !== lastTime.ms) {
    // new Date(x) with an argument is a pure conversion, not a clock read.
    lastTime = { ms, text: new Date(ms).toISOString() };
  }
  return lastTime.text;
}
let lastTime = { ms: -1, text: '' };

/** The record time profile back to Unix milliseconds; anything else is refused (QT_RECORD_INVALID). */
export function parseRecordTime(text: unknown, name = '$.time'): number {
  if (typeof text !== 'string' || !TIME_PROFILE.test(text)) {
    throw invalid(name, 'must be RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ)');
  }
  const ms = Date.parse(text);
  // Date.parse rolls nothing over for this profile but returns NaN for impossible dates (month 13),
  // and the round trip refuses the rest (February 30, hour 24, years before 1970).
  if (!Number.isSafeInteger(ms) || ms < 0 || new Date(ms).toISOString() !== text) {
    throw invalid(name, `"${text}" is not a valid date-time from 1970 on`);
  }
  return ms;
}

/** The last date (YYYY-MM-DD) isRecordTime found valid: consecutive records share their day. */
let lastDay = '';

const digit = (text: string, i: number): number => text.charCodeAt(i) - 0x30;

/**
 * Whether parseRecordTime accepts `text`, without its Date round trip for every call: the profile,
 * hours 00-23, minutes and seconds 00-59, and a date that exists from 1970 on (checked once per day
 * by parseRecordTime at midnight). Within a valid day every such time of day is an instant whose
 * toISOString is the text itself, and no other text survives parseRecordTime's round trip.
 */
export function isRecordTime(text: unknown): boolean {
  if (typeof text !== 'string' || !TIME_PROFILE.test(text)) return false;
  const hours = digit(text, 11) * 10 + digit(text, 12);
  const minutes = digit(text, 14) * 10 + digit(text, 15);
  const seconds = digit(text, 17) * 10 + digit(text, 18);
  if (hours > 23 || minutes > 59 || seconds > 59) return false;
  const day = text.slice(0, 10);
  if (day === lastDay) return true;
  try {
    parseRecordTime(`${day}T00:00:00.000Z`);
  } catch {
    return false;
  }
  lastDay = day;
  return true;
}

export function isRecordKind(value: unknown): value is RecordKind {
  return typeof value === 'string' && (RECORD_KINDS as readonly string[]).includes(value);
}

/** Asserts a log origin (QT_RECORD_INVALID naming `name`). */
export function aorigin(value: unknown, name = 'log'): string {
  const s = astring(value, name);
  if (!ORIGIN_PATTERN.test(s)) {
    throw invalid(name, 'must be 1 to 255 printable ASCII characters without spaces or "+"');
  }
  return s;
}

/**
 * Builds a record from its parts and seals it (canonical bytes, hash). Everything is checked; the
 * body must be a plain JSON object (the rules of canonical.ts). The returned record holds a copy of
 * the body, so later changes to the caller's object reach neither the record nor its bytes.
 */
export function createRecord(input: CreateRecordInput, hashes: HashPrimitives = nobleHashes): SealedRecord {
  const { text, hash, bytes } = encode(input, hashes);
  return Object.freeze({ record: parseJson(text) as unknown as EvidenceRecord, bytes, hash });
}

/**
 * createRecord without the copy of the record object: the canonical bytes and hash only, for the
 * store's append path, where the bytes are all that is kept. Same checks, same bytes.
 */
export function encodeRecord(
  input: CreateRecordInput,
  hashes: HashPrimitives = nobleHashes,
): { readonly bytes: Uint8Array; readonly hash: Uint8Array } {
  const { bytes, hash } = encode(input, hashes);
  return { bytes, hash };
}

function encode(
  input: CreateRecordInput,
  hashes: HashPrimitives,
): { text: string; bytes: Uint8Array; hash: Uint8Array } {
  const text = canonicalRecordText(input);
  const bytes = checkedBytes(text);
  return { text, bytes, hash: hashTagged(TAGS.evidence, bytes, hashes) };
}

/**
 * The checks of createRecord and the canonical text of the record, without encoding or hashing it:
 * for an append path that encodes the text straight into its hash input (src-main/evidence/
 * hashes.ts). The caller must still apply checkRecordLength to the UTF-8 length.
 */
export function canonicalRecordText(input: CreateRecordInput): string {
  if (!isPlainObject(input)) {
    throw new QtError('QT_TYPE', `input must be a plain object, got ${describe(input)}`, { path: 'input' });
  }
  const log = aorigin(input.log, 'log');
  const seq = aint(input.seq, 'seq');
  if (!isBytes(input.prev) || input.prev.length !== 32) {
    throw new QtError('QT_TYPE', `prev must be a 32-byte Uint8Array, got ${describe(input.prev)}`, {
      path: 'prev',
    });
  }
  if ((seq === 0) !== equalBytes(input.prev, ZERO_HASH)) {
    throw invalid('prev', seq === 0 ? 'must be all zeros for seq 0' : 'must not be all zeros after seq 0');
  }
  const time = formatRecordTime(input.time, 'time');
  if (!isRecordKind(input.kind)) {
    throw invalid('kind', `must be one of ${RECORD_KINDS.join(', ')}, got ${describe(input.kind)}`);
  }
  if (!isPlainObject(input.body))
    throw invalid('body', `must be a plain object, got ${describe(input.body)}`);
  try {
    return canonicalize({
      v: RECORD_VERSION,
      log,
      seq,
      prev: bytesToHex(input.prev),
      time,
      kind: input.kind,
      body: input.body,
    });
  } catch (cause) {
    throw rethrow(cause);
  }
}

/** Refuses a canonical encoding longer than MAX_RECORD_BYTES (QT_RECORD_INVALID). */
export function checkRecordLength(length: number): void {
  if (length > MAX_RECORD_BYTES) {
    throw invalid('$', `canonical encoding is ${length} bytes, more than ${MAX_RECORD_BYTES}`);
  }
}

function checkedBytes(text: string): Uint8Array {
  const bytes = utf8ToBytes(text);
  checkRecordLength(bytes.length);
  return bytes;
}

function rethrow(cause: unknown): QtError {
  if (isQtError(cause)) {
    // canonical.ts reports paths from the record root ($.body.x) in its message: keep both.
    return new QtError(CODE, `evidence record ${cause.message}`, { path: cause.path ?? '$', cause });
  }
  return invalid('$', String(cause), cause);
}

/** The canonical bytes of a record (RFC 8785): what is hashed and what is the Merkle leaf. */
export function recordBytes(record: EvidenceRecord): Uint8Array {
  return canonicalBytes(record);
}

/** H("qtrust/evidence/v1", canonical bytes). Accepts a record or its canonical bytes. */
export function recordHash(
  record: EvidenceRecord | Uint8Array,
  hashes: HashPrimitives = nobleHashes,
): Uint8Array {
  const bytes = isBytes(record) ? record : recordBytes(record);
  return hashTagged(TAGS.evidence, bytes, hashes);
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** The zod schema of a record: what parseRecord runs to name the fault of a value isRecordValue refuses. */
export const recordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  log: z.string().regex(ORIGIN_PATTERN, 'must be 1 to 255 printable ASCII characters without spaces or "+"'),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  prev: hex32,
  time: z.string().superRefine((value, ctx) => {
    try {
      parseRecordTime(value);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: (e as Error).message.replace(/^evidence record \$\.time: /, ''),
      });
    }
  }),
  kind: z.enum(RECORD_KINDS),
  body: z.record(z.string(), z.unknown()),
});

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_KEYS: ReadonlySet<string> = new Set(['v', 'log', 'seq', 'prev', 'time', 'kind', 'body']);
const RECORD_KEY_COUNT = RECORD_KEYS.size;
const KIND_SET: ReadonlySet<unknown> = new Set(RECORD_KINDS);

/**
 * Exactly what recordSchema accepts, plus the rule that prev is all zeros exactly for seq 0, for a
 * value produced by JSON parsing (plain objects, arrays and primitives only): the hot path of
 * parseRecord, which runs the zod schema only to name the fault of a value this refuses
 * (test/unit/evidence/record-shape.test.ts checks both accept the same values).
 */
export function isRecordValue(value: unknown): value is EvidenceRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  // strictObject: the seven members and no other (for..in also sees an own "__proto__" member).
  let n = 0;
  for (const k in o) {
    if (!RECORD_KEYS.has(k) || !hasOwn(o, k)) return false;
    n++;
  }
  const { v, log, seq, prev, time, kind, body } = o;
  if (n !== RECORD_KEY_COUNT || v !== RECORD_VERSION || !KIND_SET.has(kind)) return false;
  if (typeof log !== 'string' || !ORIGIN_PATTERN.test(log)) return false;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return false;
  if (typeof prev !== 'string' || !HEX64.test(prev) || (seq === 0) !== (prev === ZERO_HEX)) return false;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return isRecordTime(time);
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg).slice(0, 64))}]`;
  }
  return out;
}

/**
 * Parses a record strictly: JSON text or UTF-8 bytes (which must be exactly the canonical form:
 * a record travels and is hashed only in that form), or an already parsed value. Exact members,
 * version 1, a valid origin, a safe seq, a hex prev (zeros exactly when seq is 0), the time
 * profile, a registered kind and an object body. Failures are QT_RECORD_INVALID with the JSON path.
 */
export function parseRecord(input: unknown, hashes: HashPrimitives = nobleHashes): SealedRecord {
  let value: JsonValue;
  let text: string | undefined;
  try {
    if (isBytes(input)) {
      if (input.length > MAX_RECORD_BYTES)
        throw invalid('$', `is ${input.length} bytes, more than ${MAX_RECORD_BYTES}`);
      text = bytesToUtf8(input, 'record');
      value = parseJson(text);
    } else if (typeof input === 'string') {
      if (input.length > MAX_RECORD_BYTES)
        throw invalid('$', `is longer than ${MAX_RECORD_BYTES} characters`);
      text = input;
      value = parseJson(text);
    } else {
      value = parseJson(canonicalize(input));
    }
  } catch (cause) {
    if (isQtError(cause) && cause.code === CODE) throw cause;
    throw rethrow(cause);
  }
  if (!isRecordValue(value)) {
    // The hand-written check refused it: the schema names the fault (JSON path and reason).
    const result = recordSchema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0] as z.core.$ZodIssue;
      const path = jsonPath(issue.path);
      throw invalid(path, issue.message, result.error);
    }
  }
  const record = value as unknown as EvidenceRecord;
  if ((record.seq === 0) !== (record.prev === ZERO_HEX)) {
    throw invalid(
      '$.prev',
      record.seq === 0 ? 'must be all zeros for seq 0' : 'must not be all zeros after seq 0',
    );
  }
  const canonical = canonicalize(record);
  if (text !== undefined && text !== canonical) {
    throw invalid('$', 'is not in RFC 8785 canonical form');
  }
  const bytes = checkedBytes(canonical);
  return Object.freeze({ record, bytes, hash: hashTagged(TAGS.evidence, bytes, hashes) });
}

/** What a chain link is checked against: the previous record's log, seq and hash. */
export interface ChainHead {
  readonly log: string;
  readonly seq: number;
  readonly hash: Uint8Array;
}

/**
 * Checks that `record` directly follows `prev` (null: `record` must be seq 0 with the zero prev):
 * same log, seq one higher, and `prev` equal to the previous record's hash. Throws QT_CHAIN_BROKEN
 * naming the seq and the field.
 */
export function verifyChainLink(prev: ChainHead | null, record: EvidenceRecord): void {
  const seq = record.seq;
  if (prev === null) {
    if (seq !== 0) throw broken(seq, '$.seq', `expected seq 0 at the start of the log, got ${seq}`);
    if (record.prev !== ZERO_HEX) throw broken(seq, '$.prev', 'the first record must have the zero prev');
    return;
  }
  if (record.log !== prev.log) {
    throw broken(seq, '$.log', `log "${record.log}" differs from the previous record's "${prev.log}"`);
  }
  if (seq !== prev.seq + 1)
    throw broken(seq, '$.seq', `expected seq ${prev.seq + 1} after ${prev.seq}, got ${seq}`);
  if (record.prev !== bytesToHex(prev.hash)) {
    throw broken(seq, '$.prev', `prev does not match the hash of record ${prev.seq}`);
  }
}

function broken(seq: number, path: string, message: string): QtError {
  return new QtError('QT_CHAIN_BROKEN', `chain broken at seq ${seq}: ${message}`, { path });
}
