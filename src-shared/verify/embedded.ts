/**
 * Signatures embedded in record bodies (docs/verify.md, "Embedded signatures"). Approvals, grants
 * and ceremony attestations travel inside records as envelopes (src-shared/sign); the checkpoint
 * that covers a record proves the producer logged it, and this stage proves that the people and
 * services named in it really signed it, with keys the auditor pinned.
 *
 * An embedded envelope is any object in the body whose members are exactly payloadType, payload
 * and signatures, at any depth. Approval envelopes are checked against the pinned keys of the
 * approver their payload names; any other payload type against the sets pinned for that type.
 * Records of kind `approval` and `grant` must carry at least one envelope.
 */
import { isPlainObject } from '../bytes.js';
import { APPROVAL_PAYLOAD_TYPE, approvalPayloadSchema } from '../approvals/approve.js';
import { canonicalPayload, parseWith } from '../approvals/schema.js';
import type { EvidenceRecord } from '../evidence/record.js';
import type { PublicKeyEntry, SuiteBackend } from '../sign/index.js';
import { checkRequiredKeys, readEnvelope, verifyReadEnvelope, type ReadEnvelope } from '../sign/envelope.js';
import { readCanonical } from './canonical-text.js';
import type { EmbeddedTrust } from './trust.js';
import type { VerifyCode } from './report.js';

/** Record kinds that exist only to carry a signed artifact. */
export const KINDS_WITH_ENVELOPES: ReadonlySet<string> = new Set(['approval', 'grant']);

export interface EmbeddedProblem {
  readonly code: VerifyCode;
  readonly message: string;
}

const ENVELOPE_KEYS = ['payload', 'payloadType', 'signatures'];

function looksLikeEnvelope(o: Record<string, unknown>): boolean {
  // Most objects are not envelopes: count the members before sorting them.
  const keys = Object.keys(o);
  if (keys.length !== 3) return false;
  keys.sort();
  return keys.every((k, i) => k === ENVELOPE_KEYS[i]);
}

/** Every embedded envelope of a body with its JSON path, depth first in document order. */
export function findEnvelopes(value: unknown, path = '$.body'): { path: string; envelope: unknown }[] {
  const out: { path: string; envelope: unknown }[] = [];
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`));
    else if (isPlainObject(v)) {
      if (looksLikeEnvelope(v)) out.push({ path: p, envelope: v });
      else for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
    }
  };
  walk(value, path);
  return out;
}

/**
 * checkRequiredKeys of each pinned key set, once per set: the trust roots are fixed for a run (and
 * cloned once into each worker), so the key ids of pinned keys are recomputed once, not per envelope.
 * `checked` is null for a set checkRequiredKeys refuses (no envelope can verify under it). The
 * entries the verdict was made on are kept: a set changed in place since is checked again.
 */
const checkedSets = new WeakMap<
  readonly PublicKeyEntry[],
  { readonly entries: readonly PublicKeyEntry[]; readonly checked: readonly PublicKeyEntry[] | null }
>();

function sameEntries(a: readonly PublicKeyEntry[], b: readonly PublicKeyEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}

function checkedKeys(keys: readonly PublicKeyEntry[]): readonly PublicKeyEntry[] | null {
  const cached = checkedSets.get(keys);
  if (cached !== undefined && sameEntries(cached.entries, keys)) return cached.checked;
  let checked: readonly PublicKeyEntry[] | null;
  try {
    checked = checkRequiredKeys(keys);
  } catch {
    checked = null;
  }
  // Only an array can be a WeakMap key here; anything else was refused above and stays refused.
  if (Array.isArray(keys)) checkedSets.set(keys, { entries: keys.slice(), checked });
  return checked;
}

/** verifyEnvelope(envelope, keys, { payloadType: its own type, backend }) on the envelope read once. */
function verifies(read: ReadEnvelope, keys: readonly PublicKeyEntry[], backend: SuiteBackend): boolean {
  const checked = checkedKeys(keys);
  if (checked === null) return false;
  try {
    verifyReadEnvelope(read, checked, backend);
    return true;
  } catch {
    return false;
  }
}

/** The approval payload as canonical JSON: the native reading when it is sure, else the strict one. */
function approvalJson(payload: Uint8Array): unknown {
  const fast = readCanonical(payload);
  return fast === null ? canonicalPayload(payload, 'QT_VERIFY_EMBEDDED_FORMAT', 'approval') : fast.value;
}

/** Checks one envelope; returns the problem, or null when it verifies. */
function checkEnvelope(
  envelope: unknown,
  at: string,
  trust: EmbeddedTrust,
  backend: SuiteBackend,
): EmbeddedProblem | null {
  let read: ReadEnvelope;
  try {
    read = readEnvelope(envelope);
  } catch (e) {
    return {
      code: 'QT_VERIFY_EMBEDDED_FORMAT',
      message: `the envelope at ${at} is malformed: ${(e as Error).message}`,
    };
  }
  const payloadType = read.envelope.payloadType;
  const payload = read.payload;
  let sets: readonly (readonly PublicKeyEntry[])[];
  let who: string;
  if (payloadType === APPROVAL_PAYLOAD_TYPE) {
    let approver: string;
    try {
      const json = approvalJson(payload);
      approver = parseWith(approvalPayloadSchema, json, 'QT_VERIFY_EMBEDDED_FORMAT', 'approval').approver;
    } catch (e) {
      return {
        code: 'QT_VERIFY_EMBEDDED_FORMAT',
        message: `the approval at ${at} is malformed: ${(e as Error).message}`,
      };
    }
    const keys = trust.approvers.get(approver);
    sets = keys === undefined ? [] : [keys];
    who = `approver "${approver.slice(0, 80)}"`;
  } else {
    sets = trust.signers.get(payloadType) ?? [];
    who = `payload type ${payloadType}`;
  }
  if (sets.length === 0) {
    return {
      code: 'QT_VERIFY_EMBEDDED_UNTRUSTED',
      message: `the trust file pins no keys for ${who} (envelope at ${at})`,
    };
  }
  if (sets.some((keys) => verifies(read, keys, backend))) return null;
  return {
    code: 'QT_VERIFY_EMBEDDED_SIGNATURE',
    message: `the envelope at ${at} is not signed by every pinned key of ${who}`,
  };
}

/** Checks every envelope of a record; returns the problems found and how many envelopes were checked. */
export function checkEmbedded(
  record: EvidenceRecord,
  trust: EmbeddedTrust,
  backend: SuiteBackend,
): { checked: number; problems: EmbeddedProblem[] } {
  const found = findEnvelopes(record.body);
  const problems: EmbeddedProblem[] = [];
  if (found.length === 0 && KINDS_WITH_ENVELOPES.has(record.kind)) {
    problems.push({
      code: 'QT_VERIFY_EMBEDDED_MISSING',
      message: `a record of kind ${record.kind} carries no envelope`,
    });
  }
  for (const { path, envelope } of found) {
    const problem = checkEnvelope(envelope, path, trust, backend);
    if (problem !== null) problems.push(problem);
  }
  return { checked: found.length, problems };
}
