/** Services whose every method is a spy returning a contract-valid answer. */
import { vi } from 'vitest';
import type { Services } from '../../../src-main/services/compose.js';

export function spyServices() {
  const spies = {
    appInfo: {
      read: vi.fn(() => ({
        appVersion: '1.2.3',
        coreVersion: '0.1.0',
        platform: 'linux',
        tenant: 't1',
        offline: true,
        dataDir: '/tmp/x/tenants/t1',
      })),
    },
    suites: {
      list: vi.fn(() => [{ id: 'ed25519', postQuantum: false, publicKeyLength: 32, seedLength: 32 }]),
      selfTest: vi.fn(() => ({ ok: true, results: [{ suite: 'ed25519', ok: true, ms: 1.5, error: null }] })),
    },
    settings: { read: vi.fn(() => ({ tenant: 't1' })) },
    policies: {
      read: vi.fn(() => ({ signers: [], policy: null, problem: null })),
      simulate: vi.fn(() => ({
        decision: 'deny' as const,
        rules: [],
        errors: [],
        obligations: [],
        grantTtlSeconds: null,
        policyHash: '0'.repeat(64),
        requestHash: '1'.repeat(64),
      })),
      setSigners: vi.fn(() =>
        Promise.resolve({ signers: [{ suite: 'ed25519', keyid: 'ed25519:' + '0'.repeat(32) }] }),
      ),
      load: vi.fn(() =>
        Promise.resolve({ update: 'new' as const, name: 'p', version: 1, hash: '2'.repeat(64) }),
      ),
    },
    evidence: {
      head: vi.fn(() => ({ logs: [{ origin: 'qtrust.local/t1', size: 3, checkpointSize: 2 }] })),
      page: vi.fn(() => ({
        total: 1,
        offset: 0,
        rows: [{ seq: 0, kind: 'decision' as const, time: 0, subject: 's', action: null }],
      })),
      detail: vi.fn(() => ({
        log: 'qtrust.local/t1',
        seq: 0,
        kind: 'decision' as const,
        time: 0,
        canonical: '{}',
        hash: 'a'.repeat(64),
        prev: '0'.repeat(64),
        leaf: 'b'.repeat(64),
        checkpoint: null,
        inclusion: { status: 'not-covered' as const, treeSize: null, proof: [], error: null },
      })),
    },
    verify: {
      chooseBundle: vi.fn(() => Promise.resolve({ bundle: null })),
      chooseTrust: vi.fn(() => Promise.resolve({ trust: null })),
      start: vi.fn(() => ({ job: 'c'.repeat(32) })),
      status: vi.fn(() => ({ state: 'running' as const, done: 1, total: 2, report: null, error: null })),
    },
  };
  const calls = () =>
    spies.appInfo.read.mock.calls.length +
    spies.suites.list.mock.calls.length +
    spies.suites.selfTest.mock.calls.length +
    spies.settings.read.mock.calls.length +
    spies.policies.read.mock.calls.length +
    spies.policies.simulate.mock.calls.length +
    spies.policies.setSigners.mock.calls.length +
    spies.policies.load.mock.calls.length +
    [...Object.values(spies.evidence), ...Object.values(spies.verify)].reduce(
      (n, spy) => n + spy.mock.calls.length,
      0,
    );
  return { services: spies as Services, spies, calls };
}

/**
 * A valid request for each channel whose request is not `{}`; the dispatcher tests start from it,
 * so every channel is proven to answer a valid request and refuse each malformed one.
 */
const VALID_REQUESTS: Readonly<Record<string, unknown>> = {
  readPolicySimulation: {
    subject: 'alice',
    groups: ['sre'],
    action: 'deploy',
    resource: 'prod/api',
    context: '{"ticket":"T-1"}',
    time: '2026-11-26T13:40:00Z',
  },
  writePolicySigners: { publicKeySet: '{"v":1}' },
  writeLoadPolicy: { envelope: '{"payloadType":"x"}' },
  readEvidenceRecords: { log: 'qtrust.local/t1', filter: { kind: 'decision' }, offset: 0, limit: 50 },
  readEvidenceRecord: { log: 'qtrust.local/t1', seq: 0 },
  writeStartVerify: { bundle: 'd'.repeat(32), trust: 'e'.repeat(32) },
  readVerifyJob: { job: 'c'.repeat(32) },
};

export function validRequest(channel: string): Record<string, unknown> {
  return { ...((VALID_REQUESTS[channel] as Record<string, unknown> | undefined) ?? {}) };
}
