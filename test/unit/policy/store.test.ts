/** Signed policies and rollback protection. */
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { isQtError } from '../../../src-shared/errors.js';
import {
  acceptPolicyUpdate,
  compilePolicy,
  loadSignedPolicy,
  POLICY_PAYLOAD_TYPE,
} from '../../../src-shared/policy/index.js';
import { getSuite, publicKeyEntry, secretKeyEntry, signEnvelope } from '../../../src-shared/sign/index.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isQtError(e) ? `${e.code} ${e.path ?? ''}`.trim() : 'not a QtError';
  }
  return undefined;
}

const head = (version: number, hash = 'aa', name = 'prod') => ({ name, version, hash });

describe('acceptPolicyUpdate', () => {
  it('accepts new, same and higher versions', () => {
    expect(acceptPolicyUpdate(undefined, head(0))).toBe('new');
    expect(acceptPolicyUpdate(head(3), head(3))).toBe('same');
    expect(acceptPolicyUpdate(head(3), head(4, 'bb'))).toBe('upgrade');
  });

  it('refuses rollbacks, equivocation and other policies', () => {
    expect(code(() => acceptPolicyUpdate(head(3), head(2)))).toBe('QT_POLICY_ROLLBACK incoming.version');
    expect(code(() => acceptPolicyUpdate(head(3), head(3, 'bb')))).toBe('QT_POLICY_ROLLBACK incoming.hash');
    expect(code(() => acceptPolicyUpdate(head(3), head(4, 'aa', 'dev')))).toBe(
      'QT_POLICY_NAME_MISMATCH incoming.name',
    );
  });

  it('checks its inputs', () => {
    expect(code(() => acceptPolicyUpdate(undefined, { name: 'p', version: 1.5, hash: 'a' }))).toBe(
      'QT_TYPE incoming.version',
    );
    expect(code(() => acceptPolicyUpdate({ name: 'p', version: 1 } as never, head(1)))).toBe(
      'QT_TYPE current',
    );
    expect(code(() => acceptPolicyUpdate(head(1), { ...head(2), extra: 1 } as never))).toBe(
      'QT_TYPE incoming',
    );
    expect(code(() => acceptPolicyUpdate(head(1), null as never))).toBe('QT_TYPE incoming');
  });
});

describe('loadSignedPolicy', () => {
  const ed = getSuite('ed25519');
  const signer = secretKeyEntry(ed.keygen(new Uint8Array(ed.seedLength).fill(1)));
  const other = secretKeyEntry(ed.keygen(new Uint8Array(ed.seedLength).fill(2)));
  const trusted = [publicKeyEntry(signer.suite, signer.publicKey)];
  const doc = {
    policy: 'prod',
    version: 7,
    rules: [{ id: 'r', effect: 'allow', subjects: ['*'], actions: ['*'], resources: ['*'] }],
  };
  const sign = (text: string, type = POLICY_PAYLOAD_TYPE, by = [signer]) =>
    signEnvelope(type, utf8ToBytes(text), by);

  it('verifies, parses and identifies the policy', () => {
    const loaded = loadSignedPolicy(sign(JSON.stringify(doc)), trusted);
    expect(loaded.head).toEqual({ name: 'prod', version: 7, hash: compilePolicy(doc).policyHash });
    expect(loaded.keyids).toEqual([signer.keyid]);
    expect(loaded.policy.rules[0]?.id).toBe('r');
    expect(
      acceptPolicyUpdate(
        loaded.head,
        loadSignedPolicy(sign(JSON.stringify({ ...doc, version: 8 })), trusted).head,
      ),
    ).toBe('upgrade');
  });

  it('refuses unsigned, mis-signed, mistyped and malformed payloads', () => {
    expect(
      code(() => loadSignedPolicy(sign(JSON.stringify(doc), POLICY_PAYLOAD_TYPE, [other]), trusted)),
    ).toBe('QT_SIGNATURE_MISSING $.signatures');
    const env = sign(JSON.stringify(doc));
    const tampered = { ...env, payload: sign(JSON.stringify({ ...doc, version: 9 })).payload };
    expect(code(() => loadSignedPolicy(tampered, trusted))).toMatch(/^QT_SIGNATURE_INVALID/);
    expect(code(() => loadSignedPolicy(sign(JSON.stringify(doc), 'application/json'), trusted))).toMatch(
      /^QT_PAYLOAD_TYPE_MISMATCH/,
    );
    expect(
      code(() => loadSignedPolicy(sign('{"policy":"a","policy":"b","version":1,"rules":[]}'), trusted)),
    ).toMatch(/^QT_JSON/);
    expect(code(() => loadSignedPolicy(sign('{"policy":"a","version":1}'), trusted))).toBe(
      'QT_POLICY_INVALID $',
    );
    expect(code(() => loadSignedPolicy(env, []))).toBe('QT_RANGE trustedSigners');
    expect(code(() => loadSignedPolicy(env, 'key' as never))).toBe('QT_RANGE trustedSigners');
  });
});
