/**
 * The demo's authorization flows, composed from the real services (docs/approvals.md):
 *
 *   request ─► evaluate (policy engine) ─► decision record
 *     allow, action needs a grant ─► issueGrant (hybrid) ─► grant record
 *     pending ─► createApprovalRequest (in the decision record) ─► approvers sign (signApproval)
 *             ─► approval record each ─► countApprovals against the verified roster
 *             ─► quorum met: re-evaluate with the tallies ─► allow decision record ─► grant record
 *             ─► a rejection closes the request; too few approvals let it expire unanswered
 *
 * Every record is pushed to `emit` with its simulated time; nothing here touches the store, so the
 * flows are plain synchronous code driven by the event queue (events.ts) and the seeded PRNG.
 */
import {
  countApprovals,
  allSatisfied,
  approvalStatus,
  createApprovalRequest,
} from '../../src-shared/approvals/index.js';
import { approvalRequestHash, type ApprovalRequest } from '../../src-shared/approvals/request.js';
import { signApproval } from '../../src-shared/approvals/approve.js';
import type { Roster } from '../../src-shared/approvals/roster.js';
import { fromBase64url } from '../../src-shared/bytes.js';
import type { JsonValue } from '../../src-shared/canonical.js';
import type { RecordKind } from '../../src-shared/evidence/record.js';
import { grantIdOf, issueGrant } from '../../src-shared/grants/index.js';
import {
  evaluate,
  parseRequest,
  requestDocument,
  type AuthzRequest,
  type CompiledPolicy,
  type Decision,
  type PolicyHead,
} from '../../src-shared/policy/index.js';
import { formatTime } from '../../src-shared/approvals/time.js';
import type { Envelope, SecretKeyEntry } from '../../src-shared/sign/index.js';
import type { EventQueue } from './events.js';
import type { Xoshiro128ss } from './prng.js';
import { APPROVERS, audienceOf, drawRequest, type DemoRequest } from './scenario.js';

/** Seconds an approval request stays open. */
export const APPROVAL_WINDOW_SECONDS = 3600;
/** Actions whose `allow` is followed by a grant for the target; reads need none. */
const GRANTED_ACTIONS: ReadonlySet<string> = new Set(['restart', 'deploy', 'rotate-key', 'export']);

export interface DemoRecord {
  readonly kind: RecordKind;
  readonly body: Record<string, JsonValue>;
  /** Unix milliseconds. */
  readonly time: number;
}

export interface FlowContext {
  readonly rng: Xoshiro128ss;
  readonly queue: EventQueue;
  readonly policy: CompiledPolicy;
  readonly head: PolicyHead;
  readonly roster: Roster;
  readonly approverKeys: ReadonlyMap<string, readonly SecretKeyEntry[]>;
  readonly issuer: readonly SecretKeyEntry[];
  readonly emit: (record: DemoRecord) => void;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const json = (v: unknown): JsonValue => v as JsonValue;

function decisionBody(
  req: DemoRequest,
  parsed: AuthzRequest,
  d: Decision,
  head: PolicyHead,
): Record<string, JsonValue> {
  return {
    subject: req.subject.id,
    action: req.action,
    resource: req.resource,
    request: json(requestDocument(parsed)),
    requestHash: d.requestHash,
    policy: { name: head.name, version: head.version, hash: d.policyHash },
    decision: d.decision,
    rules: [...d.rules],
    errors: json(d.errors),
    obligations: json(d.obligations),
    ...(d.grantTtlSeconds === undefined ? {} : { grantTtlSeconds: d.grantTtlSeconds }),
  };
}

function emitDecision(ctx: FlowContext, time: number, body: Record<string, JsonValue>): void {
  ctx.emit({ kind: 'decision', body, time });
}

function emitGrant(ctx: FlowContext, time: number, req: DemoRequest, d: Decision): void {
  const audience = audienceOf(req.action, req.resource);
  const grant = issueGrant({
    decision: d.decision,
    requestHash: d.requestHash,
    audience,
    nonce: ctx.rng.bytes(16),
    issuedAt: seconds(time),
    ...(d.grantTtlSeconds === undefined ? {} : { maxTtlSeconds: d.grantTtlSeconds }),
    signers: ctx.issuer,
  });
  const payload = JSON.parse(new TextDecoder().decode(fromBase64url(grant.payload))) as Record<
    string,
    string
  >;
  ctx.emit({
    kind: 'grant',
    time,
    body: {
      subject: req.subject.id,
      action: req.action,
      resource: req.resource,
      requestHash: d.requestHash,
      grantId: grantIdOf(fromBase64url(grant.payload)),
      audience,
      issuedAt: payload.issuedAt ?? '',
      expiresAt: payload.expiresAt ?? '',
      grant: json(grant),
    },
  });
}

/** The approvers who will answer a pending request, in order, and whether one of them rejects. */
function planApprovals(
  ctx: FlowContext,
  d: Decision,
  requester: string,
): { who: string[]; rejectAt: number } {
  const chosen: string[] = [];
  for (const o of d.obligations) {
    const eligible = APPROVERS.filter(
      (p) =>
        p.groups.some((g) => o.from.includes(g)) &&
        (o.allowRequester || p.id !== requester) &&
        !chosen.includes(p.id),
    ).map((p) => p.id);
    chosen.push(...ctx.rng.sample(eligible, Math.min(o.quorum, eligible.length)));
  }
  // About 8 requests in 10 collect their quorum, 1 in 10 is rejected, 1 in 10 expires unanswered.
  const outcome = ctx.rng.weighted([
    ['approve', 8],
    ['reject', 1],
    ['stall', 1],
  ] as const);
  if (outcome === 'stall') return { who: chosen.slice(0, chosen.length - 1), rejectAt: -1 };
  return { who: chosen, rejectAt: outcome === 'reject' ? ctx.rng.int(chosen.length) : -1 };
}

function startApprovals(
  ctx: FlowContext,
  time: number,
  req: DemoRequest,
  parsed: AuthzRequest,
  d: Decision,
): ApprovalRequest {
  const createdAt = seconds(time);
  const ar = createApprovalRequest({
    request: requestDocument(parsed),
    requestHash: d.requestHash,
    policyHash: d.policyHash,
    obligations: d.obligations,
    requester: req.subject.id,
    createdAt,
    expiresAt: createdAt + APPROVAL_WINDOW_SECONDS,
    nonce: ctx.rng.bytes(16),
  });
  const arHash = approvalRequestHash(ar);
  const plan = planApprovals(ctx, d, req.subject.id);
  const envelopes: Envelope[] = [];
  let closed = false;
  // Answers arrive within the window, in order of their delay.
  const delays = plan.who
    .map(() => ctx.rng.between(45, 1500) * 1000 + ctx.rng.int(1000))
    .sort((a, b) => a - b);
  plan.who.forEach((approver, i) => {
    ctx.queue.schedule(time + (delays[i] as number), (at) => {
      if (closed) return;
      const answer = i === plan.rejectAt ? 'reject' : 'approve';
      const keys = ctx.approverKeys.get(approver) as readonly SecretKeyEntry[];
      const envelope = signApproval(ar, approver, keys, seconds(at), answer);
      envelopes.push(envelope);
      ctx.emit({
        kind: 'approval',
        time: at,
        body: {
          subjects: [req.subject.id, approver],
          approver,
          decision: answer,
          approvalRequestHash: arHash,
          requestHash: d.requestHash,
          approval: json(envelope),
        },
      });
      const tallies = countApprovals({
        approvalRequest: ar,
        approvals: envelopes,
        roster: ctx.roster,
        obligations: d.obligations,
        now: seconds(at),
      });
      if (tallies.some((t) => t.rejectedBy.length > 0)) {
        closed = true;
        return;
      }
      if (!allSatisfied(tallies)) return;
      closed = true;
      // The requester comes back for the grant a little later: re-evaluate with the tallies.
      const later = at + ctx.rng.between(1, 30) * 1000 + ctx.rng.int(1000);
      ctx.queue.schedule(later, (t) => {
        const again = evaluate(ctx.policy, parsed, { approvals: approvalStatus(tallies) });
        const body = decisionBody(req, parsed, again, ctx.head);
        body.approvalRequestHash = arHash;
        body.approvals = tallies.map((x) => ({
          ruleId: x.ruleId,
          quorum: x.quorum,
          counted: [...x.counted],
        }));
        emitDecision(ctx, t, body);
        if (again.decision === 'allow') emitGrant(ctx, t, req, again);
      });
    });
  });
  return ar;
}

/** One request arriving at `time`: its decision record, and what follows from it. */
export function arrive(ctx: FlowContext, time: number): void {
  const req = drawRequest(ctx.rng);
  const parsed = parseRequest({
    subject: { id: req.subject.id, groups: [...req.subject.groups] },
    action: req.action,
    resource: req.resource,
    context: req.context,
    time: formatTime(seconds(time)),
  });
  const d = evaluate(ctx.policy, parsed);
  const body = decisionBody(req, parsed, d, ctx.head);
  if (d.decision === 'pending') {
    const ar = startApprovals(ctx, time, req, parsed, d);
    body.approvalRequest = json(ar);
    body.approvalRequestHash = approvalRequestHash(ar);
  }
  emitDecision(ctx, time, body);
  if (d.decision === 'allow' && GRANTED_ACTIONS.has(req.action)) emitGrant(ctx, time, req, d);
}
