import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize } from '../../../src-shared/canonical.js';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { TAGS, hashTagged } from '../../../src-shared/hash.js';
import {
  APPROVAL_REQUEST_TYPE,
  approvalRequestHash,
  createApprovalRequest,
  parseApprovalRequest,
  requestHashOf,
} from '../../../src-shared/approvals/request.js';
import { jsonPath } from '../../../src-shared/approvals/schema.js';
import { OBLIGATIONS, POLICY_HASH, REQUEST, REQUEST_HASH, T0, approvalRequest, caught } from './fixtures.js';

const base = () => JSON.parse(JSON.stringify(approvalRequest())) as Record<string, unknown>;

describe('createApprovalRequest', () => {
  it('builds the canonical object binding request, hashes, rules, requester, window and nonce', () => {
    const ar = approvalRequest();
    expect(ar).toEqual({
      type: APPROVAL_REQUEST_TYPE,
      request: REQUEST,
      requestHash: REQUEST_HASH,
      policyHash: POLICY_HASH,
      requester: 'dave',
      obligations: OBLIGATIONS,
      createdAt: '2027-01-15T08:00:00Z',
      expiresAt: '2027-01-15T09:00:00Z',
      nonce: 'BwcHBwcHBwcHBwcHBwcHBw',
    });
    expect(REQUEST_HASH).toBe(bytesToHex(hashTagged(TAGS.request, canonicalBytes(REQUEST))));
  });

  it('accepts RFC 3339 times as well as Unix seconds', () => {
    const ar = approvalRequest({ createdAt: '2027-01-15T08:00:00Z', expiresAt: '2027-01-15T09:00:00Z' });
    expect(canonicalize(ar)).toBe(canonicalize(approvalRequest()));
  });

  it('refuses a request hash that does not belong to the request', () => {
    const e = caught(() =>
      approvalRequest({ requestHash: requestHashOf({ ...REQUEST, resource: 'prod/db' }) }),
    );
    expect(e.code).toBe('QT_APPROVAL_REQUEST_INVALID');
    expect(e.path).toBe('$.requestHash');
  });

  it('refuses an empty or inverted window and one longer than 30 days', () => {
    expect(caught(() => approvalRequest({ expiresAt: T0 })).path).toBe('$.expiresAt');
    expect(caught(() => approvalRequest({ expiresAt: T0 - 1 })).path).toBe('$.expiresAt');
    expect(caught(() => approvalRequest({ expiresAt: T0 + 30 * 86400 + 1 })).path).toBe('$.expiresAt');
    expect(approvalRequest({ expiresAt: T0 + 30 * 86400 }).expiresAt).toBe('2027-02-14T08:00:00Z');
  });

  it('checks its own arguments', () => {
    expect(caught(() => createApprovalRequest(null as never)).code).toBe('QT_TYPE');
    expect(caught(() => approvalRequest({ nonce: 'BwcHBwcHBwcHBwcHBwcHBw' })).code).toBe('QT_TYPE');
    expect(caught(() => approvalRequest({ nonce: new Uint8Array(15) })).path).toBe('$.nonce');
    expect(caught(() => approvalRequest({ nonce: new Uint8Array(65) })).path).toBe('$.nonce');
    expect(caught(() => approvalRequest({ createdAt: 'yesterday' })).path).toBe('createdAt');
    expect(caught(() => approvalRequest({ request: { when: undefined } })).code).toBe(
      'QT_APPROVAL_REQUEST_INVALID',
    );
    expect(caught(() => approvalRequest({ request: new Map() })).code).toBe('QT_APPROVAL_REQUEST_INVALID');
  });
});

describe('parseApprovalRequest', () => {
  it('accepts its own output, as a value or as JSON text', () => {
    const ar = approvalRequest();
    expect(parseApprovalRequest(ar)).toEqual(ar);
    expect(parseApprovalRequest(JSON.stringify(ar))).toEqual(ar);
    expect(parseApprovalRequest(canonicalize(ar))).toEqual(ar);
  });

  const cases: [string, (o: Record<string, unknown>) => unknown, string][] = [
    ['wrong type tag', (o) => ({ ...o, type: 'qtrust/approval-request/v2' }), '$.type'],
    ['unknown member', (o) => ({ ...o, extra: 1 }), '$'],
    ['missing member', ({ nonce: _n, ...o }) => o, '$.nonce'],
    ['request not an object', (o) => ({ ...o, request: [1] }), '$.request'],
    ['upper-case hash', (o) => ({ ...o, policyHash: 'AB'.repeat(32) }), '$.policyHash'],
    ['short hash', (o) => ({ ...o, requestHash: 'ab' }), '$.requestHash'],
    ['empty requester', (o) => ({ ...o, requester: '' }), '$.requester'],
    ['requester with trailing space', (o) => ({ ...o, requester: 'dave ' }), '$.requester'],
    ['requester with a control character', (o) => ({ ...o, requester: 'da\nve' }), '$.requester'],
    ['no obligations', (o) => ({ ...o, obligations: [] }), '$.obligations'],
    [
      'quorum 0',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], quorum: 0 }] }),
      '$.obligations[0].quorum',
    ],
    [
      'fractional quorum',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], quorum: 1.5 }] }),
      '$.obligations[0].quorum',
    ],
    [
      'quorum as string',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], quorum: '2' }] }),
      '$.obligations[0].quorum',
    ],
    ['no groups', (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], from: [] }] }), '$.obligations[0].from'],
    [
      'repeated group',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], from: ['sre', 'sre'] }] }),
      '$.obligations[0].from',
    ],
    ['repeated rule id', (o) => ({ ...o, obligations: [OBLIGATIONS[0], OBLIGATIONS[0]] }), '$.obligations'],
    [
      'allowRequester as string',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], allowRequester: 'no' }] }),
      '$.obligations[0].allowRequester',
    ],
    [
      'grant ttl over a day',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], grantTtlSeconds: 86_401 }] }),
      '$.obligations[0].grantTtlSeconds',
    ],
    [
      'unknown obligation member',
      (o) => ({ ...o, obligations: [{ ...OBLIGATIONS[0], veto: true }] }),
      '$.obligations[0]',
    ],
    ['time with fraction', (o) => ({ ...o, createdAt: '2027-01-15T08:00:00.5Z' }), '$.createdAt'],
    ['time as number', (o) => ({ ...o, expiresAt: T0 }), '$.expiresAt'],
    ['nonce in base64 with padding', (o) => ({ ...o, nonce: 'BwcHBwcHBwcHBwcHBwcHBw==' }), '$.nonce'],
    ['nonce not canonical', (o) => ({ ...o, nonce: 'BwcHBwcHBwcHBwcHBwcHBx' }), '$.nonce'],
    [
      'request edited after hashing',
      (o) => ({ ...o, request: { ...REQUEST, resource: 'prod/db' } }),
      '$.requestHash',
    ],
  ];
  it.each(cases)('refuses %s with its JSON path', (_name, edit, path) => {
    const e = caught(() => parseApprovalRequest(edit(base())));
    expect(e.code).toBe('QT_APPROVAL_REQUEST_INVALID');
    expect(e.path).toBe(path);
    expect(e.message).toContain(path);
  });

  it('refuses non-JSON values, bad text, duplicate keys and look-alikes', () => {
    for (const bad of [
      undefined,
      1,
      null,
      [],
      new Date(0),
      '{',
      '{"type":1,"type":2}',
      { ...base(), createdAt: Number.NaN },
    ]) {
      expect(caught(() => parseApprovalRequest(bad)).code).toBe('QT_APPROVAL_REQUEST_INVALID');
    }
    const proto = JSON.stringify(base()).replace('{', '{"__proto__":{"requester":"alice"},');
    expect(caught(() => parseApprovalRequest(proto)).code).toBe('QT_APPROVAL_REQUEST_INVALID');
    const dup = JSON.stringify(base()).replace('{', '{"requester":"alice",');
    expect(caught(() => parseApprovalRequest(dup)).code).toBe('QT_APPROVAL_REQUEST_INVALID');
  });
});

describe('approvalRequestHash', () => {
  it('is the tagged hash of the canonical approval request', () => {
    const ar = approvalRequest();
    expect(approvalRequestHash(ar)).toBe(bytesToHex(hashTagged(TAGS.approvalRequest, canonicalBytes(ar))));
    expect(approvalRequestHash(JSON.stringify(ar))).toBe(approvalRequestHash(ar));
  });

  it('changes with every bound field', () => {
    const h = approvalRequestHash(approvalRequest());
    expect(approvalRequestHash(approvalRequest({ nonce: new Uint8Array(16).fill(8) }))).not.toBe(h);
    expect(approvalRequestHash(approvalRequest({ policyHash: 'cd'.repeat(32) }))).not.toBe(h);
    expect(approvalRequestHash(approvalRequest({ requester: 'bob' }))).not.toBe(h);
    expect(approvalRequestHash(approvalRequest({ expiresAt: T0 + 3599 }))).not.toBe(h);
    expect(
      approvalRequestHash(approvalRequest({ obligations: [{ ...OBLIGATIONS[0], quorum: 1 }] })),
    ).not.toBe(h);
  });

  it('refuses what parseApprovalRequest refuses', () => {
    expect(caught(() => approvalRequestHash({})).code).toBe('QT_APPROVAL_REQUEST_INVALID');
  });
});

describe('jsonPath', () => {
  it('writes identifiers with dots, indices and odd keys in brackets', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['a', 0, 'b c', Symbol.for('s')])).toBe('$.a[0]["b c"]["Symbol(s)"]');
  });
});
