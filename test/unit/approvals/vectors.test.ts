import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalizeRef from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src-shared/canonical.js';
import {
  approvalRequestHash,
  createApprovalRequest,
  requestHashOf,
} from '../../../src-shared/approvals/request.js';
import { grantIdOf } from '../../../src-shared/grants/grant.js';
import { parseRequest, requestHash } from '../../../src-shared/policy/index.js';

interface Vectors {
  approvalRequest: {
    request: Record<string, unknown>;
    requestHash: string;
    canonical: string;
    approvalRequestHash: string;
  };
  approvalPayload: { canonical: string };
  grantPayload: { canonical: string; grantId: string };
}
const V = JSON.parse(
  readFileSync(new URL('../../vectors/approvals/hashes.json', import.meta.url), 'utf8'),
) as Vectors;

/** docs/formats.md, "Hashing", written again with node:crypto: SHA-256(u8(len tag) || tag || u64be(len data) || data). */
function tagged(tag: string, data: string): string {
  const bytes = Buffer.from(data, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(bytes.length));
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([tag.length]), Buffer.from(tag, 'ascii'), len, bytes]))
    .digest('hex');
}

describe('approval and grant vectors', () => {
  const ar = createApprovalRequest({
    request: V.approvalRequest.request,
    requestHash: V.approvalRequest.requestHash,
    policyHash: 'ab'.repeat(32),
    obligations: [
      { ruleId: 'two-sre', quorum: 2, from: ['sre'], allowRequester: false, grantTtlSeconds: 120 },
    ],
    requester: 'dave',
    createdAt: '2027-01-15T08:00:00Z',
    expiresAt: '2027-01-15T09:00:00Z',
    nonce: new Uint8Array(16).fill(7),
  });

  it('reproduces the canonical approval request and its hashes', () => {
    expect(canonicalize(ar)).toBe(V.approvalRequest.canonical);
    expect(canonicalizeRef(ar)).toBe(V.approvalRequest.canonical);
    expect(approvalRequestHash(ar)).toBe(V.approvalRequest.approvalRequestHash);
    expect(tagged('qtrust/approval-request/v1', V.approvalRequest.canonical)).toBe(
      V.approvalRequest.approvalRequestHash,
    );
    expect(requestHashOf(V.approvalRequest.request)).toBe(V.approvalRequest.requestHash);
    expect(tagged('qtrust/request/v1', canonicalizeRef(V.approvalRequest.request) as string)).toBe(
      V.approvalRequest.requestHash,
    );
  });

  it('uses the same request hash as the policy engine', () => {
    expect(requestHash(parseRequest(V.approvalRequest.request))).toBe(V.approvalRequest.requestHash);
  });

  it('reproduces the approval payload and the grant id', () => {
    const approval = JSON.parse(V.approvalPayload.canonical) as Record<string, unknown>;
    expect(approval.approvalRequest).toEqual(ar);
    expect(approval.approvalRequestHash).toBe(V.approvalRequest.approvalRequestHash);
    expect(canonicalizeRef(approval)).toBe(V.approvalPayload.canonical);
    expect(grantIdOf(Buffer.from(V.grantPayload.canonical))).toBe(V.grantPayload.grantId);
    expect(tagged('qtrust/grant/v1', V.grantPayload.canonical)).toBe(V.grantPayload.grantId);
  });
});
