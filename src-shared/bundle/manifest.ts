/**
 * The bundle manifest (docs/formats.md, "Bundles"): `manifest.json`, one JSON object saying which
 * log the bundle is from, which records it holds (all, a seq range, or those about one subject),
 * the tree size of its head checkpoint and how many lines each file has. It is written last by an
 * export, so a half-written folder has no manifest and is not a bundle.
 *
 * The manifest is not signed: everything it claims is checked against the records and the
 * checkpoints, which the auditor's pinned keys authenticate. It only tells the verifier what to
 * expect (so that a truncated file is detected) and what the bundle cannot prove.
 */
import { z } from 'zod';
import { canonicalize, parseJsonBytes } from '../canonical.js';
import { utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { ORIGIN_PATTERN, parseRecordTime } from '../evidence/record.js';
import type { BundleScope } from '../verify/report.js';

export const BUNDLE_FORMAT = 'qtrust.bundle/v1';
export const MANIFEST_FILE = 'manifest.json';
export const RECORDS_FILE = 'records.jsonl';
export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
/** Largest manifest accepted: it is a few hundred bytes. */
export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Longest subject id in a subject bundle. */
export const MAX_SUBJECT_LENGTH = 256;

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly log: string;
  readonly scope: BundleScope;
  /** Tree size of the head checkpoint (the last line of checkpoints.jsonl). */
  readonly treeSize: number;
  /** Lines of records.jsonl. */
  readonly records: number;
  /** Lines of checkpoints.jsonl. */
  readonly checkpoints: number;
  /** When the export ran, in the record time profile. */
  readonly createdAt: string;
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const scopeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('full') }),
  z.strictObject({ type: z.literal('range'), from: count, to: count }),
  z.strictObject({
    type: z.literal('subject'),
    subject: z.string().min(1).max(MAX_SUBJECT_LENGTH),
  }),
]);

const manifestSchema = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    log: z.string().regex(ORIGIN_PATTERN, 'must be a log origin'),
    scope: scopeSchema,
    treeSize: count,
    records: count,
    checkpoints: count,
    createdAt: z.string().refine((t) => {
      try {
        parseRecordTime(t);
        return true;
      } catch {
        return false;
      }
    }, 'must be an RFC 3339 UTC time with milliseconds'),
  })
  .superRefine((m, ctx) => {
    const s = m.scope;
    const wrong = (message: string, path: string[]): void =>
      void ctx.addIssue({ code: 'custom', message, path });
    if (s.type === 'full' && m.records !== m.treeSize)
      wrong('a full bundle holds treeSize records', ['records']);
    if (s.type === 'range') {
      if (s.from >= s.to) wrong('from must be below to', ['scope', 'from']);
      else if (s.to > m.treeSize) wrong('to must not exceed treeSize', ['scope', 'to']);
      else if (m.records !== s.to - s.from) wrong('a range bundle holds to - from records', ['records']);
    }
    if (s.type === 'subject' && m.records > m.treeSize)
      wrong('records must not exceed treeSize', ['records']);
  });

/** A zod issue path as a JSON path: the manifest holds no arrays, so every segment is a member name. */
function pathOf(path: readonly PropertyKey[]): string {
  return ['$', ...path.map((p) => `.${String(p)}`)].join('');
}

/**
 * Parses manifest.json (strict JSON, exact members, consistent counts). Failures are
 * QT_BUNDLE_MANIFEST naming the JSON path.
 */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  let value: unknown;
  try {
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new QtError('QT_RANGE', `is larger than ${MAX_MANIFEST_BYTES} bytes`, { path: '$' });
    }
    value = parseJsonBytes(bytes);
  } catch (cause) {
    // Every error above is a QtError naming its JSON path ('$' for size, 'bytes' for bad UTF-8).
    const e = cause as QtError;
    throw new QtError('QT_BUNDLE_MANIFEST', `manifest.json: ${e.message}`, { path: e.path, cause });
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    const path = pathOf(issue.path);
    throw new QtError('QT_BUNDLE_MANIFEST', `manifest.json ${path}: ${issue.message}`, { path });
  }
  return result.data as BundleManifest;
}

/** The manifest's bytes as an export writes them: canonical JSON and a newline. */
export function formatManifest(manifest: BundleManifest): string {
  const text = `${canonicalize(manifest)}\n`;
  // Writing a manifest the verifier would refuse is a bug in the caller: fail here, not at the auditor.
  try {
    parseManifest(utf8ToBytes(text));
  } catch (e) {
    const q = e as QtError;
    throw new QtError('QT_TYPE', q.message, { path: q.path });
  }
  return text;
}
