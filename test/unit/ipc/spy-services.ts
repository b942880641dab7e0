/** Services whose every method is a spy returning a contract-valid answer. */
import { vi } from 'vitest';
import type { Services } from '../../../src-main/services/compose.js';

const CEREMONY = {
  file: 'small.json',
  id: 'c1',
  title: 'Small',
  tenant: 'acme',
  env: 'prod',
  status: 'open' as const,
  started: false,
  steps: [{ id: 'init-a', kind: 'init-token' as const, state: 'next' as const }],
  participants: [{ id: 'adm', role: 'administrator' as const, present: false, seal: null }],
  tokens: [{ name: 'a', label: 'acme-1' }],
  next: null,
  failure: null,
  keys: [],
  transcriptEntries: 0,
};

const ANCHOR_SETTINGS = {
  enabled: true,
  rpcUrl: 'http://127.0.0.1:8545',
  chainId: 31337,
  contract: '0x' + '1'.repeat(40),
  confirmations: 2,
  fromBlock: 0,
  publisherKey: false,
};

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
    ceremonies: {
      scripts: vi.fn(() => Promise.resolve({ folder: '/tmp/x/ceremony-scripts', scripts: [] })),
      view: vi.fn(() => null),
      openScript: vi.fn(() => Promise.resolve({ ceremony: CEREMONY })),
      token: vi.fn(() => ({
        token: 'a',
        label: 'acme-1',
        present: false,
        serial: null,
        initialized: null,
        mechanisms: null,
      })),
      checkIn: vi.fn(() => Promise.resolve({ ceremony: CEREMONY, cancelled: true })),
      presentShare: vi.fn(() => Promise.resolve({ ceremony: CEREMONY, cancelled: true })),
      performStep: vi.fn(() =>
        Promise.resolve({ ceremony: CEREMONY, entry: { seq: 1, hash: 'f'.repeat(64), step: 'init-a' } }),
      ),
      transcript: vi.fn(() => ({ ceremony: 'c1', entries: [], omitted: 0 })),
      exportTranscript: vi.fn(() => Promise.resolve({ path: null })),
    },
    anchors: {
      read: vi.fn(() => ({ settings: null })),
      save: vi.fn(() => ({ settings: ANCHOR_SETTINGS })),
      testConnection: vi.fn(() =>
        Promise.resolve({
          chainId: 31337,
          chainIdMatches: true,
          latestBlock: 10,
          finalizedBlock: null,
          contractCodePresent: true,
          publisherAllowlisted: null,
        }),
      ),
      status: vi.fn(() =>
        Promise.resolve({
          configured: false,
          confirmations: 12,
          head: null,
          headError: null,
          checkpoints: [],
        }),
      ),
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
    [
      ...Object.values(spies.evidence),
      ...Object.values(spies.verify),
      ...Object.values(spies.ceremonies),
      ...Object.values(spies.anchors),
    ].reduce((n, spy) => n + spy.mock.calls.length, 0);
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
  writeOpenCeremony: { file: 'small.json' },
  readCeremonyToken: { token: 'a' },
  writeCeremonyCheckIn: { participant: 'adm', passphrase: 'correct horse' },
  writeCeremonyShare: { custodian: 'c1', token: 'a', secret: 'user', passphrase: 'correct horse' },
  writeCeremonyStep: { step: 'init-a', sealPassphrases: [{ custodian: 'c2', passphrase: 'pw' }] },
  writeAnchorSettings: {
    enabled: true,
    rpcUrl: 'http://127.0.0.1:8545',
    chainId: 31337,
    contract: '0x' + '1'.repeat(40),
    confirmations: 2,
  },
  readAnchorConnection: {
    rpcUrl: 'http://127.0.0.1:8545',
    chainId: 31337,
    contract: '0x' + '1'.repeat(40),
    publisher: '0x' + '2'.repeat(40),
  },
  readAnchorStatus: { log: 'qtrust.local/t1' },
};

export function validRequest(channel: string): Record<string, unknown> {
  return { ...((VALID_REQUESTS[channel] as Record<string, unknown> | undefined) ?? {}) };
}
