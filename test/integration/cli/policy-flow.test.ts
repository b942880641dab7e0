// The whole command-line loop of issue 4, as users run it: a pending decision, the approval
// request handed to approvers, approvals by two of them, allow, a grant, its verification, and
// the replay refused.
import { readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, buildCli, cliFixture, expectErrorLine, request, type CliFixture } from './policy-fixture.js';

let f: CliFixture;

function publicKeys(dir: string): unknown[] {
  return (JSON.parse(readFileSync(join(dir, 'public.json'), 'utf8')) as { keys: unknown[] }).keys;
}

beforeAll(() => {
  buildCli();
  f = cliFixture('qtrust-policy-flow-');
  for (const who of ['alice', 'bob', 'carol', 'dave', 'admin', 'issuer']) {
    const r = f.qtrust([
      'key',
      'generate',
      '--suite',
      'ed25519+ml-dsa-65',
      '--out',
      f.file(who),
      '--insecure-plaintext',
    ]);
    expect(r.status, r.stderr).toBe(0);
  }
  f.write('policy.json', POLICY);
  f.write('request.json', request('deploy', 'prod/api', { freeze: false }));
  f.write('roster-doc.json', {
    type: 'qtrust/roster/v1',
    roster: 'ops',
    version: 1,
    approvers: [
      { id: 'alice', name: 'Alice A.', groups: ['sre'], keys: publicKeys(f.file('alice')) },
      { id: 'bob', name: 'Bob B.', groups: ['sre'], keys: publicKeys(f.file('bob')) },
      { id: 'carol', name: 'Carol C.', groups: ['finance'], keys: publicKeys(f.file('carol')) },
      { id: 'dave', name: 'Dave D.', groups: ['sre'], keys: publicKeys(f.file('dave')) },
    ],
  });
  mkdirSync(f.file('approvals'));
}, 120_000);

afterAll(() => f.close());

const approvalArgs = () => [
  '--approvals',
  f.file('approvals'),
  '--approval-request',
  f.file('ar.json'),
  '--roster',
  f.file('roster.json'),
  '--roster-trust',
  f.file('admin/public.json'),
];

const evalJson = (extra: string[] = []) => {
  const r = f.qtrust([
    'policy',
    'eval',
    '--policy',
    f.file('policy.json'),
    '--request',
    f.file('request.json'),
    '--json',
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('request -> pending -> approvals -> allow -> grant -> verify -> replay refused', () => {
  it('signs the roster with the administrators key', () => {
    const r = f.qtrust([
      'roster',
      'sign',
      '--key',
      f.file('admin'),
      '--out',
      f.file('roster.json'),
      f.file('roster-doc.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('roster ops version 1');
    expect(JSON.parse(readFileSync(f.file('roster.json'), 'utf8'))).toMatchObject({
      payloadType: 'application/vnd.qtrust.roster+json',
    });
  });

  it('the request is pending, naming who must approve', () => {
    const d = evalJson();
    expect(d).toMatchObject({
      decision: 'pending',
      rules: ['deploy-prod'],
      errors: [],
      obligations: [{ ruleId: 'deploy-prod', quorum: 2, from: ['sre'], allowRequester: false }],
    });
    expect(d.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.requestHash).toMatch(/^[0-9a-f]{64}$/);
    const text = f.qtrust([
      'policy',
      'eval',
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
    ]);
    expect(text.stdout).toContain('decision: pending');
    expect(text.stdout).toContain('needs: rule deploy-prod: 2 approvals from sre (requester excluded)');
  });

  it('creates the approval request, showing what will be signed', () => {
    const r = f.qtrust([
      'approval',
      'request',
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
      '--out',
      f.file('ar.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Approval request [0-9a-f]{64}\n/);
    expect(r.stdout).toContain('prod/api');
    const ar = JSON.parse(readFileSync(f.file('ar.json'), 'utf8')) as Record<string, unknown>;
    expect(ar).toMatchObject({
      type: 'qtrust/approval-request/v1',
      requester: 'dave',
      requestHash: evalJson().requestHash,
    });
  });

  it('refuses to create an approval request for a decision that is not pending', () => {
    f.write('read.json', request('read', 'docs/x'));
    const r = f.qtrust([
      'approval',
      'request',
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('read.json'),
      '--out',
      f.file('nope.json'),
    ]);
    expect(r.status).toBe(2);
    expectErrorLine(r, 'QT_APPROVAL_NOT_PENDING');
  });

  it('approve refuses to sign without a terminal or --yes', () => {
    const r = f.qtrust(['approve', '--key', f.file('alice'), '--approver', 'alice', f.file('ar.json')]);
    expect(r.status).toBe(2);
    expectErrorLine(r, 'QT_USAGE');
  });

  it('one approval leaves it pending; the requester and a non-member do not count', () => {
    for (const [who, out] of [
      ['alice', 'approvals/alice.json'],
      ['dave', 'approvals/dave.json'],
      ['carol', 'approvals/carol.json'],
    ] as const) {
      const r = f.qtrust([
        'approve',
        '--key',
        f.file(who),
        '--approver',
        who,
        '--yes',
        '--out',
        f.file(out),
        f.file('ar.json'),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('Approval request');
      expect(r.stderr).toContain(`${who} will APPROVE`);
    }
    const d = evalJson(approvalArgs());
    expect(d.decision).toBe('pending');
    const tally = (d.approvals as { counted: string[]; ignored: { code: string; file: string }[] }[])[0];
    expect(tally?.counted).toEqual(['alice']);
    expect(tally?.ignored.map((i) => i.code).sort()).toEqual([
      'QT_APPROVAL_NOT_IN_GROUP',
      'QT_APPROVAL_REQUESTER',
    ]);
  });

  it('grant issue refuses while pending (exit 1)', () => {
    const r = f.qtrust([
      'grant',
      'issue',
      '--key',
      f.file('issuer'),
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
      '--audience',
      'deployer@prod',
      ...approvalArgs(),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('QT_GRANT_NOT_ALLOWED');
  });

  it('a second approver makes it allow', () => {
    const r = f.qtrust([
      'approve',
      '--key',
      f.file('bob'),
      '--approver',
      'bob',
      '--yes',
      '--out',
      f.file('approvals/bob.json'),
      f.file('ar.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    // A copy of an approval counts once.
    copyFileSync(f.file('approvals/bob.json'), f.file('approvals/bob-copy.json'));
    const d = evalJson(approvalArgs());
    expect(d.decision).toBe('allow');
    expect((d.approvals as { counted: string[] }[])[0]?.counted).toEqual(['alice', 'bob']);
    expect(d.grantTtlSeconds).toBe(600);
  });

  it('a roster that does not verify under the pinned trust is refused (exit 2)', () => {
    const args = approvalArgs();
    args[args.length - 1] = f.file('alice/public.json');
    const r = f.qtrust([
      'policy',
      'eval',
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
      ...args,
    ]);
    expect(r.status).toBe(2);
    expectErrorLine(r, 'QT_ROSTER_SIGNATURE');
  });

  it('approvals need every counting input', () => {
    const r = f.qtrust([
      'policy',
      'eval',
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
      '--approvals',
      f.file('approvals'),
    ]);
    expect(r.status).toBe(2);
    expectErrorLine(r, 'QT_USAGE');
    expect(r.stderr).toContain('--approval-request');
  });

  let requestHash = '';
  it('issues a grant on allow', () => {
    const r = f.qtrust([
      'grant',
      'issue',
      '--key',
      f.file('issuer'),
      '--policy',
      f.file('policy.json'),
      '--request',
      f.file('request.json'),
      '--audience',
      'deployer@prod',
      '--out',
      f.file('grant.json'),
      '--json',
      ...approvalArgs(),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { grantId: string; requestHash: string };
    expect(out.grantId).toMatch(/^[0-9a-f]{64}$/);
    requestHash = out.requestHash;
    expect(requestHash).toBe(evalJson().requestHash);
  });

  it('verifies the grant once; the replay is refused; other faults carry their code', () => {
    const verify = (extra: string[] = [], hash = requestHash, audience = 'deployer@prod') =>
      f.qtrust([
        'grant',
        'verify',
        '--grant',
        f.file('grant.json'),
        '--issuer',
        f.file('issuer/public.json'),
        '--audience',
        audience,
        '--request-hash',
        hash,
        '--replay-db',
        f.file('replay.db'),
        '--json',
        ...extra,
      ]);
    // Failures that are not the grant's use do not consume it.
    const wrongAudience = verify([], requestHash, 'someone-else');
    expect(wrongAudience.status).toBe(1);
    expect(JSON.parse(wrongAudience.stdout)).toMatchObject({ ok: false, code: 'QT_GRANT_AUDIENCE' });
    const wrongHash = verify([], 'ab'.repeat(32));
    expect(JSON.parse(wrongHash.stdout)).toMatchObject({ ok: false, code: 'QT_GRANT_REQUEST_MISMATCH' });
    const wrongIssuer = f.qtrust([
      'grant',
      'verify',
      '--grant',
      f.file('grant.json'),
      '--issuer',
      f.file('alice/public.json'),
      '--audience',
      'deployer@prod',
      '--request-hash',
      requestHash,
      '--replay-db',
      f.file('replay.db'),
    ]);
    expect(wrongIssuer.status).toBe(1);
    expect(wrongIssuer.stderr).toContain('QT_GRANT_SIGNATURE');
    const late = verify(['--now', '2099-01-01T00:00:00Z']);
    expect(JSON.parse(late.stdout)).toMatchObject({ ok: false, code: 'QT_GRANT_EXPIRED' });

    const first = verify();
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, audience: 'deployer@prod', requestHash });
    const second = verify();
    expect(second.status).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: false, code: 'QT_GRANT_REPLAYED' });
  });

  it('a tampered grant is invalid (exit 1), a bad request hash option is a usage error (exit 2)', () => {
    const g = JSON.parse(readFileSync(f.file('grant.json'), 'utf8')) as { signatures: { sig: string }[] };
    const sig = g.signatures[0] as { sig: string };
    sig.sig = (sig.sig[0] === 'A' ? 'B' : 'A') + sig.sig.slice(1);
    f.write('tampered.json', g);
    const r = f.qtrust([
      'grant',
      'verify',
      '--grant',
      f.file('tampered.json'),
      '--issuer',
      f.file('issuer/public.json'),
      '--audience',
      'deployer@prod',
      '--request-hash',
      requestHash,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('QT_GRANT_SIGNATURE');
    f.write('garbage.json', '{"payloadType": 1');
    const bad = f.qtrust([
      'grant',
      'verify',
      '--grant',
      f.file('garbage.json'),
      '--issuer',
      f.file('issuer/public.json'),
      '--audience',
      'deployer@prod',
      '--request-hash',
      requestHash,
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('QT_GRANT_MALFORMED');
    const usage = f.qtrust([
      'grant',
      'verify',
      '--grant',
      f.file('grant.json'),
      '--issuer',
      f.file('issuer/public.json'),
      '--audience',
      'deployer@prod',
      '--request-hash',
      'XYZ',
    ]);
    expect(usage.status).toBe(2);
  });

  it('a rejection is reported and not counted', () => {
    const r = f.qtrust([
      'approve',
      '--key',
      f.file('bob'),
      '--approver',
      'bob',
      '--reject',
      '--yes',
      '--out',
      f.file('approvals/bob-reject.json'),
      f.file('ar.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const d = evalJson(approvalArgs());
    expect(d.decision).toBe('pending');
    expect((d.approvals as { rejectedBy: string[] }[])[0]?.rejectedBy).toEqual(['bob']);
  });
});
