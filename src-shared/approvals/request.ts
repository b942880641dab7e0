/**
 * Approval requests (docs/approvals.md): the canonical object an approver is shown and signs.
 * It binds the full authorization request, its hash, the policy hash, the obligations (quorum
 * rules) asked for, the requester, a validity window and a nonce, so an approval for one request
 * can never be counted for another, nor for the same request under another policy.
 */
import { z } from 'zod';
import { canonicalBytes, type JsonValue } from '../canonical.js';
import { abytes, bytesToHex, fromBase64url, isPlainObject, toBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { TAGS, hashTagged } from '../hash.js';
import { hex32, identifier, nonceText, parseWith, timestamp, toJson } from './schema.js';
import { formatTime, parseTime, toSeconds, type TimeInput } from './time.js';

export const APPROVAL_REQUEST_TYPE = 'qtrust/approval-request/v1';
/** Longest validity window of an approval request: 30 days. */
export const MAX_APPROVAL_WINDOW_SECONDS = 30 * 24 * 3600;
/** Longest grant lifetime a policy rule may state (docs/policy.md: grantTtlSeconds 1..86400). */
export const MAX_RULE_GRANT_TTL_SECONDS = 86_400;
/** Longest grant ever issued or accepted, whatever a rule states: grants are short-lived. */
export const MAX_GRANT_TTL_SECONDS = 3600;
export const MAX_QUORUM = 1000;
const CODE = 'QT_APPROVAL_REQUEST_INVALID';

/** One quorum rule from the policy decision (structurally the policy engine's Obligation). */
export interface Obligation {
  readonly ruleId: string;
  readonly quorum: number;
  /** Approver groups whose members may approve. */
  readonly from: readonly string[];
  /** Whether the requester may count toward the quorum of their own request. */
  readonly allowRequester: boolean;
  readonly grantTtlSeconds?: number;
}

export type JsonObject = { [key: string]: JsonValue };

export interface ApprovalRequest {
  readonly type: typeof APPROVAL_REQUEST_TYPE;
  readonly request: JsonObject;
  /** hex(H(qtrust/request/v1, canonical(request))). */
  readonly requestHash: string;
  readonly policyHash: string;
  readonly requester: string;
  readonly obligations: readonly Obligation[];
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Unpadded base64url, 16 to 64 random bytes. */
  readonly nonce: string;
}

export interface CreateApprovalRequestInput {
  readonly request: unknown;
  readonly requestHash: string;
  readonly policyHash: string;
  readonly obligations: readonly Obligation[];
  readonly requester: string;
  readonly createdAt: TimeInput;
  readonly expiresAt: TimeInput;
  readonly nonce: Uint8Array;
}

const uniqueStrings = (values: readonly string[]) => new Set(values).size === values.length;

const obligationSchema = z.strictObject({
  ruleId: identifier,
  quorum: z.number().int().min(1).max(MAX_QUORUM),
  from: z.array(identifier).min(1).max(64).refine(uniqueStrings, 'groups must be distinct'),
  allowRequester: z.boolean(),
  grantTtlSeconds: z.number().int().min(1).max(MAX_RULE_GRANT_TTL_SECONDS).optional(),
});

const approvalRequestSchema = z.strictObject({
  type: z.literal(APPROVAL_REQUEST_TYPE),
  request: z.custom<JsonObject>((v) => isPlainObject(v), 'must be a JSON object'),
  requestHash: hex32,
  policyHash: hex32,
  requester: identifier,
  obligations: z
    .array(obligationSchema)
    .min(1)
    .max(64)
    .refine((o) => uniqueStrings(o.map((x) => x.ruleId)), 'rule ids must be distinct'),
  createdAt: timestamp,
  expiresAt: timestamp,
  nonce: nonceText,
});

function invalid(path: string, message: string): never {
  throw new QtError(CODE, `approval request: ${path}: ${message}`, { path });
}

function safeNonce(text: string): Uint8Array | undefined {
  try {
    return fromBase64url(text, 'nonce');
  } catch {
    return undefined;
  }
}

/** hex(H(qtrust/request/v1, canonical(request))): the request hash the policy engine reports. */
export function requestHashOf(request: unknown): string {
  return bytesToHex(hashTagged(TAGS.request, canonicalBytes(request)));
}

/**
 * Strict parse of an approval request given as JSON text or as a JSON value. Unknown fields,
 * wrong types, a request hash that does not match the request, or a bad window are refused
 * with QT_APPROVAL_REQUEST_INVALID and the JSON path.
 */
export function parseApprovalRequest(input: unknown): ApprovalRequest {
  const json = toJson(input, CODE, 'approval request');
  const ar = parseWith(approvalRequestSchema, json, CODE, 'approval request') as ApprovalRequest;
  // Cross-field rules, checked once every field has its type.
  const created = parseTime(ar.createdAt);
  const expires = parseTime(ar.expiresAt);
  if (expires <= created || expires - created > MAX_APPROVAL_WINDOW_SECONDS) {
    invalid('$.expiresAt', `must be after createdAt and at most ${MAX_APPROVAL_WINDOW_SECONDS} s later`);
  }
  const nonce = safeNonce(ar.nonce);
  if (nonce === undefined) {
    invalid('$.nonce', 'must be canonical base64url of 16 to 64 bytes');
  }
  if (requestHashOf(ar.request) !== ar.requestHash)
    invalid('$.requestHash', 'does not match the hash of request');
  return ar;
}

/** Builds and validates the canonical approval request for a decision that needs approvals. */
export function createApprovalRequest(input: CreateApprovalRequestInput): ApprovalRequest {
  if (!isPlainObject(input)) {
    throw new QtError('QT_TYPE', 'input must be a plain object', { path: 'input' });
  }
  const nonce = abytes(input.nonce, 'nonce');
  return parseApprovalRequest({
    type: APPROVAL_REQUEST_TYPE,
    request: input.request,
    requestHash: input.requestHash,
    policyHash: input.policyHash,
    requester: input.requester,
    obligations: input.obligations,
    createdAt: formatTime(toSeconds(input.createdAt, 'createdAt'), 'createdAt'),
    expiresAt: formatTime(toSeconds(input.expiresAt, 'expiresAt'), 'expiresAt'),
    nonce: toBase64url(nonce),
  });
}

/** hex(H(qtrust/approval-request/v1, canonical(ar))), after a strict parse of `ar`. */
export function approvalRequestHash(ar: unknown): string {
  return bytesToHex(hashTagged(TAGS.approvalRequest, canonicalBytes(parseApprovalRequest(ar))));
}
