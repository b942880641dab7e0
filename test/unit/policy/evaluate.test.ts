/** evaluate: options, hashes, approvals status, error cases of conditions, index corner cases. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { isQtError } from '../../../src-shared/errors.js';
import { hashTagged, nobleHashes, TAGS } from '../../../src-shared/hash.js';
import {
  compilePolicy,
  evaluate,
  isCompiledPolicy,
  parsePolicy,
  parseRequest,
  policyHash,
  requestDocument,
  requestHash,
  type Obligation,
} from '../../../src-shared/policy/index.js';
import { requestCanonicalBytes } from '../../../src-shared/policy/parse-request.js';
import { requestArb } from './arbitraries.js';
import { rule } from './fixtures.js';

const policy = (...rules: Record<string, unknown>[]) => compilePolicy({ policy: 'p', version: 3, rules });
const req = (context: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  subject: { id: 'alice', groups: ['ops'] },
  action: 'db.read',
  resource: 'prod/db',
  context,
  time: '2026-11-26T13:40:00Z',
  ...extra,
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isQtError(e) ? `${e.code} ${e.path ?? ''}` : 'not a QtError';
  }
  return undefined;
}

describe('evaluate', () => {
  it('carries the policy hash and the request hash as documented', () => {
    const doc = { policy: 'p', version: 3, rules: [rule('a')] };
    const c = compilePolicy(doc);
    const d = evaluate(c, req({ x: [1, 'é', { y: null }] }));
    expect(d.policyHash).toBe(bytesToHex(hashTagged(TAGS.policy, canonicalBytes(doc))));
    expect(policyHash(parsePolicy(doc))).toBe(d.policyHash);
    const r = parseRequest(req({ x: [1, 'é', { y: null }] }));
    expect(d.requestHash).toBe(bytesToHex(hashTagged(TAGS.request, canonicalBytes(requestDocument(r)))));
    expect(requestHash(r)).toBe(d.requestHash);
    expect(requestHash(req({ x: [1, 'é', { y: null }] }) as never, nobleHashes)).toBe(d.requestHash);
  });

  it('hashes requests by a fast path identical to canonicalize', () => {
    const weird = {
      '\u00e9': 1,
      e: 2,
      '\ud83d\ude00': 'x\u0001"\\',
      E: [0.1, 1e15, -5, 1e-7, 123.456e-10],
      '': { b: true, a: false },
    };
    const r = parseRequest(req(weird));
    expect(requestCanonicalBytes(r)).toEqual(canonicalBytes(requestDocument(r)));
    fc.assert(
      fc.property(
        requestArb(false),
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        (raw, extra) => {
          let parsed;
          try {
            parsed = parseRequest({ ...raw, context: { ...(raw.context as object), ...extra } });
          } catch {
            return; // outside the limits (e.g. numbers beyond 2^53): refused before hashing
          }
          expect(requestCanonicalBytes(parsed)).toEqual(canonicalBytes(requestDocument(parsed)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('checks its arguments', () => {
    const c = policy(rule('a'));
    expect(isCompiledPolicy(c)).toBe(true);
    expect(isCompiledPolicy({ ...c })).toBe(false);
    expect(isCompiledPolicy(null)).toBe(false);
    expect(code(() => evaluate({ ...c }, req()))).toBe('QT_TYPE compiled');
    expect(code(() => evaluate(c, req(), null as never))).toBe('QT_TYPE opts');
    expect(code(() => evaluate(c, req(), { approvals: {} as never }))).toBe('QT_TYPE opts.approvals');
    expect(code(() => evaluate(c, req(), { hashes: {} as never }))).toBe('QT_TYPE opts.hashes');
    expect(code(() => evaluate(c, req(), { hashes: null as never }))).toBe('QT_TYPE opts.hashes');
    expect(code(() => evaluate(c, req(), { hashes: 1 as never }))).toBe('QT_TYPE opts.hashes');
    expect(code(() => evaluate(c, { ...req(), time: 'now' }))).toBe('QT_REQUEST_INVALID $.time');
    expect(code(() => compilePolicy({ policy: 'p' }))).toBe('QT_POLICY_INVALID $');
    expect(evaluate(c, parseRequest(req()), { hashes: nobleHashes }).decision).toBe('allow');
  });

  it('takes the approval status as a function or a map', () => {
    const c = policy(
      rule('a', { approvals: { quorum: 2, from: ['leads'] }, grantTtlSeconds: 900 }),
      rule('b', { approvals: { quorum: 1, from: ['sec'], allowRequester: true } }),
    );
    const seen: Obligation[] = [];
    const d = evaluate(c, req(), { approvals: (ob) => (seen.push(ob), true) });
    expect(d.decision).toBe('allow');
    expect(d.grantTtlSeconds).toBe(300);
    expect(seen).toEqual([
      { ruleId: 'a', quorum: 2, from: ['leads'], allowRequester: false, grantTtlSeconds: 900 },
      { ruleId: 'b', quorum: 1, from: ['sec'], allowRequester: true },
    ]);
    expect(d.obligations).toEqual(seen);
    expect(evaluate(c, req(), { approvals: (ob) => ob.ruleId === 'a' }).decision).toBe('pending');
    expect(evaluate(c, req(), { approvals: () => 1 as never }).decision).toBe('pending');
    const boom = (): boolean => {
      throw new Error('store offline');
    };
    expect(evaluate(c, req(), { approvals: boom }).decision).toBe('pending');
    expect(
      evaluate(c, req(), {
        approvals: new Map([
          ['a', 2],
          ['b', 1],
        ]),
      }).decision,
    ).toBe('allow');
    expect(
      evaluate(c, req(), {
        approvals: new Map<string, number | boolean>([
          ['a', 2],
          ['b', 'yes' as never],
        ]),
      }).decision,
    ).toBe('pending');
    expect(evaluate(c, req(), { approvals: new Map([['a', true]]) }).decision).toBe('pending');
    // Approvals never turn a deny into anything else.
    const denied = policy(
      rule('a', { approvals: { quorum: 1, from: ['x'] } }),
      rule('d', { effect: 'deny' }),
    );
    expect(evaluate(denied, req(), { approvals: () => true })).toMatchObject({
      decision: 'deny',
      rules: ['d'],
      obligations: [],
    });
    expect(evaluate(denied, req(), { approvals: () => true }).grantTtlSeconds).toBeUndefined();
  });

  it('reports condition errors of every kind with their paths', () => {
    const cases: [unknown, Record<string, unknown>, string][] = [
      [{ eq: { attr: 'a', value: 1 } }, {}, 'context.a is missing'],
      [{ ne: { attr: 'a', value: 'x' } }, { a: 1 }, 'context.a is number, expected string'],
      [{ eq: { attr: 'a', value: true } }, { a: null }, 'context.a is null, expected boolean'],
      [{ lt: { attr: 'a', value: 1 } }, { a: '1' }, 'expected number'],
      [{ in: { attr: 'a', values: ['x'] } }, { a: ['x'] }, 'context.a is array, expected string'],
      [{ in: { attr: 'a', values: [] } }, {}, 'missing'],
      [{ contains: { attr: 'a', value: 1 } }, { a: { 0: 1 } }, 'expected array'],
      [{ exists: { attr: 'a.b.c' } }, { a: { b: 'x' } }, 'context.a.b is string, not an object'],
      [{ eq: { attr: 'a.b', value: 1 } }, { a: [1] }, 'context.a is array, not an object'],
    ];
    for (const [when, context, message] of cases) {
      const d = evaluate(policy(rule('a', { when })), req(context));
      expect(d.decision).toBe('deny');
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]?.message, JSON.stringify(when)).toContain(message);
      expect(d.errors[0]?.path).toBe('when');
    }
    const nested = policy(
      rule('a', { when: { any: [{ all: [{ not: { eq: { attr: 'z', value: 1 } } }] }] } }),
    );
    expect(evaluate(nested, req()).errors[0]?.path).toBe('when.any[0].all[0].not');
    expect(
      evaluate(policy(rule('a', { when: { in: { attr: 'a', values: [] } } })), req({ a: null })).decision,
    ).toBe('deny');
    expect(
      evaluate(policy(rule('a', { when: { contains: { attr: 'a', value: 1 } } })), req({ a: [0, 1] }))
        .decision,
    ).toBe('allow');
  });

  it('matches through every index path and never lists a rule twice', () => {
    const c = policy(
      rule('multi', {
        subjects: ['alice', 'al*', 'a*', 'group:ops', 'group:o*'],
        actions: ['db.read', 'db.*', '*'],
        resources: ['prod/db', 'prod/*'],
      }),
      rule('group-only', { subjects: ['group:ops'], actions: ['db.read'], resources: ['*'] }),
      rule('other', { subjects: ['bob'], actions: ['db.*'], resources: ['prod/*'] }),
      rule('res-only', { resources: ['prod/db'] }),
      rule('repeats', { subjects: ['nobody', 'nobody', 'no*', 'no*'] }),
    );
    expect(evaluate(c, req()).rules).toEqual(['group-only', 'multi', 'res-only']);
    expect(evaluate(c, req({}, { subject: { id: 'bob' } })).rules).toEqual(['other', 'res-only']);
    expect(
      evaluate(c, req({}, { subject: { id: 'carol', groups: ['ops'] }, resource: 'dev/x' })).rules,
    ).toEqual(['group-only']);
    expect(evaluate(c, req({}, { subject: { id: 'carol', groups: ['ops'] } })).rules).toEqual([
      'group-only',
      'multi',
      'res-only',
    ]);
    expect(evaluate(c, req({}, { subject: { id: 'zed' }, action: 'x', resource: 'y' })).rules).toEqual([]);
  });

  it('decides rules by id, whatever the document order', () => {
    const a = policy(
      rule('b'),
      rule('a'),
      rule('c', { effect: 'deny', when: { eq: { attr: 'x', value: 1 } } }),
    );
    const b = policy(
      rule('c', { effect: 'deny', when: { eq: { attr: 'x', value: 1 } } }),
      rule('a'),
      rule('b'),
    );
    for (const c of [a, b]) {
      expect(evaluate(c, req({ x: 2 })).rules).toEqual(['a', 'b']);
      expect(evaluate(c, req({ x: 1 })).rules).toEqual(['c']);
    }
    expect(a.policyHash).not.toBe(b.policyHash);
  });
});
