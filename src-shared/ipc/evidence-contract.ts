/**
 * Contract entries of the Evidence and Verify sections (docs/app.md, "Evidence and Verify").
 * Spread into CONTRACT by contract.ts; kept apart so the two features can grow without touching
 * the shared map.
 *
 * Bounds, so no answer carries the whole log: a records page holds at most EVIDENCE_PAGE_MAX rows
 * and filtering happens in main (SQL). Paths never cross from the renderer: a bundle or trust file
 * is named by an opaque id that main minted when the person picked it in the native dialog.
 */
import './zod-config.js';
import { z } from 'zod';
import { MAX_RECORD_BYTES, MAX_TIME_MS, ORIGIN_PATTERN, RECORD_KINDS } from '../evidence/record.js';
import { STAGES } from '../verify/report.js';
import type { ChannelSpec } from './contract.js';

/** Largest page of list rows one readEvidenceRecords call returns. */
export const EVIDENCE_PAGE_MAX = 200;
/** Longest subject or action filter (and longest shown in a row; longer ones are clipped). */
export const EVIDENCE_TEXT_MAX = 256;
/** Logs listed per tenant database. */
export const EVIDENCE_LOGS_MAX = 64;
/** Failures a verify report may carry over IPC (MAX_REPORTED_FAILURES per stage, 8 stages). */
export const VERIFY_FAILURES_MAX = 800;

const origin = z.string().regex(ORIGIN_PATTERN);
const seq = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const timeMs = z.int().min(0).max(MAX_TIME_MS);
const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const kind = z.enum(RECORD_KINDS);
const filterText = z.string().min(1).max(EVIDENCE_TEXT_MAX);
/** An id main minted for a dialog choice or a job: 32 lowercase hex digits. */
export const choiceId = z.string().regex(/^[0-9a-f]{32}$/);
const message = z.string().max(2048);

const evidenceFilter = z.strictObject({
  kind: kind.optional(),
  subject: filterText.optional(),
  action: filterText.optional(),
  /** Inclusive bounds on the record time, Unix ms. */
  fromTime: timeMs.optional(),
  toTime: timeMs.optional(),
});

const recordRow = z.strictObject({
  seq,
  kind,
  time: timeMs,
  subject: z.string().max(EVIDENCE_TEXT_MAX).nullable(),
  action: z.string().max(EVIDENCE_TEXT_MAX).nullable(),
});

const checkpointInfo = z.strictObject({
  size: count,
  root: hex32,
  time: timeMs,
  /** The checkpoint's signed-note text (small: a few signature lines). */
  text: z.string().max(64 * 1024),
  /** Every producer key of the log signed it and its fields match the store. */
  signature: z.enum(['verified', 'failed']),
  error: message.nullable(),
});

const inclusion = z.strictObject({
  /** `not-covered`: no checkpoint covers the record yet (it is newer than the latest one). */
  status: z.enum(['verified', 'failed', 'not-covered']),
  treeSize: count.nullable(),
  proof: z.array(hex32).max(64),
  error: message.nullable(),
});

const scope = z.union([
  z.strictObject({ type: z.literal('full') }),
  z.strictObject({ type: z.literal('range'), from: seq, to: seq }),
  z.strictObject({ type: z.literal('subject'), subject: z.string().max(4096) }),
]);

const verifyCode = z.string().regex(/^QT_[A-Z0-9_]{1,60}$/);
const stage = z.enum(STAGES);

const verifyReport = z.strictObject({
  ok: z.boolean(),
  log: z.string().max(255).nullable(),
  scope: scope.nullable(),
  head: z
    .strictObject({ treeSize: count, rootHash: z.string().max(128), time: z.string().max(64).optional() })
    .nullable(),
  records: count,
  checkpoints: count,
  stages: z
    .array(
      z.strictObject({
        stage,
        status: z.enum(['passed', 'failed', 'not-checked']),
        checked: count,
        failures: count,
        note: message.optional(),
      }),
    )
    .max(STAGES.length),
  failures: z
    .array(
      z.strictObject({
        stage,
        code: verifyCode,
        log: z.string().max(255).nullable(),
        seq: seq.nullable(),
        treeSize: count.optional(),
        file: z.enum(['manifest.json', 'records.jsonl', 'checkpoints.jsonl']).optional(),
        line: count.optional(),
        message,
      }),
    )
    .max(VERIFY_FAILURES_MAX),
  omittedFailures: count,
  cannotProve: z.array(message).max(64),
});

export const EVIDENCE_CHANNELS = {
  readEvidenceHead: {
    kind: 'read',
    summary:
      "the tenant's evidence logs with their committed size and latest checkpoint size (cheap; polled)",
    request: z.strictObject({}),
    response: z.strictObject({
      logs: z
        .array(z.strictObject({ origin: z.string().max(255), size: count, checkpointSize: count }))
        .max(EVIDENCE_LOGS_MAX),
    }),
  },
  readEvidenceRecords: {
    kind: 'read',
    summary: 'one page of a log, newest first, filtered in main by kind, subject, action and time',
    request: z.strictObject({
      log: origin,
      filter: evidenceFilter,
      offset: count,
      limit: z.int().min(1).max(EVIDENCE_PAGE_MAX),
    }),
    response: z.strictObject({
      /** Records matching the filter (the list's length). */
      total: count,
      offset: count,
      rows: z.array(recordRow).max(EVIDENCE_PAGE_MAX),
    }),
  },
  readEvidenceRecord: {
    kind: 'read',
    summary: "one record: canonical form, hash, prev, covering checkpoint and its inclusion proof's status",
    request: z.strictObject({ log: origin, seq }),
    response: z.strictObject({
      log: z.string().max(255),
      seq,
      kind,
      time: timeMs,
      /** The canonical JSON bytes (RFC 8785) that were hashed, as text. */
      canonical: z.string().max(MAX_RECORD_BYTES),
      hash: hex32,
      prev: hex32,
      leaf: hex32,
      checkpoint: checkpointInfo.nullable(),
      inclusion,
    }),
  },
} as const satisfies Record<string, ChannelSpec>;

const bundleChoice = z.strictObject({
  id: choiceId,
  /** The folder's name and full path, for display only: calls name the bundle by id. */
  name: z.string().max(255),
  path: z.string().max(4096),
});

const trustChoice = bundleChoice.extend({ logs: z.array(z.string().max(255)).max(1024) });

export const VERIFY_CHANNELS = {
  writeChooseBundle: {
    kind: 'write',
    summary: 'ask the person for a bundle folder (native dialog); answers an id for it, or null if cancelled',
    request: z.strictObject({}),
    response: z.strictObject({ bundle: bundleChoice.nullable() }),
  },
  writeChooseTrust: {
    kind: 'write',
    summary: 'ask the person for a trust file (native dialog); parsed and pinned under an id, or null',
    request: z.strictObject({}),
    response: z.strictObject({ trust: trustChoice.nullable() }),
  },
  writeStartVerify: {
    kind: 'write',
    summary: 'start verifying a chosen bundle against chosen trust roots; answers a job id to poll',
    request: z.strictObject({ bundle: choiceId, trust: choiceId }),
    response: z.strictObject({ job: choiceId }),
  },
  readVerifyJob: {
    kind: 'read',
    summary: "a verify job's progress, and its report once done",
    request: z.strictObject({ job: choiceId }),
    response: z.strictObject({
      state: z.enum(['running', 'done', 'failed']),
      done: count,
      total: count,
      report: verifyReport.nullable(),
      error: z.strictObject({ code: verifyCode, message }).nullable(),
    }),
  },
} as const satisfies Record<string, ChannelSpec>;
