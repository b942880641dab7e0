/** checkPolicy: warnings beyond those of the corpus (test/policy-corpus/10-checks.json). */
import { describe, expect, it } from 'vitest';
import { checkPolicy, parsePolicy } from '../../../src-shared/policy/index.js';
import { rule } from './fixtures.js';

const kinds = (...rules: Record<string, unknown>[]) =>
  checkPolicy({ policy: 'p', version: 1, rules }).map((w) => `${w.ruleId}:${w.kind}`);
const all = (...items: unknown[]) => ({ all: items });

describe('checkPolicy', () => {
  it('finds contradictory numeric bounds, and only those', () => {
    const b = (kind: string, value: number) => ({ [kind]: { attr: 'a', value } });
    expect(kinds(rule('r', { when: all(b('gt', 1), b('lt', 1)) }))).toEqual(['r:contradiction']);
    expect(kinds(rule('r', { when: all(b('ge', 1), b('lt', 1)) }))).toEqual(['r:contradiction']);
    expect(kinds(rule('r', { when: all(b('ge', 1), b('le', 1)) }))).toEqual([]);
    expect(kinds(rule('r', { when: all(b('ge', 1), b('gt', 1), b('le', 1)) }))).toEqual(['r:contradiction']);
    expect(kinds(rule('r', { when: all(b('le', 5), b('lt', 5), b('ge', 5)) }))).toEqual(['r:contradiction']);
    expect(kinds(rule('r', { when: all(b('ge', 0), b('ge', 3), b('le', 9), b('le', 4)) }))).toEqual([]);
    expect(kinds(rule('r', { when: all(b('ge', 3), b('ge', 0), b('le', 4), b('le', 9)) }))).toEqual([]);
    expect(kinds(rule('r', { when: all(b('gt', 1), { lt: { attr: 'other', value: 0 } }) }))).toEqual([]);
    expect(
      kinds(rule('r', { when: all({ eq: { attr: 'a', value: 1 } }, { eq: { attr: 'a', value: 1 } }) })),
    ).toEqual([]);
  });

  it('finds empty windows in nested conditions, with several instants', () => {
    const when = {
      any: [
        { not: { timeOfDay: { from: '01:00', to: '01:00' } } },
        all(
          { after: '2026-01-01T00:00:00Z' },
          { after: '2026-06-01T00:00:00Z' },
          { after: '2026-03-01T00:00:00Z' },
          { before: '2026-09-01T00:00:00Z' },
          { before: '2026-05-01T00:00:00Z' },
          { before: '2026-07-01T00:00:00Z' },
        ),
      ],
    };
    expect(kinds(rule('r', { when }))).toEqual(['r:empty-window', 'r:empty-window']);
    expect(
      kinds(rule('r', { when: all({ after: '2026-01-01T00:00:00Z' }, { before: '2026-02-01T00:00:00Z' }) })),
    ).toEqual([]);
    expect(kinds(rule('r', { when: all({ after: '2026-01-01T00:00:00Z' }) }))).toEqual([]);
    expect(kinds(rule('r', { when: { weekdays: { days: ['mon'] } } }))).toEqual([]);
    expect(kinds(rule('r', { when: { timeOfDay: { from: '01:00', to: '01:01' } } }))).toEqual([]);
    expect(kinds(rule('r', { when: { in: { attr: 'a', values: [1] } } }))).toEqual([]);
  });

  it('finds allow rules shadowed by an unconditional deny, and only those', () => {
    const deny = (id: string, extra: Record<string, unknown>) => rule(id, { effect: 'deny', ...extra });
    expect(kinds(rule('a', { subjects: ['group:ops'] }), deny('d', { subjects: ['*'] }))).toEqual([
      'a:shadowed',
    ]);
    expect(kinds(rule('a', { subjects: ['group:ops-eu'] }), deny('d', { subjects: ['group:ops*'] }))).toEqual(
      ['a:shadowed'],
    );
    expect(kinds(rule('a', { subjects: ['group:ops'] }), deny('d', { subjects: ['g*'] }))).toEqual([]);
    expect(kinds(rule('a', { subjects: ['alice'] }), deny('d', { subjects: ['group:*'] }))).toEqual([]);
    expect(kinds(rule('a', { actions: ['db.*'] }), deny('d', { actions: ['db.drop'] }))).toEqual([]);
    expect(kinds(rule('a', { actions: ['db.drop'] }), deny('d', { actions: ['db.drop'] }))).toEqual([
      'a:shadowed',
    ]);
    expect(kinds(rule('a'), deny('d', { when: { eq: { attr: 'x', value: 1 } } }))).toEqual([]);
    expect(kinds(rule('a', { resources: ['x', 'y'] }), deny('d', { resources: ['x'] }))).toEqual([]);
  });

  it('accepts a parsed policy and sorts warnings by rule id, kind and message', () => {
    const p = parsePolicy({
      policy: 'p',
      version: 1,
      rules: [
        rule('b', { subjects: [], actions: [] }),
        rule('a', {
          when: all(
            { eq: { attr: 'x', value: 1 } },
            { eq: { attr: 'x', value: 2 } },
            { eq: { attr: 'x', value: 3 } },
          ),
        }),
      ],
    });
    const w = checkPolicy(p);
    expect(w.map((x) => `${x.ruleId}:${x.kind}`)).toEqual([
      'a:contradiction',
      'a:contradiction',
      'b:empty-match',
      'b:empty-match',
    ]);
    expect((w[2]?.message as string) < (w[3]?.message as string)).toBe(true);
    expect((w[0]?.message as string) < (w[1]?.message as string)).toBe(true);
  });
});
