/**
 * Checks run against the app's page, shared by the browser spec (real renderer + real services
 * over the harness) and the Electron spec (the packaged main process), so both prove the same.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { SUITE_IDS } from '../../src-shared/sign/index.js';
import { SECTIONS } from '../../src-renderer/sections.js';
import { REPO_ROOT } from './harness.js';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results/screenshots');

const navButton = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: label, exact: true });

export async function expectHeader(
  page: Page,
  tenant: string,
  network: 'Offline' | 'Online' = 'Offline',
): Promise<void> {
  await expect(page.getByTestId('tenant')).toHaveText(`Tenant${tenant}`);
  await expect(page.getByTestId('network')).toContainText(network);
}

async function expectSectionShown(page: Page, section: (typeof SECTIONS)[number]): Promise<void> {
  await expect(page.locator('#section-title')).toHaveText(section.label);
  await expect(navButton(page, section.label)).toHaveAttribute('aria-current', 'page');
  if (section.id === 'about') {
    await expect(page.getByRole('button', { name: 'Run self-test' })).toBeVisible();
  } else {
    const empty = page.getByTestId(`empty-${section.id}`);
    await expect(empty.getByRole('heading', { level: 2 })).toHaveText(section.title);
    await expect(empty).toContainText(section.empty);
  }
}

/** Clicks every section in turn and checks its heading and empty state. */
export async function visitSectionsByMouse(page: Page): Promise<void> {
  for (const section of SECTIONS) {
    await navButton(page, section.label).click();
    await expectSectionShown(page, section);
  }
}

/** Tabs into the sidebar, then reaches and opens every section with Tab/Enter and arrows/Space. */
export async function visitSectionsByKeyboard(page: Page): Promise<void> {
  await page.locator('body').focus();
  await page.keyboard.press('Tab'); // skip link
  await expect(page.getByRole('button', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  const first = SECTIONS[0];
  if (first === undefined) throw new Error('no sections');
  await expect(navButton(page, first.label)).toBeFocused();
  for (const [i, section] of SECTIONS.entries()) {
    if (i > 0) await page.keyboard.press('Tab');
    await expect(navButton(page, section.label)).toBeFocused();
    await page.keyboard.press('Enter');
    await expectSectionShown(page, section);
  }
  // Arrow keys wrap around the list; Space activates like Enter.
  await page.keyboard.press('ArrowDown');
  await expect(navButton(page, first.label)).toBeFocused();
  await page.keyboard.press('Space');
  await expectSectionShown(page, first);
  await page.keyboard.press('ArrowUp');
  const last = SECTIONS[SECTIONS.length - 1];
  if (last === undefined) throw new Error('no sections');
  await expect(navButton(page, last.label)).toBeFocused();
  // The focused control shows a visible outline (focus-visible style).
  const outline = await navButton(page, last.label).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
}

/** Opens "About this build", runs the self-test, and checks every suite passes with a time. */
export async function runSelfTest(page: Page): Promise<void> {
  await navButton(page, 'About this build').click();
  await expect(page.getByTestId('app-version')).not.toHaveText('…');
  await expect(page.getByTestId('core-version')).toHaveText(/^\d+\.\d+\.\d+/);
  const rows = page.locator('table.suites tbody tr');
  await expect(rows).toHaveCount(SUITE_IDS.length);
  await page.getByRole('button', { name: 'Run self-test' }).click();
  await expect(page.getByTestId('self-test-summary')).toHaveText(`All ${SUITE_IDS.length} suites passed.`, {
    timeout: 30_000,
  });
  for (const id of SUITE_IDS) {
    const row = page.locator(`tr[data-suite="${id}"]`);
    await expect(row.getByTestId('result')).toHaveText('Pass');
    await expect(row.getByTestId('time')).toHaveText(/^\d+(\.\d+)? ms$/);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
