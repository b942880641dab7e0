import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { encodePublicKeySet, generateKeySet } from '../../../src-shared/keys/index.js';
import { POLICY_PAYLOAD_TYPE } from '../../../src-shared/policy/index.js';
import { signEnvelope } from '../../../src-shared/sign/index.js';
import { PolicyService } from '../../../src-main/services/policy-service.js';

const root = mkdtempSync(join(tmpdir(), 'qtrust-policy-svc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const signer = generateKeySet('ed25519');
const other = generateKeySet('ed25519');
const doc = (version: number, extra: Record<string, unknown> = {}) => ({
  policy: 'p',
  version,
  rules: [
    { id: 'r', effect: 'allow', subjects: ['*'], actions: ['read'], resources: ['*'], ...extra },
    {
      id: 'two',
      effect: 'allow',
      subjects: ['*'],
      actions: ['deploy'],
      resources: ['*'],
      approvals: { quorum: 2, from: ['sre'] },
    },
  ],
});
const signed = (d: unknown, keys = signer) =>
  canonicalize(signEnvelope(POLICY_PAYLOAD_TYPE, utf8ToBytes(JSON.stringify(d)), keys));
const request = {
  subject: 'a',
  groups: [],
  action: 'read',
  resource: 'x',
  context: '{}',
  time: '2026-01-01T00:00:00Z',
};

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('PolicyService', () => {
  it('starts empty, refuses to load or simulate before it is configured', async () => {
    const s = new PolicyService(mkdtempSync(join(root, 't-')));
    expect(s.read()).toEqual({ signers: [], policy: null, problem: null });
    expect(await codeOf(s.load(signed(doc(1))))).toBe('QT_POLICY_NO_SIGNERS');
    expect(await codeOf(() => s.simulate(request))).toBe('QT_POLICY_NOT_LOADED');
  });

  it('sets signers once, loads, upgrades, refuses rollback and equivocation, and survives a restart', async () => {
    const dir = mkdtempSync(join(root, 't-'));
    const s = new PolicyService(dir);
    expect(await codeOf(s.setSigners('{"v":1'))).toBe('QT_JSON_SYNTAX');
    expect((await s.setSigners(JSON.stringify(encodePublicKeySet(signer)))).signers).toHaveLength(1);
    expect(await codeOf(s.setSigners(JSON.stringify(encodePublicKeySet(other))))).toBe(
      'QT_POLICY_SIGNERS_LOCKED',
    );
    expect(await codeOf(s.load(signed(doc(1), other)))).toBeDefined();
    expect(await codeOf(s.load('not json'))).toBe('QT_ENVELOPE_FORMAT');
    expect((await s.load(signed(doc(2)))).update).toBe('new');
    expect((await s.load(signed(doc(2)))).update).toBe('same');
    expect(await codeOf(s.load(signed(doc(1))))).toBe('QT_POLICY_ROLLBACK');
    expect(await codeOf(s.load(signed(doc(2, { description: 'x' }))))).toBe('QT_POLICY_ROLLBACK');
    expect(await codeOf(s.load(signed({ ...doc(9), policy: 'q' })))).toBe('QT_POLICY_NAME_MISMATCH');
    expect(await s.load(signed(doc(3, { description: 'read anything' })))).toMatchObject({
      update: 'upgrade',
      version: 3,
    });

    const again = new PolicyService(dir);
    const state = again.read();
    expect(state.policy).toMatchObject({ name: 'p', version: 3, signedBy: [signer[0]?.keyid] });
    expect(state.policy?.rules.map((r) => [r.id, r.description, r.approvals?.quorum ?? null])).toEqual([
      ['r', 'read anything', null],
      ['two', null, 2],
    ]);
    expect(await codeOf(again.load(signed(doc(2))))).toBe('QT_POLICY_ROLLBACK');
    expect(again.simulate(request).decision).toBe('allow');
    const pending = again.simulate({ ...request, action: 'deploy' });
    expect(pending).toMatchObject({
      decision: 'pending',
      obligations: [{ ruleId: 'two', quorum: 2, from: ['sre'] }],
    });
    expect(await codeOf(() => again.simulate({ ...request, context: '{"a":1,"a":2}' }))).toBe(
      'QT_REQUEST_INVALID',
    );
    expect(await codeOf(() => again.simulate({ ...request, context: '[1]' }))).toBe('QT_REQUEST_INVALID');
    expect(await codeOf(() => again.simulate({ ...request, time: 'yesterday' }))).toBe('QT_REQUEST_INVALID');
  });

  it('a stored policy that no longer verifies is not active, and the reason is shown (fail closed)', async () => {
    const dir = mkdtempSync(join(root, 't-'));
    const s = new PolicyService(dir);
    await s.setSigners(JSON.stringify(encodePublicKeySet(signer)));
    await s.load(signed(doc(1)));
    const path = join(dir, 'policy', 'active.json');
    const env = JSON.parse(readFileSync(path, 'utf8')) as { payload: string };
    env.payload = Buffer.from(JSON.stringify(doc(1, { actions: ['*'] }))).toString('base64url');
    writeFileSync(path, JSON.stringify(env));
    const restarted = new PolicyService(dir);
    expect(restarted.read().policy).toBeNull();
    expect(restarted.read().problem).toMatch(/^QT_SIGNATURE_/);
    expect(await codeOf(() => restarted.simulate(request))).toBe('QT_POLICY_NOT_LOADED');
  });
});
