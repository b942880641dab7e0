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
    const e = cause as QtError;
    throw lineError(`line is not JSON: ${e.message}`, e.path ?? '$', cause);
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
