/** Hostile inputs for parsePolicy and parseRequest: wrong types, look-alikes, limits, paths. */
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src-shared/canonical.js';
import { isQtError } from '../../../src-shared/errors.js';
import {
  isParsedPolicy,
  isParsedRequest,
  parsePolicy,
  parseRequest,
  POLICY_LIMITS,
  REQUEST_LIMITS,
  requestDocument,
} from '../../../src-shared/policy/index.js';

function refusal(fn: () => unknown): { code: string; path: string | undefined; message: string } {
  try {
    fn();
  } catch (e) {
    if (!isQtError(e)) throw e;
    return { code: e.code, path: e.path, message: e.message };
  }
  throw new Error('accepted');
}

const rule = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'r',
  effect: 'allow',
  subjects: ['*'],
  actions: ['*'],
  resources: ['*'],
  ...extra,
});
const doc = (rules: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  policy: 'p',
  version: 1,
  rules,
  ...extra,
});
const polErr = (d: unknown): { code: string; path: string | undefined; message: string } =>
  refusal(() => parsePolicy(d));
const req = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: { id: 'alice' },
  action: 'read',
  resource: 'doc',
  time: '2026-11-26T13:40:00Z',
  ...extra,
});
const reqErr = (r: unknown): { code: string; path: string | undefined; message: string } =>
  refusal(() => parseRequest(r));

describe('parsePolicy', () => {
  it('parses a full document into frozen values', () => {
    const p = parsePolicy(
      doc(
        [
          rule({
            description: 'd',
            when: { all: [] },
            approvals: { quorum: 2, from: ['a', 'b'], allowRequester: true },
            grantTtlSeconds: 60,
          }),
        ],
        {
          description: 'x',
        },
      ),
    );
    expect(isParsedPolicy(p)).toBe(true);
    expect(isParsedPolicy({ ...p })).toBe(false);
    expect(isParsedPolicy(null)).toBe(false);
    expect(Object.isFrozen(p) && Object.isFrozen(p.rules[0]) && Object.isFrozen(p.document)).toBe(true);
    expect(p.rules[0]?.approvals).toEqual({ quorum: 2, from: ['a', 'b'], allowRequester: true });
    expect(
      parsePolicy(doc([rule({ approvals: { quorum: 1, from: ['a'] } })])).rules[0]?.approvals?.allowRequester,
    ).toBe(false);
  });

  it('copies the document: later changes to the input change neither rules nor hash input', () => {
    const input = doc([rule({ when: { eq: { attr: 'a', value: 1 } } })]);
    const p = parsePolicy(input);
    const before = canonicalize(p.document);
    ((input.rules as Record<string, unknown>[])[0] as Record<string, unknown>).id = 'changed';
    expect(canonicalize(p.document)).toBe(before);
    expect(p.rules[0]?.id).toBe('r');
  });

  it('refuses look-alike objects', () => {
    class Doc {
      policy = 'p';
      version = 1;
      rules = [];
    }
    expect(polErr(new Doc()).message).toContain('must be an object');
    expect(polErr([]).path).toBe('$');
    expect(polErr(null).code).toBe('QT_POLICY_INVALID');
    const getter = doc([]);
    Object.defineProperty(getter, 'version', { get: () => 1, enumerable: true });
    expect(polErr(getter).path).toBe('$.version');
    const hidden = doc([]);
    Object.defineProperty(hidden, 'description', { value: 'x', enumerable: false });
    expect(polErr(hidden).message).toContain('enumerable data property');
    const sym = doc([]);
    (sym as Record<symbol, unknown>)[Symbol('x')] = 1;
    expect(polErr(sym).message).toContain('symbol');
    const sparse = doc([rule()]);
    (sparse.rules as unknown[]).length = 2;
    expect(polErr(sparse).path).toBe('$.rules[1]');
    class MyArray extends Array {}
    expect(polErr(doc(MyArray.from([rule()]))).path).toBe('$.rules');
  });

  it('names the path of wrong types and ranges', () => {
    expect(polErr(doc([], { policy: 1 })).path).toBe('$.policy');
    expect(polErr(doc([], { policy: 'x'.repeat(129) })).path).toBe('$.policy');
    expect(polErr(doc([], { policy: 'a\u0000' })).message).toContain('control');
    expect(polErr(doc([], { policy: 'a\ud800' })).message).toContain('surrogate');
    expect(polErr(doc([], { policy: 'a\udc00b' })).message).toContain('surrogate');
    expect(polErr(doc([], { description: 3 })).path).toBe('$.description');
    expect(polErr(doc([rule({ id: 7 })])).path).toBe('$.rules[0].id');
    expect(polErr(doc([rule({ subjects: 'alice' })])).path).toBe('$.rules[0].subjects');
    expect(polErr(doc([rule({ actions: [1] })])).path).toBe('$.rules[0].actions[0]');
    expect(polErr(doc([rule({ resources: [''] })])).path).toBe('$.rules[0].resources[0]');
    expect(polErr(doc([rule({ description: 1 })])).path).toBe('$.rules[0].description');
    expect(polErr(doc([rule({ approvals: { quorum: 1, from: ['a', 'a'] } })])).path).toBe(
      '$.rules[0].approvals.from',
    );
    expect(polErr(doc([rule({ approvals: { quorum: 1, from: ['a'], allowRequester: 'yes' } })])).path).toBe(
      '$.rules[0].approvals.allowRequester',
    );
    expect(polErr(doc([rule({ approvals: { quorum: 65, from: ['a'] } })])).path).toBe(
      '$.rules[0].approvals.quorum',
    );
    expect(polErr(doc([rule({ grantTtlSeconds: 0 })])).path).toBe('$.rules[0].grantTtlSeconds');
    expect(polErr(doc([rule({ effect: undefined })])).path).toBe('$.rules[0].effect');
  });

  it('parses every condition form and refuses malformed ones with their path', () => {
    const ok = [
      { not: { exists: { attr: 'a.b_c.D9' } } },
      { in: { attr: 'a', values: [] } },
      { in: { attr: 'a', values: [true, false] } },
      { contains: { attr: 'a', value: '' } },
      { ge: { attr: 'a', value: -0 } },
      { timeOfDay: { from: '00:00', to: '23:59', utcOffset: '-12:30' } },
      { weekdays: { days: ['sat', 'sun'] } },
      { before: '2026-01-01T00:00:00Z' },
    ];
    for (const when of ok) expect(() => parsePolicy(doc([rule({ when })]))).not.toThrow();
    const w = parsePolicy(doc([rule({ when: { weekdays: { days: ['sat', 'sun'] } } })])).rules[0]?.when;
    expect(w).toMatchObject({ days: [0, 6], offsetMinutes: 0 });
    const bad: [unknown, string][] = [
      [{}, '$.rules[0].when'],
      [[], '$.rules[0].when'],
      [{ all: {} }, '$.rules[0].when.all'],
      [{ eq: { attr: 'a' } }, '$.rules[0].when.eq'],
      [{ eq: { attr: 'a', value: 1, x: 2 } }, '$.rules[0].when.eq'],
      [{ eq: { attr: '9a', value: 1 } }, '$.rules[0].when.eq.attr'],
      [{ eq: { attr: `${'a'.repeat(65)}`, value: 1 } }, '$.rules[0].when.eq.attr'],
      [{ eq: { attr: Array(9).fill('a').join('.'), value: 1 } }, '$.rules[0].when.eq.attr'],
      [{ eq: { attr: 'a', value: Infinity } }, '$.rules[0].when.eq.value'],
      [{ eq: { attr: 'a', value: 2 ** 53 } }, '$.rules[0].when.eq.value'],
      [{ eq: { attr: 'a', value: null } }, '$.rules[0].when.eq.value'],
      [{ eq: { attr: 'a', value: 'x'.repeat(1025) } }, '$.rules[0].when.eq.value'],
      [{ exists: { attr: 1 } }, '$.rules[0].when.exists.attr'],
      [{ in: { attr: 'a', values: Array(257).fill(1) } }, '$.rules[0].when.in.values'],
      [{ timeOfDay: { from: '9:00', to: '10:00' } }, '$.rules[0].when.timeOfDay.from'],
      [
        { timeOfDay: { from: '09:00', to: '10:00', utcOffset: '+24:00' } },
        '$.rules[0].when.timeOfDay.utcOffset',
      ],
      [{ timeOfDay: { from: '09:00', to: '10:00', utcOffset: 'Z' } }, '$.rules[0].when.timeOfDay.utcOffset'],
      [{ weekdays: { days: ['mon', 'mon'] } }, '$.rules[0].when.weekdays.days'],
      [{ weekdays: { days: Array(8).fill('mon') } }, '$.rules[0].when.weekdays.days'],
      [{ before: 5 }, '$.rules[0].when.before'],
      [{ ['x'.repeat(100)]: 1 }, '$.rules[0].when'],
    ];
    for (const [when, path] of bad)
      expect(polErr(doc([rule({ when })])).path, JSON.stringify(when).slice(0, 80)).toBe(path);
  });

  it('enforces the documented limits', () => {
    const L = POLICY_LIMITS;
    expect(polErr(doc(Array(L.maxRules + 1).fill(rule()))).path).toBe('$.rules');
    expect(polErr(doc([rule({ subjects: Array(L.maxPatternsPerList + 1).fill('a') })])).path).toBe(
      '$.rules[0].subjects',
    );
    expect(polErr(doc([rule({ subjects: ['a'.repeat(L.maxPatternLength + 1)] })])).path).toBe(
      '$.rules[0].subjects[0]',
    );
    expect(polErr(doc([rule({ id: 'a'.repeat(L.maxIdLength + 1) })])).path).toBe('$.rules[0].id');
    const many = Array.from({ length: Math.ceil(L.maxPatternsPerPolicy / 192) + 1 }, (_, i) =>
      rule({
        id: `r${i}`,
        subjects: Array(64).fill('a'),
        actions: Array(64).fill('a'),
        resources: Array(64).fill('a'),
      }),
    );
    expect(polErr(doc(many)).message).toContain(`more than ${L.maxPatternsPerPolicy} patterns`);
    let deep: unknown = { all: [] };
    for (let i = 0; i < L.maxConditionDepth; i++) deep = { not: deep };
    expect(polErr(doc([rule({ when: deep })])).message).toContain('deeper than');
    const wide = { any: Array(L.maxConditionNodes).fill({ all: [] }) };
    expect(polErr(doc([rule({ when: wide })])).message).toContain('nodes');
    const fat = { any: Array(200).fill({ in: { attr: 'a', values: Array(256).fill(1) } }) };
    const fatRules = Array.from({ length: 2 }, (_, i) => rule({ id: `r${i}`, when: fat }));
    expect(polErr(doc(fatRules)).message).toContain(`more than ${L.maxConditionValuesPerPolicy}`);
  });
});

describe('parseRequest', () => {
  it('parses and freezes a request, with defaults for groups and context', () => {
    const r = parseRequest(req());
    expect(isParsedRequest(r)).toBe(true);
    expect(isParsedRequest({ ...r })).toBe(false);
    expect(isParsedRequest(undefined)).toBe(false);
    expect(r.subject.groups).toEqual([]);
    expect(Object.keys(r.context)).toEqual([]);
    expect(requestDocument(r)).toEqual({
      subject: { id: 'alice', groups: [] },
      action: 'read',
      resource: 'doc',
      context: {},
      time: r.timeText,
    });
  });

  it('copies the context into null-prototype frozen objects, -0 as 0, __proto__ as data', () => {
    const context = JSON.parse('{"__proto__": {"x": 1}, "n": -0, "a": [1, {"b": null}], "s": "é"}') as Record<
      string,
      unknown
    >;
    const r = parseRequest(req({ context }));
    expect(Object.getPrototypeOf(r.context)).toBe(null);
    expect(Object.isFrozen(r.context) && Object.isFrozen(r.context.a)).toBe(true);
    expect(Object.is(r.context.n, 0)).toBe(true);
    expect(Object.keys(r.context)).toContain('__proto__');
    (context.a as unknown[]).push(2);
    expect(r.context.a).toHaveLength(2);
  });

  it('refuses malformed requests with the JSON path', () => {
    const cases: [unknown, string][] = [
      ['x', '$'],
      [req({ subject: 'alice' }), '$.subject'],
      [req({ subject: { id: 'a', extra: 1 } }), '$.subject'],
      [req({ subject: { id: 'a'.repeat(257) } }), '$.subject.id'],
      [req({ subject: { id: 'a', groups: 'ops' } }), '$.subject.groups'],
      [req({ subject: { id: 'a', groups: [''] } }), '$.subject.groups[0]'],
      [
        req({ subject: { id: 'a', groups: Array.from({ length: 65 }, (_, i) => `g${i}`) } }),
        '$.subject.groups',
      ],
      [req({ action: 1 }), '$.action'],
      [req({ resource: undefined }), '$.resource'],
      [req({ time: 0 }), '$.time'],
      [req({ context: { n: NaN } }), '$.context.n'],
      [req({ context: { n: 2 ** 53 } }), '$.context.n'],
      [req({ context: { s: 'x'.repeat(1025) } }), '$.context.s'],
      [req({ context: { s: 'a\ud800' } }), '$.context.s'],
      [req({ context: { ['k'.repeat(129)]: 1 } }), '$.context key'],
      [req({ context: { f: () => 1 } }), '$.context.f'],
      [req({ context: { d: new Date(0) } }), '$.context.d'],
      [req({ context: { u: undefined } }), '$.context.u'],
    ];
    for (const [r, path] of cases) {
      const e = reqErr(r);
      expect(e.code).toBe('QT_REQUEST_INVALID');
      expect(e.path, JSON.stringify(r)).toBe(path);
    }
  });

  it('enforces the context limits', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < REQUEST_LIMITS.maxContextDepth; i++) deep = deep.a = {} as Record<string, unknown>;
    expect(reqErr(req({ context: root })).message).toContain('deeper than');
    expect(reqErr(req({ context: { a: Array(REQUEST_LIMITS.maxContextNodes).fill(1) } })).message).toContain(
      'more than',
    );
    expect(reqErr(req({ context: { a: Array(REQUEST_LIMITS.maxContextNodes + 1).fill(1) } })).path).toBe(
      '$.context.a',
    );
    const wide = Object.fromEntries(
      Array.from({ length: REQUEST_LIMITS.maxContextNodes + 1 }, (_, i) => [`k${i}`, 1]),
    );
    expect(reqErr(req({ context: wide })).path).toBe('$.context');
    expect(() =>
      parseRequest(req({ context: { a: Array(REQUEST_LIMITS.maxContextNodes - 1).fill(1) } })),
    ).not.toThrow();
  });
});
