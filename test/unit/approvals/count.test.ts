import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { APPROVAL_PAYLOAD_TYPE, APPROVAL_TYPE, signApproval } from '../../../src-shared/approvals/approve.js';
import {
  MAX_APPROVALS,
  allSatisfied,
  approvalStatus,
  countApprovals,
  type ObligationTally,
} from '../../../src-shared/approvals/count.js';
import { approvalRequestHash, type ApprovalRequest } from '../../../src-shared/approvals/request.js';
import { parseRoster } from '../../../src-shared/approvals/roster.js';
import { formatTime } from '../../../src-shared/approvals/time.js';
import { signEnvelope, type Envelope, type SecretKeyEntry } from '../../../src-shared/sign/index.js';
import {
  MALLORY,
  OBLIGATIONS,
  PEOPLE,
  T0,
  approvalRequest,
  caught,
  key,
  roster,
  rosterDoc,
  type Person,
} from './fixtures.js';

const AR = approvalRequest();
const AT = T0 + 60;
const approve = (who: Person, time = AT, decision: 'approve' | 'reject' = 'approve', ar: unknown = AR) =>
  signApproval(ar, who, PEOPLE[who].keys, time, decision);

/** Signs an arbitrary approval payload, for approvals signApproval would refuse to make. */
function raw(
  fields: Record<string, unknown>,
  keys: readonly SecretKeyEntry[],
  ar: ApprovalRequest = AR,
): Envelope {
  const payload = {
    type: APPROVAL_TYPE,
    approvalRequest: ar,
    approvalRequestHash: approvalRequestHash(ar),
    approver: 'alice',
    decision: 'approve',
    time: formatTime(AT),
    ...fields,
  };
  return signEnvelope(APPROVAL_PAYLOAD_TYPE, canonicalBytes(payload), keys);
}

const count = (approvals: unknown[], extra: Record<string, unknown> = {}) =>
  countApprovals({ approvalRequest: AR, approvals, roster: roster(), now: T0 + 120, ...extra });

const codes = (t: ObligationTally | undefined) => t?.ignored.map((i) => [i.index, i.code]);

// Signed once: ML-DSA signing is the slow part of these tests.
const A = approve('alice');
const B = approve('bob');
const C = approve('carol');
const D = approve('dave');
const A2 = approve('alice', AT + 5);
const Brej = approve('bob', AT + 10, 'reject');

describe('countApprovals: counting', () => {
  it('counts distinct people of the named groups per obligation', () => {
    const [sre, sec] = count([A, B, C]);
    expect(sre).toMatchObject({
      ruleId: 'two-sre',
      quorum: 2,
      counted: ['alice', 'bob'],
      rejectedBy: [],
      satisfied: true,
    });
    expect(sec?.counted).toEqual(['bob', 'carol']);
    expect(sec?.satisfied).toBe(true);
    expect(codes(sre)).toEqual([[2, 'QT_APPROVAL_NOT_IN_GROUP']]);
    expect(codes(sec)).toEqual([[0, 'QT_APPROVAL_NOT_IN_GROUP']]);
  });

  it('summarizes the tallies for the policy engine', () => {
    const all = count([A, B, C]);
    expect(approvalStatus(all)).toEqual(
      new Map([
        ['two-sre', true],
        ['one-security', true],
      ]),
    );
    expect(allSatisfied(all)).toBe(true);
    const some = count([A, C]);
    expect(approvalStatus(some)).toEqual(
      new Map([
        ['two-sre', false],
        ['one-security', true],
      ]),
    );
    expect(allSatisfied(some)).toBe(false);
    expect(allSatisfied([])).toBe(false);
  });

  it('is unsatisfied below quorum and with no approvals', () => {
    const [sre, sec] = count([A]);
    expect(sre?.satisfied).toBe(false);
    expect(sec?.satisfied).toBe(false);
    expect(count([]).map((t) => t.satisfied)).toEqual([false, false]);
  });

  it('counts one person once, even with several distinct approvals', () => {
    const [sre] = count([A, A2, A]);
    expect(sre?.counted).toEqual(['alice']);
    expect(sre?.satisfied).toBe(false);
    expect(codes(sre)).toEqual([
      [1, 'QT_APPROVAL_DUPLICATE'],
      [2, 'QT_APPROVAL_DUPLICATE'],
    ]);
    expect(sre?.ignored[1]?.message).toContain('identical to approval 0');
  });

  it('excludes the requester unless the rule allows it', () => {
    const [sre] = count([A, D]);
    expect(sre?.counted).toEqual(['alice']);
    expect(codes(sre)).toEqual([[1, 'QT_APPROVAL_REQUESTER']]);
    const lenient = approvalRequest({ obligations: [{ ...OBLIGATIONS[0], allowRequester: true }] });
    const [own] = countApprovals({
      approvalRequest: lenient,
      approvals: [approve('alice', AT, 'approve', lenient), approve('dave', AT, 'approve', lenient)],
      roster: roster(),
      now: T0 + 120,
    });
    expect(own?.counted).toEqual(['alice', 'dave']);
    expect(own?.satisfied).toBe(true);
  });

  it('reports rejections and never counts them; a rejection outweighs the same person’s approval', () => {
    const [sre, sec] = count([A, Brej, B]);
    expect(sre?.counted).toEqual(['alice']);
    expect(sre?.rejectedBy).toEqual(['bob']);
    expect(sec?.rejectedBy).toEqual(['bob']);
    expect(codes(sre)).toEqual([[2, 'QT_APPROVAL_DUPLICATE']]);
    expect(count([B, Brej])[0]?.rejectedBy).toEqual(['bob']);
  });
});

describe('countApprovals: hostile approvals are ignored and reported', () => {
  const only = (approval: unknown, extra: Record<string, unknown> = {}) => {
    const [sre] = count([approval], extra);
    expect(sre?.counted).toEqual([]);
    expect(sre?.ignored).toHaveLength(1);
    return sre?.ignored[0];
  };

  it('an approval signed by keys nobody registered', () => {
    expect(only(raw({}, MALLORY))?.code).toBe('QT_APPROVAL_UNKNOWN_KEY');
  });

  it('the same person with another key (one registered, one not)', () => {
    expect(only(raw({}, [PEOPLE.alice.keys[0]!, MALLORY[1]!]))?.code).toBe('QT_APPROVAL_UNKNOWN_KEY');
    expect(only(signApproval(AR, 'alice', [key('ed25519', 67)], AT))?.code).toBe('QT_APPROVAL_UNKNOWN_KEY');
  });

  it('signatures by keys of two people', () => {
    const e = only(raw({}, [PEOPLE.alice.keys[0]!, PEOPLE.bob.keys[1]!]));
    expect(e?.code).toBe('QT_APPROVAL_UNKNOWN_KEY');
    expect(e?.message).toContain('more than one approver');
  });

  it('one key of a hybrid set only', () => {
    const e = only(raw({}, [PEOPLE.alice.keys[0]!]));
    expect(e?.code).toBe('QT_APPROVAL_BAD_SIGNATURE');
    expect(e?.message).toContain('no signature by required ml-dsa-65 key');
  });

  it('forged signatures under a person’s key ids', () => {
    const forged = {
      ...B,
      signatures: B.signatures.map((s, i) => ({
        ...s,
        keyid: PEOPLE.alice.keys.find((k) => k.suite === s.suite)!.keyid,
        i,
      })),
    };
    // Remove the helper field again: the envelope must stay well formed.
    const clean = { ...forged, signatures: forged.signatures.map(({ i: _i, ...s }) => s) };
    expect(only(clean)?.code).toBe('QT_APPROVAL_BAD_SIGNATURE');
  });

  it('a tampered payload', () => {
    const body = JSON.parse(Buffer.from(A.payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = {
      ...A,
      payload: Buffer.from(JSON.stringify({ ...body, approver: 'bob' })).toString('base64url'),
    };
    expect(only(tampered)?.code).toBe('QT_APPROVAL_BAD_SIGNATURE');
  });

  it('keys of one person naming another', () => {
    const e = only(raw({ approver: 'bob' }, PEOPLE.alice.keys));
    expect(e?.code).toBe('QT_APPROVAL_UNKNOWN_KEY');
    expect(e?.message).toContain('names "bob"');
  });

  it('an approval of another approval request', () => {
    const other = approvalRequest({ nonce: new Uint8Array(16).fill(9) });
    expect(only(approve('alice', AT, 'approve', other))?.code).toBe('QT_APPROVAL_WRONG_REQUEST');
    // Right hash, other embedded request (what the approver saw differs from what is counted).
    expect(only(raw({ approvalRequest: other }, PEOPLE.alice.keys))?.code).toBe('QT_APPROVAL_WRONG_REQUEST');
    expect(only(raw({ approvalRequestHash: 'cd'.repeat(32) }, PEOPLE.alice.keys))?.code).toBe(
      'QT_APPROVAL_WRONG_REQUEST',
    );
  });

  it('an approval made after expiry, and any approval once the request expired', () => {
    expect(only(raw({ time: formatTime(T0 + 3601) }, PEOPLE.alice.keys), { now: T0 + 3601 })?.code).toBe(
      'QT_APPROVAL_EXPIRED',
    );
    const late = only(A, { now: T0 + 3601 });
    expect(late?.code).toBe('QT_APPROVAL_EXPIRED');
    expect(late?.message).toContain('request has expired');
    expect(count([A, B], { now: T0 + 3600 })[0]?.satisfied).toBe(true);
  });

  it('an approval dated before the request or in the future, beyond the skew', () => {
    expect(only(raw({ time: formatTime(T0 - 31) }, PEOPLE.alice.keys))?.code).toBe('QT_APPROVAL_TIME');
    expect(only(raw({ time: formatTime(T0 + 200) }, PEOPLE.alice.keys), { now: T0 + 169 })?.code).toBe(
      'QT_APPROVAL_TIME',
    );
    expect(count([raw({ time: formatTime(T0 - 30) }, PEOPLE.alice.keys)])[0]?.counted).toEqual(['alice']);
    expect(
      count([raw({ time: formatTime(T0 + 200) }, PEOPLE.alice.keys)], { now: T0 + 170 })[0]?.counted,
    ).toEqual(['alice']);
    expect(only(raw({ time: formatTime(T0 - 1) }, PEOPLE.alice.keys), { skewSeconds: 0 })?.code).toBe(
      'QT_APPROVAL_TIME',
    );
  });

  it('a person outside the rule’s groups', () => {
    expect(only(C)?.code).toBe('QT_APPROVAL_NOT_IN_GROUP');
    expect(only(approve('erin'))?.code).toBe('QT_APPROVAL_NOT_IN_GROUP');
  });

  it('wrong types, truncated envelopes, other payload types and malformed payloads', () => {
    const { signatures: _s, ...truncated } = A;
    for (const bad of [
      null,
      5,
      'approve',
      [],
      {},
      truncated,
      { ...A, signatures: [] },
      { ...A, payload: A.payload.slice(0, 10) },
    ]) {
      expect(only(bad)?.code).toBe('QT_APPROVAL_MALFORMED');
    }
    expect(only(undefined)?.message).toContain('not JSON');
    expect(only({ ...A, extra: new Map() })?.code).toBe('QT_APPROVAL_MALFORMED');
    const roster = signEnvelope('application/vnd.qtrust.roster+json', utf8ToBytes('{}'), PEOPLE.alice.keys);
    expect(only(roster)?.message).toContain('not an approval');
    const spaced = signEnvelope(APPROVAL_PAYLOAD_TYPE, utf8ToBytes(' {}'), PEOPLE.alice.keys);
    expect(only(spaced)?.code).toBe('QT_APPROVAL_MALFORMED');
    const noJson = signEnvelope(APPROVAL_PAYLOAD_TYPE, utf8ToBytes('{"a":'), PEOPLE.alice.keys);
    expect(only(noJson)?.code).toBe('QT_APPROVAL_MALFORMED');
    const schema = raw({ decision: 'maybe' }, PEOPLE.alice.keys);
    expect(only(schema)?.message).toContain('schema');
    const proto = signEnvelope(
      APPROVAL_PAYLOAD_TYPE,
      utf8ToBytes(`{"__proto__":{},"approvalRequest":{"__proto__":{}}}`),
      PEOPLE.alice.keys,
    );
    expect(only(proto)?.code).toBe('QT_APPROVAL_MALFORMED');
  });

  it('keeps good approvals counting next to bad ones', () => {
    const [sre] = count([raw({}, MALLORY), A, null, B, A]);
    expect(sre?.counted).toEqual(['alice', 'bob']);
    expect(sre?.satisfied).toBe(true);
    expect(codes(sre)).toEqual([
      [0, 'QT_APPROVAL_UNKNOWN_KEY'],
      [2, 'QT_APPROVAL_MALFORMED'],
      [4, 'QT_APPROVAL_DUPLICATE'],
    ]);
  });
});

describe('countApprovals: arguments', () => {
  it('needs a roster from verifyRoster', () => {
    const e = caught(() =>
      countApprovals({ approvalRequest: AR, approvals: [A], roster: parseRoster(rosterDoc()), now: AT }),
    );
    expect(e.code).toBe('QT_ROSTER_UNVERIFIED');
  });

  it('refuses obligations other than those the approvals were asked for', () => {
    expect(count([A, B], { obligations: OBLIGATIONS })[0]?.satisfied).toBe(true);
    const weaker = [{ ...OBLIGATIONS[0], quorum: 1 }, OBLIGATIONS[1]];
    expect(caught(() => count([A], { obligations: weaker })).code).toBe('QT_APPROVAL_OBLIGATIONS_MISMATCH');
    expect(caught(() => count([A], { obligations: [{ ruleId: undefined }] })).code).toBe(
      'QT_APPROVAL_OBLIGATIONS_MISMATCH',
    );
  });

  it('checks approvals, now, skew and the approval request', () => {
    expect(caught(() => countApprovals(null as never))).toMatchObject({ code: 'QT_TYPE', path: 'input' });
    expect(caught(() => count('A' as never)).code).toBe('QT_TYPE');
    expect(caught(() => count(new Array(MAX_APPROVALS + 1).fill(null))).code).toBe('QT_RANGE');
    expect(caught(() => count([], { now: 'now' })).path).toBe('now');
    for (const skewSeconds of [-1, 301, 1.5, '30']) {
      expect(caught(() => count([], { skewSeconds })).path).toBe('skewSeconds');
    }
    expect(
      caught(() => countApprovals({ approvalRequest: {}, approvals: [], roster: roster(), now: AT })).code,
    ).toBe('QT_APPROVAL_REQUEST_INVALID');
  });
});

describe('countApprovals: properties', () => {
  const pool: unknown[] = [
    A,
    B,
    C,
    D,
    A2,
    Brej,
    raw({}, MALLORY),
    null,
    approve('erin'),
    raw({ time: formatTime(T0 - 100) }, PEOPLE.carol.keys),
  ];
  const summary = (ts: ObligationTally[]) =>
    ts.map((t) => ({ counted: t.counted, rejectedBy: t.rejectedBy, satisfied: t.satisfied }));
  const expected = summary(count(pool));

  it('is invariant under shuffling the approvals and duplicating entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: pool.length, maxLength: pool.length }),
        fc.infiniteStream(fc.nat()),
        (copies, randomness) => {
          const list = pool.flatMap((a, i) => new Array<unknown>(copies[i]!).fill(a));
          // Fisher-Yates driven by fast-check, so failures shrink and replay.
          const it = randomness[Symbol.iterator]();
          for (let i = list.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [list[i], list[j]] = [list[j], list[i]];
          }
          const result = count(list);
          expect(summary(result)).toEqual(expected);
          // Every entry is either counted exactly once per person or reported.
          for (const t of result)
            expect(t.ignored.length + t.counted.length + t.rejectedBy.length).toBe(list.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is deterministic', () => {
    expect(count(pool)).toEqual(count(pool));
  });
});
