/** Opens the app page on a harness in a fresh context, and checks it stayed clean (for the section specs). */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expectHeader } from './app-checks.js';
import { installBridge, watchPage, type Harness, type PageProblems } from './harness.js';

export interface Opened {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: PageProblems;
}

export async function openApp(
  browser: Browser,
  harness: Harness,
  viewport = { width: 1280, height: 800 },
): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  await installBridge(context, harness);
  const page = await context.newPage();
  const problems = watchPage(page, harness.url);
  await page.goto(harness.url + '/index.html');
  // The header says Online once the tenant has a chain RPC configured (the Settings spec saves one).
  const anchoring = harness.services.anchors.read().settings;
  await expectHeader(
    page,
    harness.tenant,
    anchoring?.enabled === true && anchoring.rpcUrl !== '' ? 'Online' : 'Offline',
  );
  return { context, page, problems };
}

/** No console error, CSP violation or foreign request; closes the context. */
export async function expectClean({ context, problems }: Opened): Promise<void> {
  expect(await problems.cspViolations()).toEqual([]);
  expect(problems.console).toEqual([]);
  expect(problems.requests).toEqual([]);
  await context.close();
}

export const openSection = (page: Page, label: string) =>
  page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: label, exact: true })
    .click();
