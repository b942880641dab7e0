/**
 * The Policies section in Debian's Chromium with the real services behind window.qtrust: the
 * empty state, trusting the signer keys and loading a signed policy through the file pickers, the
 * rules table, what-if decisions (allow, deny, pending with who must approve), refusals (an
 * unsigned policy, a rollback, a malformed context), and screenshots at 1280x800.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { utf8ToBytes } from '../../src-shared/bytes.js';
import { canonicalize } from '../../src-shared/canonical.js';
import { encodePublicKeySet, generateKeySet } from '../../src-shared/keys/index.js';
import { POLICY_PAYLOAD_TYPE } from '../../src-shared/policy/index.js';
import { signEnvelope } from '../../src-shared/sign/index.js';
import { screenshot } from './app-checks.js';
import { installBridge, startHarness, watchPage, type Harness } from './harness.js';

let harness: Harness;
let files: string;

const signer = generateKeySet('ed25519+ml-dsa-65');
const stranger = generateKeySet('ed25519');

function policy(version: number) {
  return {
    policy: 'prod-access',
    version,
    description: 'Who may change production, and with whose approval.',
    rules: [
      {
        id: 'deploy-prod',
        effect: 'allow',
        description: 'Releases to production need two SREs.',
        subjects: ['group:release'],
        actions: ['deploy'],
        resources: ['prod/*'],
        when: { eq: { attr: 'ticket.state', value: 'approved' } },
        approvals: { quorum: 2, from: ['sre'] },
        grantTtlSeconds: 600,
      },
      {
        id: 'read-any',
        effect: 'allow',
        subjects: ['*'],
        actions: ['read'],
        resources: ['*'],
        grantTtlSeconds: 120,
      },
      {
        id: 'freeze',
        effect: 'deny',
        description: 'Change freeze.',
        subjects: ['*'],
        actions: ['*'],
        resources: ['prod/*'],
        when: { eq: { attr: 'freeze', value: true } },
      },
    ],
  };
}

function envelopeFile(name: string, doc: unknown, keys = signer): string {
  const path = join(files, name);
  writeFileSync(
    path,
    `${canonicalize(signEnvelope(POLICY_PAYLOAD_TYPE, utf8ToBytes(JSON.stringify(doc)), keys))}\n`,
  );
  return path;
}

test.beforeAll(async () => {
  harness = await startHarness('policies');
  files = mkdtempSync(join(tmpdir(), 'qtrust-e2e-policy-files-'));
  writeFileSync(join(files, 'signers.json'), JSON.stringify(encodePublicKeySet(signer)));
});

test.afterAll(async () => {
  await harness.close();
  rmSync(files, { recursive: true, force: true });
});

async function simulate(
  page: Page,
  req: { subject: string; groups: string; action: string; resource: string; context: string },
) {
  await page.getByLabel('Subject id').fill(req.subject);
  await page.getByLabel('Groups').fill(req.groups);
  await page.getByLabel('Action').fill(req.action);
  await page.getByLabel('Resource').fill(req.resource);
  await page.getByLabel('Time').fill('2026-11-26T13:40:00Z');
  await page.getByLabel('Context (JSON object)').fill(req.context);
  await page.getByRole('button', { name: 'Simulate' }).click();
}

test('load a signed policy, see its rules, and simulate allow, deny and pending', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await installBridge(context, harness);
  const page = await context.newPage();
  const problems = watchPage(page, harness.url);
  await page.goto(harness.url + '/index.html');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Policies' }).click();

  // Empty state: explains how to load a policy; only the signer step is offered at first.
  const empty = page.getByTestId('empty-policies');
  await expect(empty.getByRole('heading', { level: 2 })).toHaveText('No policy loaded');
  await expect(empty).toContainText('Trust the policy signers');
  await expect(page.getByLabel('Choose signed policy…')).toHaveCount(0);
  await screenshot(page, 'policies-empty-1280x800');

  await page.getByLabel('Choose signer public keys…').setInputFiles(join(files, 'signers.json'));
  await expect(page.getByTestId('policy-notice')).toHaveText('Trusted 2 policy signer keys.');
  await expect(page.getByTestId('policy-signers')).toContainText('ml-dsa-65:');

  // A policy signed by a key that is not trusted is refused and nothing loads.
  await page
    .getByLabel('Choose signed policy…')
    .setInputFiles(envelopeFile('stranger.json', policy(1), stranger));
  await expect(page.getByTestId('policy-notice')).toContainText('Policy refused.');
  await expect(page.getByTestId('empty-policies')).toBeVisible();

  await page.getByLabel('Choose signed policy…').setInputFiles(envelopeFile('v2.json', policy(2)));
  await expect(page.getByTestId('policy-notice')).toHaveText('Loaded policy prod-access version 2.');
  await expect(page.getByTestId('policy-name')).toHaveText('prod-access');
  await expect(page.getByTestId('policy-version')).toHaveText('2');
  await expect(page.getByTestId('policy-hash')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('policy-signer')).toContainText('ed25519:');
  const rows = page.getByTestId('policy-rules').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('deploy-prod');
  await expect(rows.nth(0)).toContainText('2 of sre');
  await expect(rows.nth(1)).toContainText('freeze');
  await expect(rows.nth(1).locator('.badge')).toHaveText('deny');

  // Rollback: an older version is refused, the active one stays.
  await page.getByLabel('Load a newer version…').setInputFiles(envelopeFile('v1.json', policy(1)));
  await expect(page.getByTestId('policy-notice')).toContainText('QT_POLICY_ROLLBACK');
  await expect(page.getByTestId('policy-version')).toHaveText('2');

  await simulate(page, {
    subject: 'erin',
    groups: '',
    action: 'read',
    resource: 'docs/handbook',
    context: '{}',
  });
  await expect(page.getByTestId('simulation-decision')).toHaveText('allow');
  await expect(page.getByTestId('simulation-result')).toContainText('read-any');
  await page.getByTestId('simulation-result').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-allow-1280x800');

  await simulate(page, {
    subject: 'dave',
    groups: 'release',
    action: 'deploy',
    resource: 'prod/api',
    context: '{"freeze": true, "ticket": {"state": "approved"}}',
  });
  await expect(page.getByTestId('simulation-decision')).toHaveText('deny');
  await expect(page.getByTestId('simulation-result')).toContainText('freeze');

  await simulate(page, {
    subject: 'dave',
    groups: 'release, staff',
    action: 'deploy',
    resource: 'prod/api',
    context: '{"freeze": false, "ticket": {"state": "approved"}}',
  });
  await expect(page.getByTestId('simulation-decision')).toHaveText('pending');
  await expect(page.getByTestId('who-must-approve')).toContainText(
    '2 approvals from group sre, not counting the requester',
  );
  await page.getByTestId('simulation-result').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-pending-1280x800');

  // A malformed context is caught in the form, with a message tied to the field; nothing is sent.
  await page.getByLabel('Context (JSON object)').fill('{"freeze": tru');
  await page.getByRole('button', { name: 'Simulate' }).click();
  await expect(page.getByLabel('Context (JSON object)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#sim-context-error')).toContainText('not valid JSON');
  // Duplicate keys pass JSON.parse but are refused by main's strict parser.
  await page.getByLabel('Context (JSON object)').fill('{"freeze": false, "freeze": true}');
  await page.getByRole('button', { name: 'Simulate' }).click();
  await expect(page.getByTestId('simulation-error')).toContainText('QT_REQUEST_INVALID');

  // Scroll the content pane (not the window) so the header and sidebar stay in the picture.
  await page.getByRole('heading', { name: 'Rules' }).evaluate((el) => {
    const main = document.getElementById('main');
    if (main !== null)
      main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 24;
  });
  await screenshot(page, 'policies-rules-1280x800');

  expect(await problems.cspViolations()).toEqual([]);
  expect(problems.console).toEqual([]);
  expect(problems.requests).toEqual([]);
  await context.close();
});

test('the simulator works from the keyboard alone', async ({ browser }) => {
  // Loaded through the harness's services when this test runs on its own (a fresh harness).
  const policies = harness.services.policies;
  if (policies.read().policy === null) {
    if (policies.read().signers.length === 0)
      await policies.setSigners(JSON.stringify(encodePublicKeySet(signer)));
    const envelope = signEnvelope(POLICY_PAYLOAD_TYPE, utf8ToBytes(JSON.stringify(policy(2))), signer);
    await policies.load(canonicalize(envelope));
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await installBridge(context, harness);
  const page = await context.newPage();
  await page.goto(harness.url + '/index.html');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Policies' }).click();
  await expect(page.getByTestId('policy-name')).toHaveText('prod-access');
  await page.getByLabel('Subject id').focus();
  await page.keyboard.type('erin');
  for (const value of ['', 'read', 'docs/x']) {
    await page.keyboard.press('Tab');
    await page.keyboard.type(value);
  }
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('simulation-decision')).toHaveText('allow');
  await context.close();
});
