/**
 * Trust files (docs/formats.md, "Trust files"): the keys an auditor pins, never taken from a
 * bundle. For each log, the producer's checkpoint keys, each with the tree sizes and times it was
 * valid for, so a rotation (old set up to size n, new set from n + 1) or a revocation (a key that
 * stops at a size or time) is expressible; a checkpoint must be signed by every key valid for it,
 * and a signature by a pinned key outside its range fails. For signatures embedded in records:
 * approvers by id, and other signers by envelope payload type. Optionally, per log, the anchor
 * section (src-shared/anchor/trust.ts): the chain, contract, publishers and salt its checkpoints'
 * anchors are checked against when the auditor gives an RPC (docs/anchoring.md, "Verifier").
 */
import { z } from 'zod';
import { parseAnchorTrust, type AnchorTrust } from '../anchor/trust.js';
import { fromBase64url } from '../bytes.js';
import { parseJson } from '../canonical.js';
import { QtError } from '../errors.js';
import { ORIGIN_PATTERN } from '../evidence/record.js';
import { isRfc3339Utc } from '../checkpoint/time.js';
import { instantToMillis, parseRfc3339 } from '../time.js';
import { MAX_SIGNATURES, checkPublicKeyEntry, type PublicKeyEntry } from '../sign/index.js';

export const TRUST_VERSION = 1;

export interface ProducerKey extends PublicKeyEntry {
  /** Smallest checkpoint tree size this key may sign (inclusive). */
  readonly minTreeSize: number;
  /** Largest checkpoint tree size this key may sign (inclusive). */
  readonly maxTreeSize: number;
  /** Earliest checkpoint time (Unix ms, inclusive), when bounded. */
  readonly notBefore?: number;
  /** Latest checkpoint time (Unix ms, inclusive), when bounded. */
  readonly notAfter?: number;
}

export interface TrustRoots {
  readonly logs: ReadonlyMap<string, readonly ProducerKey[]>;
  /** Approver id -> that approver's hybrid key set (every key must sign). */
  readonly approvers: ReadonlyMap<string, readonly PublicKeyEntry[]>;
  /** Payload type -> the hybrid sets allowed to sign it (one full set must sign). */
  readonly signers: ReadonlyMap<string, readonly (readonly PublicKeyEntry[])[]>;
  /** Log origin -> its anchor section, for the logs whose entry has one (absent: none has). */
  readonly anchors?: ReadonlyMap<string, AnchorTrust>;
}

/** The part of the trust roots the record-line checks need (structured-cloneable for workers). */
export type EmbeddedTrust = Pick<TrustRoots, 'approvers' | 'signers'>;

const timeText = z.string().refine(isRfc3339Utc, 'must be an RFC 3339 UTC timestamp');
const keySchema = z.strictObject({ suite: z.string(), keyid: z.string(), publicKey: z.string() });
const keySet = z.array(keySchema).min(1).max(MAX_SIGNATURES);
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const trustSchema = z.strictObject({
  version: z.literal(TRUST_VERSION),
  logs: z
    .array(
      z.strictObject({
        origin: z.string().regex(ORIGIN_PATTERN, 'must be a log origin'),
        producerKeys: z
          .array(
            keySchema.extend({
              minTreeSize: size.optional(),
              maxTreeSize: size.optional(),
              notBefore: timeText.optional(),
              notAfter: timeText.optional(),
            }),
          )
          .min(1)
          .max(256),
        // Checked by parseAnchorTrust below, which names its own JSON paths.
        anchor: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(1024),
  approvers: z
    .array(z.strictObject({ id: z.string().min(1).max(256), keys: keySet }))
    .max(100_000)
    .optional(),
  envelopeSigners: z
    .array(z.strictObject({ payloadType: z.string().min(1).max(128), keys: keySet }))
    .max(1024)
    .optional(),
});

function invalid(path: string, message: string, cause?: unknown): QtError {
  return new QtError('QT_TRUST_INVALID', `trust file ${path}: ${message}`, { path, cause });
}

function pathOf(path: readonly PropertyKey[]): string {
  return ['$', ...path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
}

/** Unix ms of a strict RFC 3339 UTC timestamp (fraction truncated to milliseconds). */
export function timeMs(text: string): number {
  // The text was already checked (isRfc3339Utc), so the shared parser cannot refuse it here.
  return instantToMillis(parseRfc3339(text, 'time', 'QT_TIME_FORMAT', { offsets: false, minYear: 1 }));
}

function key(raw: z.infer<typeof keySchema>, path: string): PublicKeyEntry {
  try {
    return checkPublicKeyEntry(
      { suite: raw.suite, keyid: raw.keyid, publicKey: fromBase64url(raw.publicKey, `${path}.publicKey`) },
      path,
    );
  } catch (cause) {
    throw invalid(path, (cause as Error).message, cause);
  }
}

function keys(list: readonly z.infer<typeof keySchema>[], path: string): PublicKeyEntry[] {
  const out = list.map((k, i) => key(k, `${path}[${i}]`));
  const ids = new Set(out.map((k) => k.keyid));
  if (ids.size !== out.length) throw invalid(path, 'lists one key twice');
  return out;
}

/**
 * Parses a trust file (JSON text). Everything is checked: exact members, known suites, key ids
 * matching their keys, ranges with min <= max, no log, approver or key listed twice. Failures are
 * QT_TRUST_INVALID naming the JSON path.
 */
export function parseTrust(text: string): TrustRoots {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (cause) {
    // parseJson's QtErrors name the JSON path, in the message and in `path`.
    const e = cause as QtError;
    throw new QtError('QT_TRUST_INVALID', `trust file is not valid JSON: ${e.message}`, {
      path: e.path,
      cause,
    });
  }
  const result = trustSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    throw invalid(pathOf(issue.path), issue.message, result.error);
  }
  const t = result.data;
  const logs = new Map<string, ProducerKey[]>();
  const anchors = new Map<string, AnchorTrust>();
  t.logs.forEach((log, i) => {
    const path = `$.logs[${i}]`;
    if (logs.has(log.origin)) throw invalid(`${path}.origin`, `log "${log.origin}" is listed twice`);
    const list = keys(log.producerKeys, `${path}.producerKeys`).map((k, j): ProducerKey => {
      const raw = log.producerKeys[j] as (typeof log.producerKeys)[number];
      const at = `${path}.producerKeys[${j}]`;
      const min = raw.minTreeSize ?? 0;
      const max = raw.maxTreeSize ?? Number.MAX_SAFE_INTEGER;
      if (min > max) throw invalid(at, 'minTreeSize is above maxTreeSize');
      const nb = raw.notBefore === undefined ? undefined : timeMs(raw.notBefore);
      const na = raw.notAfter === undefined ? undefined : timeMs(raw.notAfter);
      if (nb !== undefined && na !== undefined && nb > na) throw invalid(at, 'notBefore is after notAfter');
      return {
        ...k,
        minTreeSize: min,
        maxTreeSize: max,
        ...(nb === undefined ? {} : { notBefore: nb }),
        ...(na === undefined ? {} : { notAfter: na }),
      };
    });
    logs.set(log.origin, list);
    if (log.anchor !== undefined) {
      const anchor = parseAnchorTrust(log.anchor, `${path}.anchor`);
      // The commitment is computed from this origin: a section naming another log would make every
      // anchor look missing, so it is refused here rather than misreported later.
      if (anchor.origin !== log.origin) {
        throw invalid(`${path}.anchor.origin`, `must be the log's origin "${log.origin}"`);
      }
      anchors.set(log.origin, anchor);
    }
  });
  const approvers = new Map<string, PublicKeyEntry[]>();
  (t.approvers ?? []).forEach((a, i) => {
    if (approvers.has(a.id)) throw invalid(`$.approvers[${i}].id`, `approver "${a.id}" is listed twice`);
    approvers.set(a.id, keys(a.keys, `$.approvers[${i}].keys`));
  });
  const signers = new Map<string, PublicKeyEntry[][]>();
  (t.envelopeSigners ?? []).forEach((s, i) => {
    const list = signers.get(s.payloadType) ?? [];
    list.push(keys(s.keys, `$.envelopeSigners[${i}].keys`));
    signers.set(s.payloadType, list);
  });
  return { logs, approvers, signers, anchors };
}

/** Whether a producer key may sign a checkpoint of this tree size and time. */
export function keyValidAt(k: ProducerKey, treeSize: number, time: number | undefined): boolean {
  if (treeSize < k.minTreeSize || treeSize > k.maxTreeSize) return false;
  if (k.notBefore === undefined && k.notAfter === undefined) return true;
  // A key bounded in time cannot vouch for a checkpoint that states no time.
  if (time === undefined) return false;
  return time >= (k.notBefore ?? time) && time <= (k.notAfter ?? time);
}
