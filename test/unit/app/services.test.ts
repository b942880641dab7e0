import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { SUITE_IDS } from '../../../src-shared/sign/index.js';
import { CONTRACT } from '../../../src-shared/ipc/index.js';
import { dispatch } from '../../../src-main/ipc/dispatch.js';
import { createServices } from '../../../src-main/services/compose.js';
import { ensureTenantDir, resolveHome, tenantDir } from '../../../src-main/services/data-dir.js';
import { SuiteService, type TestableSuite } from '../../../src-main/services/self-test.js';
import { assertTenantId } from '../../../src-main/services/tenant.js';

const home = mkdtempSync(join(tmpdir(), 'qtrust-unit-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof QtError ? e.code : 'not a QtError';
  }
  return undefined;
}

describe('tenant ids', () => {
  it.each(['default', 'acme', 'a', 'acme-prod_2', '0', 'x'.repeat(63)])('accepts %s', (t) => {
    expect(assertTenantId(t)).toBe(t);
  });

  it.each([
    '',
    '..',
    '.',
    '../x',
    'a/b',
    'a\\b',
    '-a',
    '_a',
    'A',
    'acme.prod',
    'a b',
    'a\0',
    'x'.repeat(64),
    'con',
    'nul',
    'com1',
    'lpt9',
    'é',
  ])('refuses %j', (t) => {
    expect(codeOf(() => assertTenantId(t))).toBe('QT_BAD_TENANT');
  });

  it.each([null, undefined, 1, ['a'], { toString: () => 'a' }])('refuses non-string %j', (t) => {
    expect(codeOf(() => assertTenantId(t))).toBe('QT_BAD_TENANT');
  });
});

describe('data directory', () => {
  it('prefers QTRUST_HOME, else userData', () => {
    expect(resolveHome({ QTRUST_HOME: '/q/home' }, '/user/data')).toBe('/q/home');
    expect(resolveHome({}, '/user/data')).toBe('/user/data');
    expect(resolveHome({ QTRUST_HOME: '' }, '/user/data')).toBe('/user/data');
    expect(resolveHome({ QTRUST_HOME: '/q/a/../b' }, '/u')).toBe('/q/b');
  });

  it('refuses a relative home', () => {
    expect(codeOf(() => resolveHome({ QTRUST_HOME: 'rel/dir' }, '/u'))).toBe('QT_BAD_HOME');
    expect(codeOf(() => resolveHome({}, 'rel'))).toBe('QT_BAD_HOME');
    expect(codeOf(() => tenantDir('rel', 'a'))).toBe('QT_BAD_HOME');
  });

  it('puts each tenant in <home>/tenants/<tenant>', () => {
    expect(tenantDir('/h', 'acme')).toBe('/h/tenants/acme');
    expect(codeOf(() => tenantDir('/h', '../etc'))).toBe('QT_BAD_TENANT');
  });

  it('creates the tenant directory owner-only', () => {
    const dir = ensureTenantDir(home, 'perm');
    expect(dir).toBe(join(home, 'tenants', 'perm'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

function fakeSuite(
  id: string,
  behaviour: 'good' | 'bad-verify' | 'accepts-anything' | 'throws' | 'throws-qt',
): TestableSuite {
  return {
    id,
    publicKeyLength: 4,
    seedLength: 4,
    postQuantum: false,
    keygen: () => {
      if (behaviour === 'throws') throw new Error('/secret/path exploded');
      if (behaviour === 'throws-qt') throw new QtError('QT_RANGE', 'seed too short');
      return { secretKey: new Uint8Array([1, 2, 3, 4]), publicKey: new Uint8Array([5, 6, 7, 8]) };
    },
    sign: (_sk, msg) => msg.slice(0, 4),
    verify: (_pk, msg, sig) =>
      behaviour === 'accepts-anything' ? true : behaviour === 'bad-verify' ? false : msg[0] === sig[0],
  };
}

describe('SuiteService self-test', () => {
  const make = (suites: TestableSuite[]) => {
    let t = 0;
    const byId = new Map(suites.map((s) => [s.id, s]));
    return new SuiteService(
      { ids: suites.map((s) => s.id), get: (id) => byId.get(id) ?? (undefined as never) },
      () => (t += 2.5),
    );
  };

  it('passes good suites and reports a time for each', () => {
    const report = make([fakeSuite('a', 'good'), fakeSuite('b', 'good')]).selfTest();
    expect(report).toEqual({
      ok: true,
      results: [
        { suite: 'a', ok: true, ms: 2.5, error: null },
        { suite: 'b', ok: true, ms: 2.5, error: null },
      ],
    });
  });

  it('fails a suite whose signatures do not verify', () => {
    const r = make([fakeSuite('a', 'good'), fakeSuite('b', 'bad-verify')]).selfTest();
    expect(r.ok).toBe(false);
    expect(r.results[1]).toMatchObject({ ok: false, error: 'a fresh signature did not verify' });
  });

  it('fails a suite that accepts a changed message', () => {
    const r = make([fakeSuite('a', 'accepts-anything')]).selfTest();
    expect(r.results[0]).toMatchObject({ ok: false, error: 'a signature verified over a changed message' });
  });

  it('reports thrown errors without leaking foreign messages', () => {
    const r = make([fakeSuite('a', 'throws'), fakeSuite('b', 'throws-qt')]).selfTest();
    expect(r.results[0]?.error).toBe('the suite threw an unexpected error');
    expect(r.results[1]?.error).toBe('QT_RANGE: seed too short');
    expect(r.ok).toBe(false);
  });

  it('is not ok with an empty registry', () => {
    expect(make([]).selfTest()).toEqual({ ok: false, results: [] });
  });

  it('lists suite facts', () => {
    expect(make([fakeSuite('a', 'good')]).list()).toEqual([
      { id: 'a', postQuantum: false, publicKeyLength: 4, seedLength: 4 },
    ]);
  });
});

describe('createServices with the real registry', () => {
  const services = createServices({ home, tenant: 'acme', appVersion: '9.9.9', platform: 'linux' });

  it('reports app info for the tenant', async () => {
    const r = await dispatch(services, 'readAppInfo', {});
    expect(r).toEqual({
      ok: true,
      value: {
        appVersion: '9.9.9',
        coreVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        platform: 'linux',
        tenant: 'acme',
        offline: true,
        dataDir: join(home, 'tenants', 'acme'),
      },
    });
  });

  it('is online only when an endpoint is configured', () => {
    const online = createServices({
      home,
      tenant: 'acme',
      appVersion: '1',
      platform: 'linux',
      network: { chainRpcUrl: 'http://127.0.0.1:8545' },
    });
    expect(online.appInfo.read().offline).toBe(false);
  });

  it('turns online once anchoring is configured for the tenant, and back when it is disabled', () => {
    const tenant = createServices({ home, tenant: 'anchoring', appVersion: '1', platform: 'linux' });
    expect(tenant.appInfo.read().offline).toBe(true);
    const settings = {
      rpcUrl: 'http://127.0.0.1:8545',
      chainId: 31337,
      contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      confirmations: 12,
    } as const;
    tenant.anchors.save({ enabled: true, ...settings });
    expect(tenant.appInfo.read().offline).toBe(false);
    tenant.anchors.save({ enabled: false, ...settings });
    expect(tenant.appInfo.read().offline).toBe(true);
  });

  it('refuses a bad tenant before touching the disk', () => {
    expect(codeOf(() => createServices({ home, tenant: '../x', appVersion: '1', platform: 'l' }))).toBe(
      'QT_BAD_TENANT',
    );
  });

  it('lists every registry suite and self-tests each one', async () => {
    const suites = await dispatch(services, 'readSuites', {});
    expect(suites.ok && suites.value).toMatchObject({ suites: SUITE_IDS.map((id) => ({ id })) });
    const r = await dispatch(services, 'readSelfTest', {});
    const report = CONTRACT.readSelfTest.response.parse(r.ok ? r.value : null);
    expect(report.ok).toBe(true);
    expect(report.results.map((x) => x.suite)).toEqual([...SUITE_IDS]);
    expect(report.results.every((x) => x.ok && x.error === null && x.ms >= 0)).toBe(true);
  });

  it('reads the tenant settings', async () => {
    expect(await dispatch(services, 'readSettings', {})).toEqual({ ok: true, value: { tenant: 'acme' } });
  });
});
