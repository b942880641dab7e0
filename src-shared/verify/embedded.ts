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
import { fromBase64url } from '../bytes.js';
import { parseEnvelope, verifyEnvelope, type PublicKeyEntry, type SuiteBackend } from '../sign/index.js';
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
  const keys = Object.keys(o).sort();
  return keys.length === 3 && keys.every((k, i) => k === ENVELOPE_KEYS[i]);
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

function verifies(
  envelope: unknown,
  keys: readonly PublicKeyEntry[],
  payloadType: string,
  backend: SuiteBackend,
): boolean {
  try {
    verifyEnvelope(envelope, keys, { payloadType, backend });
    return true;
  } catch {
    return false;
  }
}

/** Checks one envelope; returns the problem, or null when it verifies. */
function checkEnvelope(
  envelope: unknown,
  at: string,
  trust: EmbeddedTrust,
  backend: SuiteBackend,
): EmbeddedProblem | null {
  let payloadType: string;
  let payload: Uint8Array;
  try {
    const env = parseEnvelope(envelope);
    payloadType = env.payloadType;
    payload = fromBase64url(env.payload, `${at}.payload`);
  } catch (e) {
    return {
      code: 'QT_VERIFY_EMBEDDED_FORMAT',
      message: `the envelope at ${at} is malformed: ${(e as Error).message}`,
    };
  }
  let sets: readonly (readonly PublicKeyEntry[])[];
  let who: string;
  if (payloadType === APPROVAL_PAYLOAD_TYPE) {
    let approver: string;
    try {
      const json = canonicalPayload(payload, 'QT_VERIFY_EMBEDDED_FORMAT', 'approval');
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
  if (sets.some((keys) => verifies(envelope, keys, payloadType, backend))) return null;
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
