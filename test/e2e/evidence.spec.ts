/**
 * The Evidence section against a real tenant log: a few thousand records appended through the
 * real EvidenceLog in the harness's process, read by the app's EvidenceBrowser over IPC.
 */
import { expect, test } from '@playwright/test';
import { screenshot } from './app-checks.js';
import { countKind, seedLog, type SeededLog } from './evidence-fixture.js';
import { startHarness, type Harness } from './harness.js';
import { expectClean, openApp, openSection } from './open-app.js';

const RECORDS = 10_000;
let harness: Harness;
let seeded: SeededLog;

test.beforeAll(async () => {
  harness = await startHarness('e2e-evidence');
  seeded = await seedLog(harness, RECORDS);
});

test.afterAll(async () => {
  await seeded.close();
  await harness.close();
});

const fmt = (n: number) => n.toLocaleString('en-US');

test('lists 10,000 records, rendering only the rows in view', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Evidence');
  const total = seeded.log.size;
  await expect(page.getByTestId('evidence-count')).toHaveText(`${fmt(total)} records`);
  const list = page.getByTestId('virtual-list');
  // Newest first.
  await expect(list.locator('[data-seq]').first()).toHaveAttribute('data-seq', String(total - 1));
  const rendered = await list.locator('[role="row"]').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(80);
  // Scroll to the end: the oldest record appears, still with only a window of rows in the DOM.
  await list.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(list.locator('[data-seq="0"]')).toBeVisible();
  expect(await list.locator('[role="row"]').count()).toBeLessThan(80);
  // Keyboard: a row opens with Enter.
  await list.locator('[data-seq="1"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('record-detail').getByRole('heading', { name: 'Record 1' })).toBeVisible();
  await expectClean(opened);
});

test('filters by kind and by time range in main', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Evidence');
  await expect(page.getByTestId('evidence-count')).toHaveText(/records$/);
  await page.getByLabel('Kind').selectOption('key');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('evidence-count')).toHaveText(
    `${fmt(countKind(seeded.log.size, 'key'))} records match`,
  );
  const kinds = await page.getByTestId('virtual-list').locator('[data-seq] .c-kind').allInnerTexts();
  expect(kinds.length).toBeGreaterThan(0);
  expect(new Set(kinds)).toEqual(new Set(['key']));

  // Records 100..199 have times T0 + 100 s .. T0 + 199 s.
  await page.getByLabel('Kind').selectOption('');
  await page.getByLabel('From (UTC)').fill('2026-11-26T12:01:40');
  await page.getByLabel('To (UTC)').fill('2026-11-26T12:03:19');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('evidence-count')).toHaveText('100 records match');
  const list = page.getByTestId('virtual-list');
  await expect(list.locator('[data-seq]').first()).toHaveAttribute('data-seq', '199');

  // Subject and action together.
  await page.getByLabel('From (UTC)').fill('');
  await page.getByLabel('To (UTC)').fill('');
  await page.getByLabel('Subject').fill('svc-3');
  await page.getByLabel('Action').fill('restart');
  await page.getByRole('button', { name: 'Apply' }).click();
  let expected = 0;
  for (let i = 0; i < seeded.log.size; i++) if (i % 7 === 3 && i % 4 === 3) expected++;
  await expect(page.getByTestId('evidence-count')).toHaveText(`${fmt(expected)} records match`);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('evidence-count')).toHaveText(`${fmt(seeded.log.size)} records`);
  await expectClean(opened);
});

test("a record's detail shows its canonical form and a verified inclusion proof", async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Evidence');
  const list = page.getByTestId('virtual-list');
  const newest = seeded.log.size - 1;
  await list.locator(`[data-seq="${newest - 2}"]`).click();
  const detail = page.getByTestId('record-detail');
  await expect(detail.getByRole('heading', { name: `Record ${newest - 2}` })).toBeVisible();
  await expect(page.getByTestId('inclusion-status')).toContainText('inclusion proof: verified');
  await expect(page.getByTestId('canonical')).toContainText(`"seq":${newest - 2}`);
  await expect(page.getByTestId('record-hash')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('checkpoint')).toContainText('Verified');
  await expectClean(opened);
});

test('records appended while the section is open appear without a reload', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Evidence');
  const before = seeded.log.size;
  await expect(page.getByTestId('evidence-count')).toHaveText(`${fmt(before)} records`);
  await seeded.append(3);
  await expect(page.getByTestId('evidence-count')).toHaveText(`${fmt(before + 3)} records`);
  const list = page.getByTestId('virtual-list');
  await expect(list.locator('[data-seq]').first()).toHaveAttribute('data-seq', String(before + 2));
  // Not yet checkpointed: the detail says so instead of claiming a proof.
  await list.locator(`[data-seq="${before + 2}"]`).click();
  await expect(page.getByTestId('inclusion-status')).toContainText('not yet covered');
  await seeded.log.checkpoint();
  await seeded.append(1);
  await expect(page.getByTestId('inclusion-status')).toContainText('inclusion proof: verified');
  await expectClean(opened);
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`evidence screenshot at ${viewport.width}x${viewport.height}`, async ({ browser }) => {
    const opened = await openApp(browser, harness, viewport);
    const { page } = opened;
    await openSection(page, 'Evidence');
    const list = page.getByTestId('virtual-list');
    await list.locator('[data-seq]').nth(3).click();
    await expect(page.getByTestId('inclusion-status')).toContainText('inclusion proof');
    await screenshot(page, `evidence-${viewport.width}x${viewport.height}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectClean(opened);
  });
}
