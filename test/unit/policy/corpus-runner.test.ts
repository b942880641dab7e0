/** runCorpusFile / runCorpusCase report every kind of mismatch (so a wrong expectation cannot pass). */
import { describe, expect, it } from 'vitest';
import { isQtError } from '../../../src-shared/errors.js';
import { compilePolicy, runCorpusCase, runCorpusFile } from '../../../src-shared/policy/index.js';

const policy = {
  policy: 'p',
  version: 1,
  rules: [
    {
      id: 'a',
      effect: 'allow',
      subjects: ['*'],
      actions: ['*'],
      resources: ['*'],
      approvals: { quorum: 1, from: ['x'] },
      grantTtlSeconds: 60,
    },
    {
      id: 'd',
      effect: 'deny',
      subjects: ['*'],
      actions: ['*'],
      resources: ['*'],
      when: { eq: { attr: 'f', value: true } },
    },
  ],
};
const request = {
  subject: { id: 'alice' },
  action: 'r',
  resource: 'x',
  context: { f: false },
  time: '2026-11-26T13:40:00Z',
};
const good = { decision: 'pending', rules: ['a'], errors: [], obligations: ['a'], grantTtlSeconds: 60 };

function failures(c: Record<string, unknown>): readonly string[] {
  return runCorpusCase(compilePolicy(policy), { name: 'c', request, ...c }).failures;
}

describe('corpus runner', () => {
  it('passes a correct case, with approvals given as booleans or counts', () => {
    expect(failures({ expect: good })).toEqual([]);
    expect(failures({ approvals: { a: true }, expect: { ...good, decision: 'allow' } })).toEqual([]);
    expect(failures({ approvals: { a: 1 }, expect: { ...good, decision: 'allow' } })).toEqual([]);
  });

  it('reports each field that differs', () => {
    const f = failures({
      expect: {
        decision: 'allow',
        rules: ['b'],
        errors: [{ ruleId: 'd', path: 'when' }],
        obligations: [],
        grantTtlSeconds: 300,
      },
    });
    expect(f.map((x) => x.split(':')[0])).toEqual([
      'decision',
      'rules',
      'errors',
      'obligations',
      'grantTtlSeconds',
    ]);
  });

  it('checks expected errors: code, path, and that there is one', () => {
    const bad = { ...request, time: 'x' };
    const run = (expectError: unknown, req: unknown = bad) =>
      runCorpusCase(compilePolicy(policy), { name: 'e', request: req, expectError }).failures;
    expect(run({ code: 'QT_REQUEST_INVALID', path: '$.time' })).toEqual([]);
    expect(run({ code: 'QT_REQUEST_INVALID' })).toEqual([]);
    expect(run({ code: 'QT_OTHER', path: '$.x' })).toHaveLength(2);
    expect(run({ code: 'QT_REQUEST_INVALID' }, request)[0]).toContain('but it succeeded');
  });

  it('reports a thrown non-QtError', () => {
    const hostile = { name: 'h', request, approvals: { a: 1 }, expectError: { code: 'QT_X' } };
    const compiled = compilePolicy(policy);
    const r = runCorpusCase(compiled, {
      ...hostile,
      request: new Proxy(request, {
        ownKeys: () => {
          throw new Error('boom');
        },
      }),
    });
    expect(r.failures[0]).toContain('non-QtError');
  });

  it('runs whole files: policy errors, warnings, cases', () => {
    expect(
      runCorpusFile({
        policy: { policy: 'p' },
        expectPolicyError: { code: 'QT_POLICY_INVALID', path: '$' },
      })[0]?.ok,
    ).toBe(true);
    expect(runCorpusFile({ policy, expectPolicyError: { code: 'QT_POLICY_INVALID' } })[0]?.ok).toBe(false);
    expect(runCorpusFile({ policy, expectWarnings: [] }).map((r) => r.ok)).toEqual([true]);
    expect(
      runCorpusFile({ policy, expectWarnings: [{ ruleId: 'a', kind: 'shadowed' }] })[0]?.failures[0],
    ).toContain('warnings');
    expect(runCorpusFile({ policy, cases: [{ name: 'c', request, expect: good }] }).map((r) => r.ok)).toEqual(
      [true],
    );
    expect(runCorpusFile({ policy })).toEqual([]);
  });

  it('refuses malformed corpus files with QT_CORPUS_INVALID and the path', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isQtError(e) ? `${e.code} ${e.path}` : 'other';
      }
      return undefined;
    };
    expect(code(() => runCorpusFile({ policy, cases: [{ name: 'c', request }] }))).toBe(
      'QT_CORPUS_INVALID $.cases[0]',
    );
    expect(
      code(() =>
        runCorpusFile({ policy, cases: [{ name: 'c', request, expect: good, expectError: { code: 'Q' } }] }),
      ),
    ).toBe('QT_CORPUS_INVALID $.cases[0]');
    expect(
      code(() =>
        runCorpusFile({ policy, cases: [{ name: 'c', request, approvals: { a: 'yes' }, expect: good }] }),
      ),
    ).toBe('QT_CORPUS_INVALID $.cases[0].approvals.a');
    expect(
      code(() => runCorpusFile({ policy, cases: [{ name: 'c', request, expect: { decision: 'deny' } }] })),
    ).toBe('QT_CORPUS_INVALID $.cases[0].expect');
    expect(code(() => runCorpusFile({ rules: [] }))).toBe('QT_CORPUS_INVALID $');
    expect(code(() => runCorpusCase(compilePolicy(policy), { request, expect: good }))).toBe(
      'QT_CORPUS_INVALID $.cases[0]',
    );
  });
});
