/**
 * The Ceremonies section through a whole small ceremony on a private SoftHSM token: choose the
 * script, check the token, participants check in with their sealed key folders and passphrases,
 * each step is read then performed, custodians present their shares (an X25519 key file for one,
 * a passphrase for the other) while quorum progress shows, and the transcript is read and exported.
 * The services run in this worker, so SoftHSM is configured here before the module's single
 * C_Initialize (createSoftHsm sets SOFTHSM2_CONF).
 */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { toBase64url } from '../../src-shared/bytes.js';
import { encodePublicKeySet, generateKeySet, sealSecretKeySet } from '../../src-shared/keys/index.js';
import { CeremonyService } from '../../src-main/ceremony/service.js';
import { writeKeyDir } from '../../src-main/keys/keyfile.js';
import { CEREMONY_SCRIPTS_DIR, type CeremonyDialogPort } from '../../src-main/services/ceremony-ui.js';
import { tenantDir } from '../../src-main/services/data-dir.js';
import { createSoftHsm, type SoftHsmEnv } from '../helpers/softhsm.js';
import { screenshot } from './app-checks.js';
import { startHarness, type Harness } from './harness.js';
import { expectClean, openApp, openSection } from './open-app.js';

const PEOPLE = ['adm', 'c1', 'c2', 'w1'] as const;
const PASS: Record<string, string> = {
  adm: 'adm pass 1',
  c1: 'c1 pass 2',
  c2: 'c2 key pass',
  w1: 'w1 pass 4',
};
const SHARE_PASS = 'c2 share passphrase';
const CEREMONY = 'e2e-signing-2026';
const LABEL = 'e2e-hsm-a';

let hsm: SoftHsmEnv;
let harness: Harness;
let work: string;
let trustPath: string;
const x25519Secret = x25519.utils.randomSecretKey();
const exported: string[] = [];

function script(): Record<string, unknown> {
  return {
    v: 1,
    type: 'qtrust/ceremony-script',
    id: CEREMONY,
    title: 'E2E signing keys 2026',
    tenant: 'acme',
    env: 'prod',
    roles: {
      administrator: 'adm',
      custodians: {
        quorum: 2,
        members: [
          { id: 'c1', seal: { x25519: toBase64url(x25519.getPublicKey(x25519Secret)) } },
          { id: 'c2', seal: { passphrase: true } },
        ],
      },
      witnesses: { required: 1, members: ['w1'] },
    },
    tokens: [{ name: 'a', label: LABEL }],
    steps: [
      { id: 'init-a', kind: 'init-token', token: 'a' },
      {
        id: 'gen-approver',
        kind: 'generate-key',
        token: 'a',
        key: { name: 'approver', class: 'approve', type: 'p256' },
      },
      { id: 'gen-kek', kind: 'generate-seal-key', token: 'a', key: { name: 'kek', class: 'seal' } },
    ],
  };
}

/** The fake dialog port: the files each person would pick. */
function dialog(): CeremonyDialogPort {
  const shares = () => join(tenantDir(harness.home, harness.tenant), 'ceremonies', CEREMONY, 'shares');
  return {
    chooseKeyFolder: (p) => Promise.resolve(join(work, 'keys', p)),
    chooseShareFile: (c, what) =>
      Promise.resolve(join(shares(), `a-${what.startsWith('SO') ? 'so' : 'user'}-${c}.json`)),
    chooseCustodianKeyFile: (c) => Promise.resolve(join(work, `${c}.x25519`)),
    chooseTranscriptTarget: (name) => {
      const path = join(work, 'export', name);
      exported.push(path);
      return Promise.resolve(path);
    },
  };
}

test.beforeAll(async () => {
  hsm = createSoftHsm();
  work = mkdtempSync(join(hsm.dir, 'work-'));
  mkdirSync(join(work, 'export'));
  const participants = [];
  for (const p of PEOPLE) {
    const keys = generateKeySet('ed25519');
    const sealed = await sealSecretKeySet(keys, new TextEncoder().encode(PASS[p]), {
      params: { N: 1024, r: 8, p: 1 },
    });
    await writeKeyDir(join(work, 'keys', p), encodePublicKeySet(keys), sealed);
    participants.push({
      id: p,
      keys: keys.map((k) => ({ suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) })),
    });
  }
  trustPath = join(work, 'trust.json');
  writeFileSync(trustPath, JSON.stringify({ version: 1, type: 'qtrust/ceremony-trust', participants }));
  writeFileSync(join(work, 'c1.x25519'), `${toBase64url(x25519Secret)}\n`);
  harness = await startHarness('e2e-ceremony', {
    ceremony: { dialog: dialog(), scrypt: { N: 1024, r: 8, p: 1 } },
  });
  const scripts = join(tenantDir(harness.home, harness.tenant), CEREMONY_SCRIPTS_DIR);
  mkdirSync(scripts);
  writeFileSync(join(scripts, 'signing.json'), JSON.stringify(script()));
  writeFileSync(join(scripts, 'broken.yaml'), 'v: 1\nsteps: []\n');
});

test.afterAll(async () => {
  await harness?.close();
  hsm?.cleanup();
});

async function presentShare(page: Page, custodian: string, passphrase?: string) {
  const row = page.getByTestId(`share-a-user-${custodian}`);
  if (passphrase !== undefined) await row.getByLabel(`Share passphrase of ${custodian}`).fill(passphrase);
  await row.getByRole('button', { name: 'Present share…' }).click();
  await expect(row.getByText('Accepted')).toBeVisible();
}

/** Scrolls the content pane (not the window: the header stays) so `target` is near its top. */
async function scrollToTop(target: Locator) {
  await target.evaluate((el) => {
    window.scrollTo(0, 0);
    const main = document.getElementById('main');
    if (main !== null)
      main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 16;
  });
}

async function performNext(page: Page, index: number, id: string) {
  const next = page.getByTestId('next-step');
  await expect(next.getByRole('heading', { name: id })).toBeVisible();
  await next.getByLabel('I have read what this step will do').check();
  await next.getByRole('button', { name: `Perform step ${index}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `Step ${id} done` })).toBeVisible({
    timeout: 30_000,
  });
}

test('runs a small ceremony on a SoftHSM token through the UI and exports a transcript that verifies', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const opened = await openApp(browser, harness);
  const { page } = opened;
  await openSection(page, 'Ceremonies');

  // Choose: the broken script is listed with its error and cannot be opened.
  await expect(page.locator('[data-script="broken.yaml"]')).toContainText('QT_CEREMONY_SCRIPT');
  await expect(page.locator('[data-script="broken.yaml"]').getByRole('button')).toBeDisabled();
  await page.getByRole('button', { name: 'Open E2E signing keys 2026' }).click();
  await expect(page.getByTestId('ceremony-title')).toHaveText('E2E signing keys 2026');

  // Token: not there before the ceremony initialises it.
  await page.locator('[data-token="a"]').getByRole('button', { name: 'Check token' }).click();
  await expect(page.getByTestId('token-a')).toContainText('Not present');

  // Nothing can be performed until the administrator, a witness are present and the box is ticked.
  const next = page.getByTestId('next-step');
  await expect(next.getByTestId('step-text')).toContainText(
    'Step 1 of 3 (init-a): Initialise token e2e-hsm-a: ERASES it',
  );
  await expect(next.getByRole('button', { name: 'Perform step 1' })).toBeDisabled();

  // Check in: a wrong passphrase is refused and names the cause; then everyone checks in.
  const row = (p: string) => page.locator(`tr[data-participant="${p}"]`);
  await row('adm').getByLabel('Key passphrase of adm').fill('wrong passphrase');
  await row('adm').getByRole('button', { name: 'Check in…' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'adm was not checked in' })).toBeVisible();
  await expect(row('adm').getByLabel('Key passphrase of adm')).toHaveValue('');
  for (const p of PEOPLE) {
    await row(p)
      .getByLabel(`Key passphrase of ${p}`)
      .fill(PASS[p] as string);
    await row(p).getByRole('button', { name: 'Check in…' }).click();
    await expect(row(p).getByText('Present', { exact: true })).toBeVisible();
  }

  // Step 1: c2 seals their shares under a passphrase typed now.
  await next.getByLabel('Passphrase of c2').fill(SHARE_PASS);
  await performNext(page, 1, 'init-a');
  await page.locator('[data-token="a"]').getByRole('button', { name: 'Check token' }).click();
  await expect(page.getByTestId('token-a')).toContainText('Present, initialised');

  // Step 2: quorum progress as the custodians present their shares.
  await expect(next.getByTestId('step-text')).toContainText(
    'Generate a p256 signing key qt:acme:prod:approve:approver',
  );
  await expect(next.getByTestId('quorum-a-user')).toHaveText('0 of 2');
  await presentShare(page, 'c1');
  await expect(next.getByTestId('quorum-a-user')).toHaveText('1 of 2');
  await next.getByLabel('I have read what this step will do').check();
  await expect(next.getByRole('button', { name: 'Perform step 2' })).toBeDisabled();
  await scrollToTop(next);
  await screenshot(page, 'ceremonies-quorum-1280x800');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'ceremonies-quorum-1920x1080');
  await page.setViewportSize({ width: 1280, height: 800 });
  // A wrong share passphrase names the custodian and counts nothing.
  await presentShareExpectingError(page, 'c2', 'not the passphrase');
  await expect(next.getByTestId('quorum-a-user')).toHaveText('1 of 2');
  await presentShare(page, 'c2', SHARE_PASS);
  await expect(next.getByTestId('quorum-a-user')).toHaveText('2 of 2');
  await performNext(page, 2, 'gen-approver');

  // Step 3: shares are presented again for every step that needs them.
  await expect(next.getByTestId('quorum-a-user')).toHaveText('0 of 2');
  await presentShare(page, 'c1');
  await presentShare(page, 'c2', SHARE_PASS);
  await performNext(page, 3, 'gen-kek');
  await expect(page.getByTestId('ceremony-status')).toContainText('Ceremony complete');
  await expect(page.locator('[data-step="gen-kek"]')).toHaveClass(/step-done/);

  // The transcript: read, then exported where the person chose; the file verifies against the trust file.
  await page.getByRole('button', { name: 'Read transcript' }).click();
  const entries = page.getByTestId('transcript').locator('li.entry');
  await expect(entries).toHaveCount(5);
  await expect(entries.nth(2)).toContainText('gen-approver');
  await expect(entries.nth(2)).toContainText('signed by 4: adm, c1, c2, w1');
  await entries.nth(2).locator('summary').click();
  await expect(entries.nth(2).locator('pre')).toContainText('"kind": "generate-key"');
  await scrollToTop(page.getByTestId('ceremony-title'));
  await screenshot(page, 'ceremonies-complete-1280x800');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'ceremonies-complete-1920x1080');
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Transcript saved to' })).toBeVisible();
  const out = exported[exported.length - 1] as string;
  expect(existsSync(out)).toBe(true);
  expect(await CeremonyService.verifyFiles(out, trustPath)).toMatchObject({
    ok: true,
    status: 'complete',
    entries: 5,
  });
  // No passphrase stays in the page.
  for (const input of await page.locator('input[type="password"]').all()) await expect(input).toHaveValue('');
  await expectClean(opened);
});

async function presentShareExpectingError(page: Page, custodian: string, passphrase: string) {
  const row = page.getByTestId(`share-a-user-${custodian}`);
  await row.getByLabel(`Share passphrase of ${custodian}`).fill(passphrase);
  await row.getByRole('button', { name: 'Present share…' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'QT_CEREMONY_SHARE_INVALID' })).toBeVisible();
}
