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
  };
  const calls = () =>
    spies.appInfo.read.mock.calls.length +
    spies.suites.list.mock.calls.length +
    spies.suites.selfTest.mock.calls.length +
    spies.settings.read.mock.calls.length;
  return { services: spies as Services, spies, calls };
}
