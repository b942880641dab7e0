/** Property-based tests (fast-check) of the decision rules, and differential tests of the index. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  evaluate,
  parsePolicy,
  parseRequest,
  POLICY_LIMITS,
  REQUEST_LIMITS,
  type Decision,
} from '../../../src-shared/policy/index.js';
import { policyArb, requestArb, ruleArb } from './arbitraries.js';
import { referenceEvaluate } from './reference.js';

const RUNS = { numRuns: 300 };

function decide(doc: unknown, req: unknown, approvals?: Map<string, boolean>): Decision {
  return evaluate(compilePolicy(doc), req, approvals === undefined ? {} : { approvals });
}

/** The decision without the document hash (which names the exact document, order included). */
function semantic(d: Decision): unknown {
  return { ...d, policyHash: undefined };
}

function shuffleKeys(value: unknown, rnd: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rnd));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rnd)]));
  }
  return value;
}

describe('policy properties', () => {
  it('an empty policy denies everything', () => {
    const empty = compilePolicy({ policy: 'empty', version: 0, rules: [] });
    fc.assert(
      fc.property(requestArb(false), (req) => {
        const d = evaluate(empty, req);
        expect(d.decision).toBe('deny');
        expect(d.rules).toEqual([]);
      }),
      RUNS,
    );
  });

  it('adding a deny rule never turns a deny into an allow, nor changes an allow into anything but deny', () => {
    fc.assert(
      fc.property(policyArb(false), ruleArb('zz-extra', false), requestArb(false), (policy, extra, req) => {
        fc.pre(extra.effect === 'deny');
        const before = decide(policy, req);
        const after = decide({ ...policy, rules: [...policy.rules, extra] }, req);
        if (before.decision === 'deny') expect(after.decision).toBe('deny');
        else expect([before.decision, 'deny']).toContain(after.decision);
      }),
      RUNS,
    );
  });

  it('adding an allow rule never overrides a matching deny', () => {
    fc.assert(
      fc.property(policyArb(false), ruleArb('zz-extra', false), requestArb(false), (policy, extra, req) => {
        fc.pre(extra.effect === 'allow');
        const before = decide(policy, req);
        const after = decide({ ...policy, rules: [...policy.rules, extra] }, req);
        if (before.decision === 'deny' && before.rules.length > 0) {
          expect(after.decision).toBe('deny');
          expect(after.rules).toEqual(before.rules);
        }
      }),
      RUNS,
    );
  });

  it('shuffling rules or object keys never changes a decision', () => {
    fc.assert(
      fc.property(policyArb(false), requestArb(false), fc.integer(), (policy, req, seed) => {
        let s = seed >>> 0;
        const rnd = (): number => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return s / 2 ** 32;
        };
        const rules = [...policy.rules];
        for (let i = rules.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [rules[i], rules[j]] = [rules[j], rules[i]];
        }
        const shuffled = shuffleKeys({ ...policy, rules }, rnd);
        const a = decide(policy, req);
        const b = decide(shuffled, shuffleKeys(req, rnd));
        expect(semantic(b)).toEqual(semantic(a));
        expect(b.requestHash).toBe(a.requestHash);
      }),
      RUNS,
    );
  });

  it('the index decides exactly as the naive reference evaluator', () => {
    fc.assert(
      fc.property(
        policyArb(false, 30),
        fc.array(requestArb(false), { minLength: 1, maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 5 }),
        (doc, reqs, approvedIdx) => {
          const policy = parsePolicy(doc);
          const compiled = compilePolicy(policy);
          const approved = new Set(approvedIdx.map((i) => `r${i}`));
          const approvals = new Map([...approved].map((id) => [id, true]));
          for (const raw of reqs) {
            const req = parseRequest(raw);
            const d = evaluate(compiled, req, { approvals });
            const ref = referenceEvaluate(policy, req, { approved });
            expect({ decision: d.decision, rules: d.rules, errors: d.errors.map((e) => e.ruleId) }).toEqual(
              ref,
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('adversarial documents at the size limits', () => {
  it('evaluation ends on a maximal policy and request', () => {
    const L = POLICY_LIMITS;
    const long = (c: string, n: number): string => c.repeat(n);
    // A condition at the depth limit whose leaves all look up missing, deep attributes.
    let deep: unknown = {
      eq: { attr: Array.from({ length: L.maxAttrSegments }, () => 'a').join('.'), value: 1 },
    };
    for (let i = 1; i < L.maxConditionDepth; i++) deep = i % 2 === 0 ? { not: deep } : { any: [deep] };
    // One rule at the node and literal limits (the policy-wide budget allows only one such rule).
    const wide = {
      all: Array.from({ length: L.maxConditionNodes - 1 }, () => ({
        in: { attr: 'x', values: Array(L.maxInValues).fill(1) },
      })),
    };
    const rulesCount = Math.floor(L.maxPatternsPerPolicy / (3 * L.maxPatternsPerList));
    const rules = Array.from({ length: rulesCount }, (_, i) => ({
      id: `r${String(i).padStart(5, '0')}`,
      effect: i % 7 === 0 ? 'deny' : 'allow',
      // Prefix patterns sharing long prefixes: the trie is as deep as a pattern is long.
      subjects: Array.from(
        { length: L.maxPatternsPerList },
        (_, j) => `${long('a', L.maxPatternLength - 10)}${j}*`,
      ),
      actions: Array.from({ length: L.maxPatternsPerList }, (_, j) =>
        j === 0 ? '*' : `${long('b', 200)}${i}-${j}`,
      ),
      resources: Array.from({ length: L.maxPatternsPerList }, (_, j) => `${j}*`),
      when: i === 1 ? wide : deep,
    }));
    const compiled = compilePolicy({ policy: 'huge', version: 1, rules });
    const context: Record<string, unknown> = { x: 1 };
    let nested: Record<string, unknown> = context;
    for (let i = 0; i < REQUEST_LIMITS.maxContextDepth - 1; i++)
      nested = nested.a = {} as Record<string, unknown>;
    context.big = Array.from({ length: REQUEST_LIMITS.maxContextNodes - 20 }, (_, i) => i);
    const req = parseRequest({
      subject: {
        id: `${long('a', L.maxPatternLength - 10)}1${long('z', 9)}`,
        groups: Array.from({ length: 64 }, (_, i) => `g${i}`),
      },
      action: long('b', 256),
      resource: `1${long('r', 255)}`,
      context,
      time: '2026-11-26T13:40:00.123456789+05:30',
    });
    const d = evaluate(compiled, req);
    expect(d.decision).toBe('deny');
    expect(d.rules.length).toBeGreaterThan(0);
    expect(d.errors.length).toBeGreaterThan(0);
  });
});
