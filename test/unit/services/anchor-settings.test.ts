// AnchorSettingsService without a chain: nothing is created by reading, saved settings keep the
// fields the page does not edit, bad URLs are refused before any request, a dead RPC is
// QT_ANCHOR_RPC, and the status of a log's checkpoints without settings is "none" for each.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { ANCHOR_DB_FILE, AnchorSettingsService } from '../../../src-main/services/anchor-settings.js';
import { freePort } from '../../helpers/ports.js';
import { testSigners } from '../../integration/evidence/producer.js';

const ORIGIN = 'qtrust.test/anchor-settings';
const CONTRACT = '0x' + 'ab'.repeat(20);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qt-anchor-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof QtError ? e.code : String(e);
  }
  return undefined;
}

describe('AnchorSettingsService', () => {
  it('reads null settings without creating the queue database, then saves and reads them back', async () => {
    const tenant = join(dir, 't1');
    const svc = new AnchorSettingsService({ tenantDir: tenant, evidencePath: join(tenant, 'evidence.db') });
    expect(svc.read()).toEqual({ settings: null });
    expect(existsSync(join(tenant, ANCHOR_DB_FILE))).toBe(false);
    const request = {
      enabled: true,
      rpcUrl: 'http://127.0.0.1:1',
      chainId: 5,
      contract: CONTRACT.toUpperCase().replace('0X', '0x'),
      confirmations: 3,
    };
    const saved = svc.save(request);
    expect(saved.settings).toEqual({
      enabled: true,
      rpcUrl: 'http://127.0.0.1:1',
      chainId: 5,
      contract: CONTRACT,
      confirmations: 3,
      fromBlock: 0,
      publisherKey: false,
    });
    expect(svc.read()).toEqual(saved);
    expect(await code(() => svc.save({ ...request, rpcUrl: 'http://[bad' }))).toBe('QT_ANCHOR_SETTINGS');
    expect(await code(() => svc.save({ ...request, rpcUrl: 'file:///etc/passwd' }))).toBe(
      'QT_ANCHOR_SETTINGS',
    );
    expect(await code(() => svc.save({ ...request, chainId: 0 }))).toBe('QT_ANCHOR_SETTINGS');
    expect(svc.read()).toEqual(saved);
    await svc.close();
  });

  it('reports a dead RPC as QT_ANCHOR_RPC, and creates no file for the test', async () => {
    const tenant = join(dir, 't2');
    const svc = new AnchorSettingsService({ tenantDir: tenant, evidencePath: join(tenant, 'evidence.db') });
    const url = `http://127.0.0.1:${await freePort()}`;
    expect(
      await code(svc.testConnection({ rpcUrl: url, chainId: 1, contract: CONTRACT, publisher: null })),
    ).toBe('QT_ANCHOR_RPC');
    expect(
      await code(svc.testConnection({ rpcUrl: 'ftp://x', chainId: 1, contract: CONTRACT, publisher: null })),
    ).toBe('QT_ANCHOR_SETTINGS');
    expect(existsSync(join(tenant, ANCHOR_DB_FILE))).toBe(false);
    await svc.close();
  });

  it("lists a log's checkpoints newest first, unanchored, and a dead head as headError", async () => {
    const tenant = join(dir, 't3');
    const evidencePath = join(dir, 't3-evidence.db');
    const svc = new AnchorSettingsService({ tenantDir: tenant, evidencePath });
    expect(await svc.status(ORIGIN)).toMatchObject({ configured: false, checkpoints: [] });
    const log = EvidenceLog.open(evidencePath, {
      origin: ORIGIN,
      signers: testSigners(),
      checkpointEvery: 4,
      timer: false,
    });
    for (let i = 0; i < 9; i++) await log.append('decision', { i });
    await log.checkpoint();
    const status = await svc.status(ORIGIN);
    expect(status.configured).toBe(false);
    expect(status.checkpoints.map((c) => [c.treeSize, c.state])).toEqual([
      [9, 'none'],
      [8, 'none'],
      [4, 'none'],
    ]);
    expect(status.checkpoints[0]?.checkpointHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await svc.status('qtrust.test/other')).checkpoints).toEqual([]);
    svc.save({
      enabled: true,
      rpcUrl: `http://127.0.0.1:${await freePort()}`,
      chainId: 5,
      contract: CONTRACT,
      confirmations: 2,
    });
    const down = await svc.status(ORIGIN);
    expect(down).toMatchObject({ configured: true, head: null, confirmations: 2 });
    expect(down.headError).toMatch(/RPC did not answer/);
    await log.close();
    await svc.close();
  });
});
