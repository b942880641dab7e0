/**
 * Approvals (docs/approvals.md, "Approvals"): one approver's envelope over the WHOLE canonical
 * approval request, so what the approver was shown is exactly what they signed. The envelope is
 * signed by every key of the approver's hybrid set; counting (count.ts) requires all of them.
 */
import { z } from 'zod';
import { isPlainObject } from '../bytes.js';
import { canonicalBytes } from '../canonical.js';
import { QtError } from '../errors.js';
import { signEnvelope, type Envelope, type SecretKeyEntry } from '../sign/index.js';
import {
  approvalRequestHash,
  parseApprovalRequest,
  type ApprovalRequest,
  type JsonObject,
} from './request.js';
import { hex32, identifier, timestamp } from './schema.js';
import { formatTime, parseTime, toSeconds, type TimeInput } from './time.js';

export const APPROVAL_TYPE = 'qtrust/approval/v1';
export const APPROVAL_PAYLOAD_TYPE = 'application/vnd.qtrust.approval+json';

export type ApprovalDecision = 'approve' | 'reject';

/** The signed payload of an approval envelope (canonical JSON). */
export interface ApprovalPayload {
  readonly type: typeof APPROVAL_TYPE;
  readonly approvalRequest: JsonObject;
  readonly approvalRequestHash: string;
  readonly approver: string;
  readonly decision: ApprovalDecision;
  readonly time: string;
}

/**
 * Strict schema of the payload. The embedded approval request is only required to be an object
 * here: counting compares it byte for byte (canonically) with the request being counted, which is
 * stricter than any schema.
 */
export const approvalPayloadSchema = z.strictObject({
  type: z.literal(APPROVAL_TYPE),
  approvalRequest: z.custom<JsonObject>((v) => isPlainObject(v), 'must be a JSON object'),
  approvalRequestHash: hex32,
  approver: identifier,
  decision: z.enum(['approve', 'reject']),
  time: timestamp,
});

/**
 * Signs `decision` on `approvalRequest` as `approverId` with every key of `secretKeys` (the
 * person's registered hybrid set). Refuses to sign before the request was created or after it
 * expired: such an approval would never count.
 */
export function signApproval(
  approvalRequest: unknown,
  approverId: string,
  secretKeys: readonly SecretKeyEntry[],
  time: TimeInput,
  decision: ApprovalDecision = 'approve',
): Envelope {
  const ar: ApprovalRequest = parseApprovalRequest(approvalRequest);
  const approver = identifier.safeParse(approverId);
  if (!approver.success) {
    throw new QtError('QT_TYPE', 'approverId must be a printable identifier of 1 to 256 characters', {
      path: 'approverId',
    });
  }
  if (decision !== 'approve' && decision !== 'reject') {
    throw new QtError('QT_TYPE', 'decision must be "approve" or "reject"', { path: 'decision' });
  }
  const t = toSeconds(time, 'time');
  if (t > parseTime(ar.expiresAt)) {
    throw new QtError('QT_APPROVAL_EXPIRED', `the approval request expired at ${ar.expiresAt}`, {
      path: 'time',
    });
  }
  if (t < parseTime(ar.createdAt)) {
    throw new QtError(
      'QT_APPROVAL_TIME',
      `time is before the approval request was created (${ar.createdAt})`,
      {
        path: 'time',
      },
    );
  }
  const payload: ApprovalPayload = {
    type: APPROVAL_TYPE,
    approvalRequest: ar as unknown as JsonObject,
    approvalRequestHash: approvalRequestHash(ar),
    approver: approver.data,
    decision,
    time: formatTime(t),
  };
  return signEnvelope(APPROVAL_PAYLOAD_TYPE, canonicalBytes(payload), secretKeys);
}
