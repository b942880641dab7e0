/**
 * Counting approvals against the quorum rules of an approval request (docs/approvals.md,
 * "Counting"). A straight pipeline in the sigstore style:
 *   1. exact duplicates are removed before anything is counted;
 *   2. each approval is checked on its own: well-formed envelope, every signature by a key of one
 *      rostered person, valid under ALL of that person's keys (hybrid), canonical payload naming
 *      that person, the very approval request being counted, a time inside its window;
 *   3. per obligation: only people in the rule's groups, the requester only where the rule allows
 *      it, each person once (a rejection by a person outweighs their approval).
 * Approvals that fail are ignored and reported with a code, never thrown: a hostile approval can
 * only fail to count. The result depends on the set of approvals, not on their order.
 */
import { canonicalize } from '../canonical.js';
import { aplainObject, describe } from '../bytes.js';
import { QtError } from '../errors.js';
import { parseEnvelope, verifyEnvelope, type Envelope } from '../sign/index.js';
import { APPROVAL_PAYLOAD_TYPE, approvalPayloadSchema, type ApprovalDecision } from './approve.js';
import { approvalRequestHash, parseApprovalRequest, type Obligation } from './request.js';
import { isVerifiedRoster, type Roster, type RosterApprover } from './roster.js';
import { canonicalPayload } from './schema.js';
import { parseTime, toSeconds, type TimeInput } from './time.js';

export const MAX_APPROVALS = 4096;
export const DEFAULT_APPROVAL_SKEW_SECONDS = 30;
export const MAX_APPROVAL_SKEW_SECONDS = 300;

export type IgnoreCode =
  | 'QT_APPROVAL_MALFORMED'
  | 'QT_APPROVAL_DUPLICATE'
  | 'QT_APPROVAL_UNKNOWN_KEY'
  | 'QT_APPROVAL_BAD_SIGNATURE'
  | 'QT_APPROVAL_WRONG_REQUEST'
  | 'QT_APPROVAL_EXPIRED'
  | 'QT_APPROVAL_TIME'
  | 'QT_APPROVAL_NOT_IN_GROUP'
  | 'QT_APPROVAL_REQUESTER';

export interface IgnoredApproval {
  /** Index into the `approvals` list given. */
  readonly index: number;
  readonly code: IgnoreCode;
  readonly message: string;
}

export interface ObligationTally {
  readonly ruleId: string;
  readonly quorum: number;
  /** Approver ids counted toward the quorum, sorted. */
  readonly counted: readonly string[];
  /** Eligible approvers whose valid answer was "reject", sorted (never counted). */
  readonly rejectedBy: readonly string[];
  readonly satisfied: boolean;
  /** Approvals not counted for this rule, by index. */
  readonly ignored: readonly IgnoredApproval[];
}

export interface CountApprovalsInput {
  readonly approvalRequest: unknown;
  readonly approvals: readonly unknown[];
  /** A roster returned by verifyRoster. */
  readonly roster: Roster;
  /** The obligations of the policy decision; when given they must equal the request's. */
  readonly obligations?: readonly Obligation[];
  readonly now: TimeInput;
  /** Tolerated clock difference for approval times, default 30 s, at most 300 s. */
  readonly skewSeconds?: number;
}

interface Valid {
  readonly index: number;
  readonly person: RosterApprover;
  readonly decision: ApprovalDecision;
}

type Checked = Valid | IgnoredApproval;

interface Context {
  readonly arCanonical: string;
  readonly arHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly now: number;
  readonly skew: number;
  readonly owners: ReadonlyMap<string, RosterApprover>;
}

function ignored(index: number, code: IgnoreCode, message: string): IgnoredApproval {
  return Object.freeze({ index, code, message });
}

/** Step 2: one approval on its own. */
function checkOne(value: unknown, index: number, ctx: Context): Checked {
  let env: Envelope;
  try {
    env = parseEnvelope(value);
  } catch (e) {
    return ignored(index, 'QT_APPROVAL_MALFORMED', `not a well-formed envelope: ${(e as QtError).message}`);
  }
  if (env.payloadType !== APPROVAL_PAYLOAD_TYPE) {
    return ignored(index, 'QT_APPROVAL_MALFORMED', `payloadType "${env.payloadType}" is not an approval`);
  }
  const people = new Set<RosterApprover>();
  for (const s of env.signatures) {
    const owner = ctx.owners.get(s.keyid);
    if (owner === undefined) {
      return ignored(index, 'QT_APPROVAL_UNKNOWN_KEY', `key ${s.keyid} is not in the roster`);
    }
    people.add(owner);
  }
  if (people.size !== 1) {
    return ignored(index, 'QT_APPROVAL_UNKNOWN_KEY', 'signed by keys of more than one approver');
  }
  const person = [...people][0] as RosterApprover;
  let payload: Uint8Array;
  try {
    payload = verifyEnvelope(env, person.keys, { payloadType: APPROVAL_PAYLOAD_TYPE }).payload;
  } catch (e) {
    return ignored(
      index,
      'QT_APPROVAL_BAD_SIGNATURE',
      `not valid under every key of "${person.id}": ${(e as QtError).message}`,
    );
  }
  let body;
  try {
    const parsed = approvalPayloadSchema.safeParse(
      canonicalPayload(payload, 'QT_APPROVAL_MALFORMED', 'approval'),
    );
    if (!parsed.success)
      return ignored(index, 'QT_APPROVAL_MALFORMED', `payload does not match the approval schema`);
    body = parsed.data;
  } catch (e) {
    return ignored(index, 'QT_APPROVAL_MALFORMED', (e as QtError).message);
  }
  if (body.approver !== person.id) {
    return ignored(
      index,
      'QT_APPROVAL_UNKNOWN_KEY',
      `signed by the keys of "${person.id}" but names "${body.approver}"`,
    );
  }
  if (body.approvalRequestHash !== ctx.arHash || canonicalize(body.approvalRequest) !== ctx.arCanonical) {
    return ignored(
      index,
      'QT_APPROVAL_WRONG_REQUEST',
      `approval by "${person.id}" is for another approval request`,
    );
  }
  const t = parseTime(body.time);
  if (t > ctx.expiresAt) {
    return ignored(
      index,
      'QT_APPROVAL_EXPIRED',
      `approval by "${person.id}" was made at ${body.time}, after expiry`,
    );
  }
  if (ctx.now > ctx.expiresAt) {
    return ignored(index, 'QT_APPROVAL_EXPIRED', 'the approval request has expired');
  }
  if (t < ctx.createdAt - ctx.skew || t > ctx.now + ctx.skew) {
    return ignored(
      index,
      'QT_APPROVAL_TIME',
      `approval time ${body.time} is before the request or in the future`,
    );
  }
  return { index, person, decision: body.decision };
}

function askew(value: unknown): number {
  if (value === undefined) return DEFAULT_APPROVAL_SKEW_SECONDS;
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value > MAX_APPROVAL_SKEW_SECONDS
  ) {
    throw new QtError('QT_RANGE', `skewSeconds must be an integer from 0 to ${MAX_APPROVAL_SKEW_SECONDS}`, {
      path: 'skewSeconds',
    });
  }
  return value;
}

/** Counts `approvals` for each obligation of `approvalRequest`; see the file comment. */
export function countApprovals(input: CountApprovalsInput): ObligationTally[] {
  aplainObject(input, 'input');
  const ar = parseApprovalRequest(input.approvalRequest);
  const { approvals, roster } = input;
  if (!Array.isArray(approvals)) {
    throw new QtError('QT_TYPE', `approvals must be an array, got ${describe(approvals)}`, {
      path: 'approvals',
    });
  }
  if (approvals.length > MAX_APPROVALS) {
    throw new QtError('QT_RANGE', `approvals must hold at most ${MAX_APPROVALS} entries`, {
      path: 'approvals',
    });
  }
  if (!isVerifiedRoster(roster)) {
    throw new QtError('QT_ROSTER_UNVERIFIED', 'roster must be the result of verifyRoster', {
      path: 'roster',
    });
  }
  if (input.obligations !== undefined && safeCanonical(input.obligations) !== canonicalize(ar.obligations)) {
    throw new QtError(
      'QT_APPROVAL_OBLIGATIONS_MISMATCH',
      "obligations differ from the approval request's: the request was made under another decision",
      { path: 'obligations' },
    );
  }
  const owners = new Map<string, RosterApprover>();
  for (const person of roster.approvers) for (const k of person.keys) owners.set(k.keyid, person);
  const ctx: Context = {
    arCanonical: canonicalize(ar),
    arHash: approvalRequestHash(ar),
    createdAt: parseTime(ar.createdAt),
    expiresAt: parseTime(ar.expiresAt),
    now: toSeconds(input.now, 'now'),
    skew: askew(input.skewSeconds),
    owners,
  };

  // Step 1: identical entries are one approval, whatever their position.
  const seen = new Map<string, number>();
  const checked: Checked[] = approvals.map((value: unknown, index): Checked => {
    let key: string;
    try {
      key = canonicalize(value);
    } catch (e) {
      return ignored(index, 'QT_APPROVAL_MALFORMED', `not JSON: ${(e as QtError).message}`);
    }
    const first = seen.get(key);
    if (first !== undefined) return ignored(index, 'QT_APPROVAL_DUPLICATE', `identical to approval ${first}`);
    seen.set(key, index);
    return checkOne(value, index, ctx);
  });

  return ar.obligations.map((rule) => tally(rule, ar.requester, checked));
}

function safeCanonical(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch {
    return undefined;
  }
}

/** Step 3: one obligation. */
function tally(rule: Obligation, requester: string, checked: readonly Checked[]): ObligationTally {
  const out: IgnoredApproval[] = [];
  const decisions = new Map<string, { index: number; reject: boolean }>();
  // `checked` is in index order, so a person's first eligible approval is the one kept and later
  // ones are reported as duplicates; any rejection among them wins, whatever the order.
  for (const c of checked) {
    if ('code' in c) {
      out.push(c);
      continue;
    }
    const { person, index } = c;
    if (!person.groups.some((g) => rule.from.includes(g))) {
      out.push(
        ignored(index, 'QT_APPROVAL_NOT_IN_GROUP', `"${person.id}" is in none of ${rule.from.join(', ')}`),
      );
      continue;
    }
    if (person.id === requester && !rule.allowRequester) {
      out.push(ignored(index, 'QT_APPROVAL_REQUESTER', `"${person.id}" requested this action`));
      continue;
    }
    const prior = decisions.get(person.id);
    const reject = c.decision === 'reject';
    if (prior === undefined) {
      decisions.set(person.id, { index, reject });
    } else {
      out.push(
        ignored(index, 'QT_APPROVAL_DUPLICATE', `"${person.id}" already answered in approval ${prior.index}`),
      );
      prior.reject ||= reject;
    }
  }
  const counted: string[] = [];
  const rejectedBy: string[] = [];
  for (const [id, d] of decisions) (d.reject ? rejectedBy : counted).push(id);
  counted.sort();
  rejectedBy.sort();
  return Object.freeze({
    ruleId: rule.ruleId,
    quorum: rule.quorum,
    counted: Object.freeze(counted),
    rejectedBy: Object.freeze(rejectedBy),
    satisfied: counted.length >= rule.quorum,
    ignored: Object.freeze(out),
  });
}

/**
 * The tallies as the policy engine reads them (rule id -> satisfied), for re-evaluating a pending
 * decision once approvals are in.
 */
export function approvalStatus(tallies: readonly ObligationTally[]): ReadonlyMap<string, boolean> {
  return new Map(tallies.map((t) => [t.ruleId, t.satisfied]));
}

/** True when every obligation reached its quorum (and there is at least one). */
export function allSatisfied(tallies: readonly ObligationTally[]): boolean {
  return tallies.length > 0 && tallies.every((t) => t.satisfied);
}
