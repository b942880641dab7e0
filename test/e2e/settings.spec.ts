/**
 * The Settings page and the Evidence section's anchor status against a real anvil chain: the
 * QTrustAnchor contract deployed with a publisher on its allowlist, settings saved and tested
 * through the UI, wrong chain id and a dead RPC reported, then the tenant's checkpoints anchored by
 * the real publisher in this process and their state read back in the Evidence section.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Address } from 'viem';
import { anchorAllCheckpoints } from '../../src-main/anchor/anchor-all.js';
import { ANCHOR_DB_FILE } from '../../src-main/services/anchor-settings.js';
import { tenantDir } from '../../src-main/services/data-dir.js';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import { freePort } from '../helpers/ports.js';
import { deployAnchor, mine, PUBLISHER, STRANGER } from '../integration/anchor/fixture.js';
import { screenshot } from './app-checks.js';
import { ORIGIN, seedLog, type SeededLog } from './evidence-fixture.js';
import { startHarness, type Harness } from './harness.js';
import { expectClean, openApp, openSection } from './open-app.js';

let chain: Anvil;
let contract: Address;
let harness: Harness;
let seeded: SeededLog;

test.beforeAll(async () => {
  chain = await startAnvil();
  contract = await deployAnchor(chain);
  harness = await startHarness('e2e-settings');
  seeded = await seedLog(harness, 40);
  await seeded.append(25);
  await seeded.log.checkpoint();
});

test.afterAll(async () => {
  await seeded?.close();
  await harness?.close();
  await chain?.stop();
});

async function fill(page: Page, values: { rpcUrl: string; chainId: number; publisher?: string }) {
  await page.getByLabel('RPC URL').fill(values.rpcUrl);
  await page.getByLabel('Chain id').fill(String(values.chainId));
  await page.getByLabel('Anchor contract').fill(contract);
  await page.getByLabel('Confirmations').fill('2');
  await page.getByLabel('Publisher address (for the test)').fill(values.publisher ?? '');
}

test('saves the tenant settings and the connection test passes on the real chain', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Settings');
  await expect(page.getByTestId('empty-settings')).toContainText('Anchoring is not configured');
  await fill(page, { rpcUrl: chain.url, chainId: chain.chainId, publisher: PUBLISHER.address });
  await page.getByRole('button', { name: 'Test connection' }).click();
  const report = page.getByTestId('connection-report');
  await expect(report).toContainText('Connection test passed');
  await expect(report).toContainText(`${chain.chainId}, as configured`);
  await expect(report).toContainText('code present at the address');
  await expect(report).toContainText('on the contract allowlist');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'settings saved' })).toBeVisible();
  // A configured chain RPC means something can leave the machine: the header must stop saying otherwise.
  await expect(page.getByTestId('network')).toContainText('Online');
  await expect(page.getByText('Anchoring enabled', { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId('empty-settings')).toHaveCount(0);
  expect(await harness.services.anchors.read()).toMatchObject({
    settings: {
      rpcUrl: chain.url,
      chainId: chain.chainId,
      contract: contract.toLowerCase(),
      confirmations: 2,
    },
  });
  await screenshot(page, 'settings-1280x800');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'settings-1920x1080');

  // A publisher that is not allowlisted is reported as such.
  await page.getByLabel('Publisher address (for the test)').fill(STRANGER.address);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(report).toContainText('NOT on the contract allowlist');
  await expectClean(opened);
});

test('reports a wrong chain id and a dead RPC clearly', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Settings');
  await fill(page, { rpcUrl: chain.url, chainId: 1 });
  await page.getByRole('button', { name: 'Test connection' }).click();
  const report = page.getByTestId('connection-report');
  await expect(report).toContainText('Connection test found problems');
  await expect(report).toContainText(
    `the RPC serves chain ${chain.chainId}, the settings say 1: wrong chain id`,
  );
  await screenshot(page, 'settings-wrong-chain-1280x800');

  await fill(page, { rpcUrl: `http://127.0.0.1:${await freePort()}`, chainId: chain.chainId });
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-error')).toContainText('QT_ANCHOR_RPC: connection test failed');
  // A form error is caught before any call.
  await page.getByLabel('Anchor contract').fill('0x1234');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Contract must be 0x' })).toBeVisible();
  await expectClean(opened);
});

test('an anchored checkpoint shows included with confirmations, then final, in the Evidence section', async ({
  browser,
}) => {
  // Settings saved by the first test (specs in a file run in order, one worker).
  expect((await harness.services.anchors.read()).settings).not.toBeNull();
  const publisher = {
    rpcUrl: chain.url,
    chainId: chain.chainId,
    contract: contract.toLowerCase() as `0x${string}`,
    account: PUBLISHER,
    salt: new Uint8Array(randomBytes(32)),
    origin: ORIGIN,
    confirmations: 2,
    pollMs: 50,
  };
  const queuePath = join(tenantDir(harness.home, harness.tenant), ANCHOR_DB_FILE);
  await anchorAllCheckpoints(seeded.log, { publisher, queuePath, until: 'included' });

  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Evidence');
  const panel = page.getByTestId('anchor-status');
  await expect(panel).toContainText('Checkpoints and anchors');
  const newest = panel.locator('tbody tr').first();
  await expect(newest.getByTestId('anchor-state')).toHaveText(/^included, \d+ of 2 confirmations$/);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'evidence-anchors-included-1280x800');

  // anvil's finalized block trails its head by 64: mine past it and let the publisher see finality.
  await anchorAllCheckpoints(seeded.log, {
    publisher,
    queuePath,
    until: 'final',
    mine: async () => {
      await mine(chain, 70);
    },
  });
  await expect(panel.locator('[data-testid="anchor-state"]').first()).toHaveText(
    /^final \(\d+ confirmations\)$/,
    {
      timeout: 10_000,
    },
  );
  const states = await panel.getByTestId('anchor-state').allTextContents();
  expect(states.length).toBe(seeded.log.checkpoints().filter((c) => c.size > 0).length);
  for (const s of states) expect(s).toMatch(/^final/);
  // The record detail names its covering checkpoint's anchor state too.
  await page.getByLabel('Kind').selectOption('decision');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('[data-seq="64"]').click();
  await expect(page.getByTestId('checkpoint-anchor')).toHaveText(/^final/);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'evidence-anchors-final-1280x800');
  await expectClean(opened);
});
