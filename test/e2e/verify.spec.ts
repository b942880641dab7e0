/**
 * The Verify section: a bundle exported from the tenant's real log, verified as valid; a tampered
 * copy, whose first failure is highlighted and links to the record in Evidence. There is no native
 * dialog here: the harness composes the services with a fake dialog port answering prepared paths.
 */
import { expect, test } from '@playwright/test';
import type { DialogPort } from '../../src-main/services/dialog-port.js';
import { screenshot } from './app-checks.js';
import { exportFull, seedLog, tamperedCopy, writeTrustFile, type SeededLog } from './evidence-fixture.js';
import { startHarness, type Harness } from './harness.js';
import { expectClean, openApp, openSection } from './open-app.js';

const RECORDS = 2_000;
const TAMPERED_SEQ = 1_234;

const answers: { bundle: string | null; trust: string | null } = { bundle: null, trust: null };
const fakeDialog: DialogPort = {
  chooseBundleFolder: () => Promise.resolve(answers.bundle),
  chooseTrustFile: () => Promise.resolve(answers.trust),
};

let harness: Harness;
let seeded: SeededLog;
let good: string;
let tampered: string;
let trust: string;

test.beforeAll(async () => {
  harness = await startHarness('e2e-verify', { dialog: fakeDialog, verifyWorkers: 0 });
  seeded = await seedLog(harness, RECORDS);
  good = await exportFull(seeded.log);
  tampered = tamperedCopy(good, TAMPERED_SEQ);
  trust = writeTrustFile();
});

test.afterAll(async () => {
  await seeded.close();
  await harness.close();
});

async function chooseAndVerify(page: import('@playwright/test').Page, bundle: string): Promise<void> {
  answers.bundle = bundle;
  answers.trust = trust;
  await openSection(page, 'Verify');
  await page.getByRole('button', { name: 'Open bundle…' }).click();
  await expect(page.getByTestId('bundle-choice')).toContainText(bundle.split('/').pop() as string);
  await page.getByRole('button', { name: 'Choose trust file…' }).click();
  await expect(page.getByTestId('trust-choice')).toContainText('qtrust.local/acme/desktop-1');
  await page.getByRole('button', { name: 'Verify bundle' }).click();
  await expect(page.getByTestId('verify-report')).toBeVisible({ timeout: 30_000 });
}

test('a cancelled dialog changes nothing', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  answers.bundle = null;
  await openSection(opened.page, 'Verify');
  await opened.page.getByRole('button', { name: 'Open bundle…' }).click();
  await expect(opened.page.getByTestId('empty-verify')).toBeVisible();
  await expect(opened.page.getByRole('button', { name: 'Verify bundle' })).toBeDisabled();
  await expectClean(opened);
});

test('a good bundle verifies as valid, with progress and every stage passed', async ({ browser }) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await chooseAndVerify(page, good);
  await expect(page.getByTestId('verdict')).toContainText('Valid bundle');
  await expect(page.getByTestId('verify-progress')).toHaveText(
    `Done: ${RECORDS.toLocaleString('en-US')} records checked`,
  );
  await expect(page.locator('tr[data-stage="record-hashes"]')).toContainText('Passed');
  await expect(page.locator('tr[data-stage="merkle-inclusion"]')).toContainText('Passed');
  await expect(page.getByTestId('failures')).toHaveCount(0);
  await expectClean(opened);
});

test('a tampered bundle is invalid; its first failure is highlighted and opens the record', async ({
  browser,
}) => {
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await chooseAndVerify(page, tampered);
  await expect(page.getByTestId('verdict')).toContainText('Invalid bundle');
  await expect(page.locator('tr[data-stage="record-hashes"]')).toContainText('Failed');
  const first = page.locator('li.failure[data-first="true"]').first();
  await expect(first).toHaveAttribute('data-code', 'QT_VERIFY_RECORD_HASH');
  await expect(first).toContainText('First of its kind');
  await expect(first).toHaveCSS('border-left-color', 'rgb(180, 35, 24)');
  await first.getByRole('button', { name: `Show record ${TAMPERED_SEQ} in Evidence` }).click();
  await expect(page.locator('#section-title')).toHaveText('Evidence');
  await expect(
    page.getByTestId('record-detail').getByRole('heading', { name: `Record ${TAMPERED_SEQ}` }),
  ).toBeVisible();
  // The tenant's own copy of the record is intact: its proof verifies.
  await expect(page.getByTestId('inclusion-status')).toContainText('inclusion proof: verified');
  await expect(page.locator(`[data-seq="${TAMPERED_SEQ}"]`)).toHaveAttribute('aria-selected', 'true');
  await expectClean(opened);
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`verify screenshots at ${viewport.width}x${viewport.height}`, async ({ browser }) => {
    const opened = await openApp(browser, harness, viewport);
    const { page } = opened;
    const size = `${viewport.width}x${viewport.height}`;
    await openSection(page, 'Verify');
    await screenshot(page, `verify-empty-${size}`);
    await chooseAndVerify(page, good);
    await screenshot(page, `verify-valid-${size}`);
    await chooseAndVerify(page, tampered);
    await page.getByTestId('failures').scrollIntoViewIfNeeded();
    await screenshot(page, `verify-invalid-${size}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectClean(opened);
  });
}
