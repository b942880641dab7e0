import { describe, expect, it } from 'vitest';
import { canonicalBytes, parseJsonBytes } from '../../../src-shared/canonical.js';
import { fromBase64url } from '../../../src-shared/bytes.js';
import { APPROVAL_PAYLOAD_TYPE, APPROVAL_TYPE, signApproval } from '../../../src-shared/approvals/approve.js';
import { approvalRequestHash } from '../../../src-shared/approvals/request.js';
import { verifyEnvelope } from '../../../src-shared/sign/index.js';
import { PEOPLE, T0, approvalRequest, caught, pub } from './fixtures.js';

describe('signApproval', () => {
  const ar = approvalRequest();

  it('signs the whole canonical approval request with every key of the set', () => {
    const env = signApproval(ar, 'alice', PEOPLE.alice.keys, T0 + 60);
    expect(env.payloadType).toBe(APPROVAL_PAYLOAD_TYPE);
    expect(env.signatures.map((s) => s.keyid).sort()).toEqual(PEOPLE.alice.keys.map((k) => k.keyid).sort());
    const { payload } = verifyEnvelope(env, PEOPLE.alice.keys.map(pub), {
      payloadType: APPROVAL_PAYLOAD_TYPE,
    });
    expect(parseJsonBytes(payload)).toEqual({
      type: APPROVAL_TYPE,
      approvalRequest: ar,
      approvalRequestHash: approvalRequestHash(ar),
      approver: 'alice',
      decision: 'approve',
      time: '2027-01-15T08:01:00Z',
    });
    // The payload is canonical JSON: one approval, one byte form.
    expect(payload).toEqual(canonicalBytes(parseJsonBytes(payload)));
  });

  it('signs a rejection and accepts RFC 3339 times and JSON text', () => {
    const env = signApproval(JSON.stringify(ar), 'bob', PEOPLE.bob.keys, '2027-01-15T08:30:00Z', 'reject');
    const body = parseJsonBytes(fromBase64url(env.payload)) as Record<string, unknown>;
    expect(body.decision).toBe('reject');
    expect(body.time).toBe('2027-01-15T08:30:00Z');
  });

  it('accepts the window boundaries and refuses times outside it', () => {
    expect(() => signApproval(ar, 'alice', PEOPLE.alice.keys, T0)).not.toThrow();
    expect(() => signApproval(ar, 'alice', PEOPLE.alice.keys, T0 + 3600)).not.toThrow();
    expect(caught(() => signApproval(ar, 'alice', PEOPLE.alice.keys, T0 + 3601)).code).toBe(
      'QT_APPROVAL_EXPIRED',
    );
    expect(caught(() => signApproval(ar, 'alice', PEOPLE.alice.keys, T0 - 1)).code).toBe('QT_APPROVAL_TIME');
  });

  it('checks its arguments', () => {
    expect(caught(() => signApproval({ ...ar, nonce: 'x' }, 'alice', PEOPLE.alice.keys, T0)).code).toBe(
      'QT_APPROVAL_REQUEST_INVALID',
    );
    expect(caught(() => signApproval(ar, '', PEOPLE.alice.keys, T0))).toMatchObject({
      code: 'QT_TYPE',
      path: 'approverId',
    });
    expect(caught(() => signApproval(ar, 7 as never, PEOPLE.alice.keys, T0)).path).toBe('approverId');
    expect(caught(() => signApproval(ar, 'alice', PEOPLE.alice.keys, T0, 'abstain' as never)).path).toBe(
      'decision',
    );
    expect(caught(() => signApproval(ar, 'alice', PEOPLE.alice.keys, 'soon')).path).toBe('time');
    expect(caught(() => signApproval(ar, 'alice', [], T0)).code).toBe('QT_RANGE');
  });
});
