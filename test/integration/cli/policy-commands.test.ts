// `qtrust policy eval|check|test` on good and hostile inputs: exit codes, the JSON path of each
// fault, strict YAML, and --json output that parses.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, buildCli, cliFixture, expectErrorLine, request, type CliFixture } from './policy-fixture.js';

let f: CliFixture;
const corpus = resolve(import.meta.dirname, '../../policy-corpus');

beforeAll(() => {
  buildCli();
  f = cliFixture('qtrust-policy-cmd-');
  f.write('policy.json', POLICY);
}, 120_000);

afterAll(() => f.close());

const evalArgs = (policy: string, req: string, json = true) => [
  'policy',
  'eval',
  '--policy',
  policy,
  '--request',
  req,
  ...(json ? ['--json'] : []),
];

describe('policy eval', () => {
  it('decides allow, deny (deny wins) and default deny; exit 0 for each', () => {
    const cases: [unknown, string, string[]][] = [
      [request('read', 'docs/a'), 'allow', ['read-any']],
      [request('deploy', 'prod/api', { freeze: true }), 'deny', ['freeze']],
      [request('delete', 'dev/x'), 'deny', []],
    ];
    for (const [req, decision, rules] of cases) {
      const path = f.write('req.json', req);
      const r = f.qtrust(evalArgs(f.file('policy.json'), path));
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({ decision, rules, errors: [], obligations: [] });
      expect(Object.keys(out)).toEqual(expect.arrayContaining(['policyHash', 'requestHash', 'obligations']));
    }
  });

  it('a deny rule that errors denies and is reported (fail closed)', () => {
    const path = f.write('req-err.json', request('deploy', 'prod/api', { freeze: 'yes' }));
    const out = JSON.parse(f.qtrust(evalArgs(f.file('policy.json'), path)).stdout) as {
      decision: string;
      errors: { ruleId: string }[];
    };
    expect(out.decision).toBe('deny');
    expect(out.errors.map((e) => e.ruleId)).toEqual(['freeze']);
  });

  it('names the JSON path of a malformed policy or request (exit 2)', () => {
    const req = f.write('req-ok.json', request('read', 'x'));
    const badPolicy = structuredClone(POLICY) as { rules: Record<string, unknown>[] };
    (badPolicy.rules[1] as Record<string, unknown>).effect = 'permit';
    const p = f.write('bad-policy.json', badPolicy);
    const r1 = f.qtrust(evalArgs(p, req, false));
    expect(r1.status).toBe(2);
    expectErrorLine(r1, 'QT_POLICY_INVALID');
    expect(r1.stderr).toContain('$.rules[1].effect');
    const j1 = f.qtrust(evalArgs(p, req));
    expect(j1.status).toBe(2);
    expect(JSON.parse(j1.stdout)).toMatchObject({
      ok: false,
      code: 'QT_POLICY_INVALID',
      path: '$.rules[1].effect',
    });

    const badReq = f.write('bad-req.json', { ...request('read', 'x'), time: '2026-11-26 13:40:00' });
    const r2 = f.qtrust(evalArgs(f.file('policy.json'), badReq));
    expect(r2.status).toBe(2);
    expect(JSON.parse(r2.stdout)).toMatchObject({ ok: false, code: 'QT_REQUEST_INVALID', path: '$.time' });

    const dup = f.write('dup.json', '{"policy":"p","policy":"q","version":1,"rules":[]}');
    const r3 = f.qtrust(evalArgs(dup, req));
    expect(r3.status).toBe(2);
    expect(JSON.parse(r3.stdout)).toMatchObject({ ok: false, code: 'QT_POLICY_INVALID' });

    const missing = f.qtrust(evalArgs(f.file('nope.json'), req));
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, code: 'QT_IO' });
  });

  it('reads a YAML policy as the same document (same hash) as its JSON', () => {
    const yaml = `policy: prod-access
version: 3
rules:
  - id: deploy-prod
    effect: allow
    subjects: ["group:release"]
    actions: [deploy]
    resources: ["prod/*"]
    approvals: { quorum: 2, from: [sre] }
    grantTtlSeconds: 600
  - { id: read-any, effect: allow, subjects: ["*"], actions: [read], resources: ["*"] }
  - id: freeze
    effect: deny
    subjects: ["*"]
    actions: ["*"]
    resources: ["prod/*"]
    when: { eq: { attr: freeze, value: true } }
`;
    const req = f.write('req-y.json', request('read', 'x'));
    const y = JSON.parse(f.qtrust(evalArgs(f.write('policy.yaml', yaml), req)).stdout) as {
      policyHash: string;
    };
    const j = JSON.parse(f.qtrust(evalArgs(f.file('policy.json'), req)).stdout) as { policyHash: string };
    expect(y.policyHash).toBe(j.policyHash);
  });

  it('refuses YAML features that do not map to JSON, naming the path', () => {
    const req = f.write('req-y2.json', request('read', 'x'));
    const head = 'policy: p\nversion: 1\n';
    const cases: [string, string, RegExp][] = [
      [
        'anchor',
        `${head}rules:\n  - &r { id: a, effect: allow, subjects: ["*"], actions: ["*"], resources: ["*"] }\n`,
        /anchors/,
      ],
      ['alias', `${head}x: &v 1\nrules: []\n`, /anchors/],
      ['alias use', `${head}rules:\n  - *nothing\n`, /YAML|alias/],
      ['custom tag', `${head}rules: !custom []\n`, /tag/],
      ['standard tag', `policy: !!str p\nversion: 1\nrules: []\n`, /tag/],
      ['duplicate key', `${head}version: 2\nrules: []\n`, /DUPLICATE_KEY/],
      ['non-string key', `${head}rules: []\n1: x\n`, /plain strings/],
      ['complex key', `${head}rules: []\n? [a]\n: x\n`, /plain strings/],
      ['infinity', `policy: p\nversion: .inf\nrules: []\n`, /non-finite/],
      ['two documents', `${head}rules: []\n---\na: 1\n`, /MULTIPLE_DOCS/],
    ];
    for (const [what, text, message] of cases) {
      const r = f.qtrust(evalArgs(f.write(`bad-${what.replace(/ /g, '-')}.yaml`, text), req));
      expect(r.status, what).toBe(2);
      const out = JSON.parse(r.stdout) as { code: string; message: string; path: string };
      expect(out.code, what).toBe('QT_POLICY_INVALID');
      expect(out.message, what).toMatch(message);
    }
    const anchored = JSON.parse(f.qtrust(evalArgs(f.file('bad-anchor.yaml'), req)).stdout) as {
      path: string;
      message: string;
    };
    expect(anchored.path).toBe('$.rules[0]');
    expect(anchored.message).toContain('line 4');
  });
});

describe('policy check', () => {
  it('prints name, version and hash; warns about empty and shadowed rules; --strict exits 1', () => {
    const ok = f.qtrust(['policy', 'check', f.file('policy.json')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('valid: policy prod-access version 3, 3 rules');
    expect(ok.stdout).toContain('no warnings');
    const warned = f.write('warned.json', {
      policy: 'w',
      version: 1,
      rules: [
        { id: 'never', effect: 'allow', subjects: [], actions: ['x'], resources: ['*'] },
        { id: 'shadowed', effect: 'allow', subjects: ['alice'], actions: ['read'], resources: ['prod/db'] },
        { id: 'block', effect: 'deny', subjects: ['*'], actions: ['*'], resources: ['prod/*'] },
      ],
    });
    const r = f.qtrust(['policy', 'check', '--json', warned]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { warnings: { ruleId: string; kind: string }[]; rules: number };
    expect(out.rules).toBe(3);
    expect(out.warnings.map((w) => [w.ruleId, w.kind])).toEqual([
      ['never', 'empty-match'],
      ['shadowed', 'shadowed'],
    ]);
    expect(f.qtrust(['policy', 'check', '--strict', warned]).status).toBe(1);
    const bad = f.qtrust(['policy', 'check', f.write('bad.json', { policy: 'p', version: -1, rules: [] })]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('$.version');
  });
});

describe('policy test', () => {
  it('passes the project corpus (exit 0) and prints JSON that parses', () => {
    const r = f.qtrust(['policy', 'test', corpus]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed, \d+ files\n$/);
    const j = f.qtrust(['policy', 'test', '--json', corpus]);
    const out = JSON.parse(j.stdout) as { ok: boolean; failed: number; passed: number };
    expect(out).toMatchObject({ ok: true, failed: 0 });
    expect(out.passed).toBeGreaterThan(50);
  });

  it('reports each mismatch (exit 1) and a file that cannot run (exit 2)', () => {
    const dir = f.file('corpus');
    mkdirSync(dir);
    cpSync(join(corpus, '03-deny-wins.json'), join(dir, '03.json'));
    const wrong = JSON.parse(readFileSync(join(corpus, '01-default-deny.json'), 'utf8')) as {
      cases: { expect?: { decision: string } }[];
    };
    const first = wrong.cases[0] as { expect?: { decision: string } };
    if (first.expect !== undefined)
      first.expect.decision = first.expect.decision === 'allow' ? 'deny' : 'allow';
    f.write('corpus/01-wrong.json', wrong);
    const r = f.qtrust(['policy', 'test', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}01-wrong\.json: .*decision: expected/m);
    expect(r.stdout).toMatch(/, 1 failed, 2 files\n$/);
    const j = JSON.parse(f.qtrust(['policy', 'test', '--json', dir]).stdout) as {
      ok: boolean;
      failed: number;
    };
    expect(j).toMatchObject({ ok: false, failed: 1 });

    mkdirSync(f.file('corpus/sub'));
    f.write('corpus/sub/broken.json', '{"policy": ');
    const broken = f.qtrust(['policy', 'test', dir]);
    expect(broken.status).toBe(2);
    expect(broken.stdout).toContain('ERROR sub/broken.json: QT_CORPUS_INVALID');

    mkdirSync(f.file('empty'));
    expect(f.qtrust(['policy', 'test', f.file('empty')]).status).toBe(2);
  });
});
