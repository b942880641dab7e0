/**
 * Grants (docs/approvals.md, "Grants"): the short-lived, single-use, hybrid-signed permission a
 * target checks before it acts. Issued only for an `allow` decision; bound to the exact request
 * hash, one audience and a fresh nonce; valid for minutes. The grant id is the tagged hash of the
 * canonical payload, so re-encoding a grant or re-signing it cannot make it look new to the
 * replay cache.
 */
import { z } from 'zod';
import { canonicalBytes } from '../canonical.js';
import { abytes, bytesToHex, describe, fromBase64url, isPlainObject, toBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { TAGS, hashTagged } from '../hash.js';
import {
  getSuite,
  parseEnvelope,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
  type PublicKeyEntry,
  type SecretKeyEntry,
} from '../sign/index.js';
import { MAX_GRANT_TTL_SECONDS, MAX_RULE_GRANT_TTL_SECONDS } from '../approvals/request.js';
import { canonicalPayload, hex32, identifier, nonceText, parseWith } from '../approvals/schema.js';
import { formatTime, parseTime, toSeconds, type TimeInput } from '../approvals/time.js';
import { type ReplayCache } from './replay.js';

export const GRANT_TYPE = 'qtrust/grant/v1';
export const GRANT_PAYLOAD_TYPE = 'application/vnd.qtrust.grant+json';
export const DEFAULT_GRANT_TTL_SECONDS = 300;
export const DEFAULT_GRANT_SKEW_SECONDS = 30;
export const MAX_GRANT_SKEW_SECONDS = 300;
export { MAX_GRANT_TTL_SECONDS };

export interface GrantPayload {
  readonly type: typeof GRANT_TYPE;
  readonly requestHash: string;
  readonly audience: string;
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
}

export interface IssueGrantInput {
  /** The policy decision; anything but the string "allow" is refused. */
  readonly decision: unknown;
  readonly requestHash: string;
  readonly audience: string;
  /** 16 to 64 fresh random bytes. */
  readonly nonce: Uint8Array;
  readonly issuedAt: TimeInput;
  /** Default 300 s; capped at maxTtlSeconds. */
  readonly ttlSeconds?: number;
  /** What the rule allows (the decision's grantTtlSeconds, up to 86400); the grant never outlives MAX_GRANT_TTL_SECONDS. */
  readonly maxTtlSeconds?: number;
  /** The issuer's hybrid set: at least one classical and one post-quantum key. */
  readonly signers: readonly SecretKeyEntry[];
}

export interface VerifyGrantOptions {
  readonly issuerKeys: readonly PublicKeyEntry[];
  readonly audience: string;
  readonly requestHash: string;
  readonly now: TimeInput;
  readonly skewSeconds?: number;
  readonly replay: ReplayCache;
}

export interface VerifiedGrant {
  readonly grantId: string;
  readonly requestHash: string;
  readonly audience: string;
  readonly nonce: string;
  /** Unix seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const grantSchema = z.strictObject({
  type: z.literal(GRANT_TYPE),
  requestHash: hex32,
  audience: identifier,
  nonce: nonceText,
  issuedAt: z.string(),
  expiresAt: z.string(),
});

function optInt(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new QtError(
      'QT_RANGE',
      `${name} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : describe(value)}`,
      {
        path: name,
      },
    );
  }
  return value;
}

function option<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new QtError('QT_TYPE', `${name}: ${(r.error.issues[0] as z.core.$ZodIssue).message}`, {
      path: name,
    });
  return r.data;
}

/** A hybrid set has at least one classical and one post-quantum key (docs/approvals.md). */
function ahybrid(keys: unknown, name: string): void {
  if (!Array.isArray(keys)) {
    throw new QtError('QT_TYPE', `${name} must be an array, got ${describe(keys)}`, { path: name });
  }
  const pq = keys.map(
    (k: unknown, i) => getSuite(isPlainObject(k) ? k.suite : undefined, `${name}[${i}].suite`).postQuantum,
  );
  if (!pq.includes(true) || !pq.includes(false)) {
    throw new QtError(
      'QT_GRANT_NOT_HYBRID',
      `${name} must hold at least one classical and one post-quantum key`,
      {
        path: name,
      },
    );
  }
}

/** hex(H(qtrust/grant/v1, canonical payload bytes)). */
export function grantIdOf(payload: Uint8Array): string {
  return bytesToHex(hashTagged(TAGS.grant, abytes(payload, 'payload')));
}

/** Issues a grant envelope for an `allow` decision; see IssueGrantInput. */
export function issueGrant(input: IssueGrantInput): Envelope {
  if (!isPlainObject(input)) throw new QtError('QT_TYPE', 'input must be a plain object', { path: 'input' });
  if (input.decision !== 'allow') {
    throw new QtError(
      'QT_GRANT_NOT_ALLOWED',
      `a grant is issued only for "allow", not for ${JSON.stringify(describeDecision(input.decision))}`,
      {
        path: 'decision',
      },
    );
  }
  const requestHash = option(hex32, input.requestHash, 'requestHash');
  const audience = option(identifier, input.audience, 'audience');
  const nonce = abytes(input.nonce, 'nonce');
  if (nonce.length < 16 || nonce.length > 64) {
    throw new QtError('QT_RANGE', `nonce must be 16 to 64 bytes, got ${nonce.length}`, { path: 'nonce' });
  }
  const maxTtl = optInt(
    input.maxTtlSeconds,
    'maxTtlSeconds',
    MAX_GRANT_TTL_SECONDS,
    1,
    MAX_RULE_GRANT_TTL_SECONDS,
  );
  const ttl = Math.min(
    optInt(input.ttlSeconds, 'ttlSeconds', DEFAULT_GRANT_TTL_SECONDS, 1, MAX_GRANT_TTL_SECONDS),
    maxTtl,
  );
  const issuedAt = toSeconds(input.issuedAt, 'issuedAt');
  ahybrid(input.signers, 'signers');
  const payload: GrantPayload = {
    type: GRANT_TYPE,
    requestHash,
    audience,
    nonce: toBase64url(nonce),
    issuedAt: formatTime(issuedAt, 'issuedAt'),
    expiresAt: formatTime(issuedAt + ttl, 'expiresAt'),
  };
  return signEnvelope(GRANT_PAYLOAD_TYPE, canonicalBytes(payload), input.signers);
}

function describeDecision(d: unknown): string {
  return typeof d === 'string' ? d.slice(0, 32) : describe(d);
}

function refuse(code: `QT_GRANT_${string}`, message: string, path = '$', cause?: unknown): never {
  throw new QtError(code, message, { path, cause });
}

/**
 * Verifies a grant for one use. Stages, each with its own code: envelope form (QT_GRANT_MALFORMED),
 * every issuer key's signature (QT_GRANT_SIGNATURE), payload (QT_GRANT_MALFORMED), audience
 * (QT_GRANT_AUDIENCE), request binding (QT_GRANT_REQUEST_MISMATCH), time window
 * [issuedAt - skew, expiresAt + skew) (QT_GRANT_NOT_YET_VALID, QT_GRANT_EXPIRED), and last, single
 * use (QT_GRANT_REPLAYED), so that a grant failing any other check never uses up its id.
 */
export function verifyGrant(envelope: unknown, opts: VerifyGrantOptions): VerifiedGrant {
  if (!isPlainObject(opts)) throw new QtError('QT_TYPE', 'opts must be a plain object', { path: 'opts' });
  ahybrid(opts.issuerKeys, 'issuerKeys');
  const audience = option(identifier, opts.audience, 'audience');
  const requestHash = option(hex32, opts.requestHash, 'requestHash');
  const now = toSeconds(opts.now, 'now');
  const skew = optInt(opts.skewSeconds, 'skewSeconds', DEFAULT_GRANT_SKEW_SECONDS, 0, MAX_GRANT_SKEW_SECONDS);
  const replay = opts.replay;
  if (typeof (replay as Partial<ReplayCache> | null)?.checkAndRemember !== 'function') {
    throw new QtError('QT_TYPE', 'replay must be a ReplayCache', { path: 'replay' });
  }

  let env: Envelope;
  try {
    env = parseEnvelope(envelope);
  } catch (cause) {
    refuse('QT_GRANT_MALFORMED', `grant envelope is malformed: ${(cause as QtError).message}`, '$', cause);
  }
  if (env.payloadType !== GRANT_PAYLOAD_TYPE) {
    refuse('QT_GRANT_MALFORMED', `payloadType "${env.payloadType}" is not a grant`, '$.payloadType');
  }
  let payload: Uint8Array;
  try {
    payload = verifyEnvelope(env, opts.issuerKeys, { payloadType: GRANT_PAYLOAD_TYPE }).payload;
  } catch (cause) {
    refuse(
      'QT_GRANT_SIGNATURE',
      `grant signature check failed: ${(cause as QtError).message}`,
      '$.signatures',
      cause,
    );
  }
  const g = parseWith(
    grantSchema,
    canonicalPayload(payload, 'QT_GRANT_MALFORMED', 'grant'),
    'QT_GRANT_MALFORMED',
    'grant',
  );
  let issuedAt: number;
  let expiresAt: number;
  try {
    issuedAt = parseTime(g.issuedAt, '$.issuedAt');
    expiresAt = parseTime(g.expiresAt, '$.expiresAt');
    fromBase64url(g.nonce, '$.nonce');
  } catch (cause) {
    refuse('QT_GRANT_MALFORMED', `grant: ${(cause as QtError).message}`, (cause as QtError).path, cause);
  }
  if (expiresAt <= issuedAt || expiresAt - issuedAt > MAX_GRANT_TTL_SECONDS) {
    refuse('QT_GRANT_MALFORMED', `grant lifetime must be 1 to ${MAX_GRANT_TTL_SECONDS} s`, '$.expiresAt');
  }
  if (g.audience !== audience) {
    refuse('QT_GRANT_AUDIENCE', `grant is for audience "${g.audience}", not "${audience}"`, '$.audience');
  }
  if (g.requestHash !== requestHash) {
    refuse('QT_GRANT_REQUEST_MISMATCH', 'grant is bound to another request hash', '$.requestHash');
  }
  if (now < issuedAt - skew) {
    refuse('QT_GRANT_NOT_YET_VALID', `grant is valid from ${g.issuedAt} (skew ${skew} s)`, '$.issuedAt');
  }
  if (now >= expiresAt + skew) {
    refuse('QT_GRANT_EXPIRED', `grant expired at ${g.expiresAt} (skew ${skew} s)`, '$.expiresAt');
  }
  const grantId = grantIdOf(payload);
  // Remember the id for as long as the grant could still pass the time check above.
  if (replay.checkAndRemember(grantId, expiresAt + skew) !== true) {
    refuse('QT_GRANT_REPLAYED', `grant ${grantId} was already used`, '$');
  }
  return Object.freeze({ grantId, requestHash, audience, nonce: g.nonce, issuedAt, expiresAt });
}
