import { describe, expect, it } from 'vitest';
import { canonicalBytes, parseJsonBytes } from '../../../src-shared/canonical.js';
import { bytesToHex, fromBase64url, utf8ToBytes } from '../../../src-shared/bytes.js';
import { TAGS, hashTagged } from '../../../src-shared/hash.js';
import {
  GRANT_PAYLOAD_TYPE,
  GRANT_TYPE,
  grantIdOf,
  issueGrant,
  verifyGrant,
  type IssueGrantInput,
  type VerifyGrantOptions,
} from '../../../src-shared/grants/grant.js';
import { MemoryReplayCache, type ReplayCache } from '../../../src-shared/grants/replay.js';
import { signEnvelope, type Envelope } from '../../../src-shared/sign/index.js';
import { MALLORY, REQUEST_HASH, T0, caught, key, pub } from '../approvals/fixtures.js';

const ISSUER = [key('ed25519', 30), key('ml-dsa-65', 31)];
const ISSUER_PUB = ISSUER.map(pub);
const NONCE = new Uint8Array(32).fill(5);

const issue = (over: Partial<Record<keyof IssueGrantInput, unknown>> = {}): Envelope =>
  issueGrant({
    decision: 'allow',
    requestHash: REQUEST_HASH,
    audience: 'deployer@prod',
    nonce: NONCE,
    issuedAt: T0,
    signers: ISSUER,
    ...over,
  } as IssueGrantInput);

const body = (env: Envelope) => parseJsonBytes(fromBase64url(env.payload)) as Record<string, unknown>;

const GRANT = issue();

function verify(env: unknown, over: Partial<Record<keyof VerifyGrantOptions, unknown>> = {}) {
  return verifyGrant(env, {
    issuerKeys: ISSUER_PUB,
    audience: 'deployer@prod',
    requestHash: REQUEST_HASH,
    now: T0 + 10,
    replay: new MemoryReplayCache(),
    ...over,
  } as VerifyGrantOptions);
}

/** Signs an arbitrary grant payload with the real issuer keys (for payloads issueGrant refuses to make). */
function rawGrant(fields: Record<string, unknown>, bytes?: Uint8Array): Envelope {
  const payload = { ...body(GRANT), ...fields };
  return signEnvelope(GRANT_PAYLOAD_TYPE, bytes ?? canonicalBytes(payload), ISSUER);
}

describe('issueGrant', () => {
  it('issues a canonical, hybrid-signed grant bound to request, audience and nonce', () => {
    expect(GRANT.payloadType).toBe(GRANT_PAYLOAD_TYPE);
    expect(GRANT.signatures.map((s) => s.suite).sort()).toEqual(['ed25519', 'ml-dsa-65']);
    expect(body(GRANT)).toEqual({
      type: GRANT_TYPE,
      requestHash: REQUEST_HASH,
      audience: 'deployer@prod',
      nonce: Buffer.from(NONCE).toString('base64url'),
      issuedAt: '2027-01-15T08:00:00Z',
      expiresAt: '2027-01-15T08:05:00Z',
    });
  });

  it('caps the lifetime at what the rule allows, and at one hour', () => {
    expect(body(issue({ ttlSeconds: 60 })).expiresAt).toBe('2027-01-15T08:01:00Z');
    expect(body(issue({ ttlSeconds: 600, maxTtlSeconds: 120 })).expiresAt).toBe('2027-01-15T08:02:00Z');
    expect(body(issue({ maxTtlSeconds: 120 })).expiresAt).toBe('2027-01-15T08:02:00Z');
    expect(body(issue({ ttlSeconds: 3600 })).expiresAt).toBe('2027-01-15T09:00:00Z');
    // A rule may state up to a day; the grant still lives at most an hour.
    expect(body(issue({ ttlSeconds: 3600, maxTtlSeconds: 86_400 })).expiresAt).toBe('2027-01-15T09:00:00Z');
    expect(body(issue({ maxTtlSeconds: 86_400 })).expiresAt).toBe('2027-01-15T08:05:00Z');
    expect(body(issue({ issuedAt: '2027-01-15T08:00:00Z' })).issuedAt).toBe('2027-01-15T08:00:00Z');
    for (const ttlSeconds of [0, 3601, 1.5, '60'])
      expect(caught(() => issue({ ttlSeconds })).path).toBe('ttlSeconds');
    for (const maxTtlSeconds of [0, 86_401])
      expect(caught(() => issue({ maxTtlSeconds })).code).toBe('QT_RANGE');
  });

  it('refuses anything but an allow decision', () => {
    for (const decision of ['deny', 'pending', 'ALLOW', undefined, { decision: 'allow' }, true]) {
      const e = caught(() => issue({ decision }));
      expect(e.code).toBe('QT_GRANT_NOT_ALLOWED');
      expect(e.path).toBe('decision');
    }
    expect(caught(() => issue({ decision: 'pending' })).message).toContain('"pending"');
  });

  it('refuses signers that are not a hybrid set', () => {
    expect(caught(() => issue({ signers: [ISSUER[0]] })).code).toBe('QT_GRANT_NOT_HYBRID');
    expect(caught(() => issue({ signers: [ISSUER[1]] })).code).toBe('QT_GRANT_NOT_HYBRID');
    expect(caught(() => issue({ signers: ISSUER[0] })).code).toBe('QT_TYPE');
    expect(caught(() => issue({ signers: [null, ISSUER[1]] })).code).toBe('QT_TYPE');
  });

  it('checks its arguments', () => {
    expect(caught(() => issueGrant(null as never)).code).toBe('QT_TYPE');
    expect(caught(() => issue({ requestHash: 'AB'.repeat(32) })).path).toBe('requestHash');
    expect(caught(() => issue({ audience: ' prod' })).path).toBe('audience');
    expect(caught(() => issue({ nonce: 'nonce' })).code).toBe('QT_TYPE');
    expect(caught(() => issue({ nonce: new Uint8Array(15) })).code).toBe('QT_RANGE');
    expect(caught(() => issue({ nonce: new Uint8Array(65) })).code).toBe('QT_RANGE');
    expect(caught(() => issue({ issuedAt: -5 })).path).toBe('issuedAt');
    expect(caught(() => issue({ issuedAt: 253_402_300_799 })).path).toBe('expiresAt');
  });
});

describe('verifyGrant', () => {
  it('accepts a fresh grant once and returns its binding', () => {
    const replay = new MemoryReplayCache();
    const v = verify(GRANT, { replay });
    expect(v).toEqual({
      grantId: bytesToHex(hashTagged(TAGS.grant, fromBase64url(GRANT.payload))),
      requestHash: REQUEST_HASH,
      audience: 'deployer@prod',
      nonce: body(GRANT).nonce,
      issuedAt: T0,
      expiresAt: T0 + 300,
    });
    expect(v.grantId).toBe(grantIdOf(fromBase64url(GRANT.payload)));
    expect(caught(() => verify(GRANT, { replay })).code).toBe('QT_GRANT_REPLAYED');
    // Same payload re-wrapped (another JSON encoding of the envelope): still the same grant.
    expect(caught(() => verify(JSON.parse(JSON.stringify(GRANT)), { replay })).code).toBe(
      'QT_GRANT_REPLAYED',
    );
    // Re-signed by the issuer: same payload, same id, still refused.
    expect(caught(() => verify(rawGrant({}), { replay })).code).toBe('QT_GRANT_REPLAYED');
  });

  it('remembers the id until the grant could no longer pass the time check', () => {
    const seen: [string, number][] = [];
    const replay: ReplayCache = { checkAndRemember: (id, exp) => (seen.push([id, exp]), true) };
    verify(GRANT, { replay });
    expect(seen).toEqual([[grantIdOf(fromBase64url(GRANT.payload)), T0 + 300 + 30]]);
  });

  it('fails closed when the replay cache answers anything but true, or throws', () => {
    expect(caught(() => verify(GRANT, { replay: { checkAndRemember: () => 1 } })).code).toBe(
      'QT_GRANT_REPLAYED',
    );
    const boom = {
      checkAndRemember: () => {
        throw new Error('disk full');
      },
    };
    expect(() => verify(GRANT, { replay: boom })).toThrow('disk full');
  });

  it('does not use up the id of a grant that fails another check', () => {
    const replay = new MemoryReplayCache();
    expect(caught(() => verify(GRANT, { replay, audience: 'other' })).code).toBe('QT_GRANT_AUDIENCE');
    expect(caught(() => verify(GRANT, { replay, now: T0 + 400 })).code).toBe('QT_GRANT_EXPIRED');
    expect(replay.size).toBe(0);
    expect(verify(GRANT, { replay }).expiresAt).toBe(T0 + 300);
  });

  it('checks the audience and the request binding', () => {
    expect(caught(() => verify(GRANT, { audience: 'deployer@staging' }))).toMatchObject({
      code: 'QT_GRANT_AUDIENCE',
      path: '$.audience',
    });
    expect(caught(() => verify(GRANT, { requestHash: 'cd'.repeat(32) }))).toMatchObject({
      code: 'QT_GRANT_REQUEST_MISMATCH',
      path: '$.requestHash',
    });
  });

  it('enforces the time window with the skew, exactly at its boundaries', () => {
    // Valid for issuedAt - skew <= now < expiresAt + skew.
    expect(verify(GRANT, { now: T0 - 30 }).issuedAt).toBe(T0);
    expect(caught(() => verify(GRANT, { now: T0 - 31 })).code).toBe('QT_GRANT_NOT_YET_VALID');
    expect(verify(GRANT, { now: T0 + 300 + 29 }).expiresAt).toBe(T0 + 300);
    expect(caught(() => verify(GRANT, { now: T0 + 300 + 30 })).code).toBe('QT_GRANT_EXPIRED');
    expect(caught(() => verify(GRANT, { now: T0 + 300, skewSeconds: 0 })).code).toBe('QT_GRANT_EXPIRED');
    expect(verify(GRANT, { now: T0 + 299, skewSeconds: 0 }).grantId).toHaveLength(64);
    expect(caught(() => verify(GRANT, { now: T0 - 1, skewSeconds: 0 })).code).toBe('QT_GRANT_NOT_YET_VALID');
    expect(verify(GRANT, { now: '2027-01-15T08:04:59Z' }).grantId).toHaveLength(64);
  });

  it('refuses grants not signed by every pinned issuer key', () => {
    const forged = signEnvelope(GRANT_PAYLOAD_TYPE, fromBase64url(GRANT.payload), MALLORY);
    expect(caught(() => verify(forged)).code).toBe('QT_GRANT_SIGNATURE');
    const classicalOnly = signEnvelope(GRANT_PAYLOAD_TYPE, fromBase64url(GRANT.payload), [ISSUER[0]!]);
    expect(caught(() => verify(classicalOnly))).toMatchObject({
      code: 'QT_GRANT_SIGNATURE',
      path: '$.signatures',
    });
  });

  it('refuses a tampered request hash or lifetime', () => {
    const b = body(GRANT);
    const edit = (f: Record<string, unknown>) => ({
      ...GRANT,
      payload: Buffer.from(canonicalBytes({ ...b, ...f })).toString('base64url'),
    });
    expect(
      caught(() => verify(edit({ requestHash: 'cd'.repeat(32) }), { requestHash: 'cd'.repeat(32) })).code,
    ).toBe('QT_GRANT_SIGNATURE');
    expect(caught(() => verify(edit({ expiresAt: '2027-01-15T09:00:00Z' }), { now: T0 + 1000 })).code).toBe(
      'QT_GRANT_SIGNATURE',
    );
  });

  it('refuses malformed, truncated and mistyped envelopes', () => {
    const { signatures: _s, ...truncated } = GRANT;
    for (const bad of [
      null,
      'grant',
      [],
      {},
      truncated,
      { ...GRANT, payload: GRANT.payload.slice(0, 30) + '=' },
    ]) {
      expect(caught(() => verify(bad)).code).toBe('QT_GRANT_MALFORMED');
    }
    const other = signEnvelope('application/vnd.qtrust.approval+json', fromBase64url(GRANT.payload), ISSUER);
    expect(caught(() => verify(other))).toMatchObject({ code: 'QT_GRANT_MALFORMED', path: '$.payloadType' });
  });

  it('refuses validly signed payloads that are not well-formed grants', () => {
    const expectMalformed = (env: Envelope, path?: string) => {
      const e = caught(() => verify(env));
      expect(e.code).toBe('QT_GRANT_MALFORMED');
      if (path !== undefined) expect(e.path).toBe(path);
    };
    expectMalformed(rawGrant({}, utf8ToBytes(JSON.stringify(body(GRANT), null, 2))), '$');
    expectMalformed(rawGrant({}, new Uint8Array([0xc0])));
    expectMalformed(rawGrant({ extra: 1 }), '$');
    expectMalformed(rawGrant({ type: 'qtrust/grant/v2' }), '$.type');
    expectMalformed(rawGrant({ issuedAt: 'now' }), '$.issuedAt');
    expectMalformed(rawGrant({ expiresAt: '2027-02-30T00:00:00Z' }), '$.expiresAt');
    expectMalformed(rawGrant({ nonce: 'BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQV' }), '$.nonce');
    expectMalformed(rawGrant({ expiresAt: '2027-01-15T08:00:00Z' }), '$.expiresAt');
    expectMalformed(rawGrant({ expiresAt: '2027-01-15T09:00:01Z' }), '$.expiresAt');
    expectMalformed(rawGrant({ expiresAt: '2027-01-15T07:59:59Z' }), '$.expiresAt');
  });

  it('checks its options', () => {
    expect(caught(() => verifyGrant(GRANT, null as never)).path).toBe('opts');
    expect(caught(() => verify(GRANT, { issuerKeys: [ISSUER_PUB[0]] })).code).toBe('QT_GRANT_NOT_HYBRID');
    expect(caught(() => verify(GRANT, { audience: '' })).path).toBe('audience');
    expect(caught(() => verify(GRANT, { requestHash: undefined })).path).toBe('requestHash');
    expect(caught(() => verify(GRANT, { now: undefined })).path).toBe('now');
    expect(caught(() => verify(GRANT, { skewSeconds: 301 })).path).toBe('skewSeconds');
    for (const replay of [undefined, null, {}, { checkAndRemember: true }]) {
      expect(caught(() => verify(GRANT, { replay })).path).toBe('replay');
    }
  });
});
