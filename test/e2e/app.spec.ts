/**
 * The renderer in Debian's Chromium, with the real services behind window.qtrust (see
 * harness.ts). Every test also asserts the page logged no error, hit no CSP violation and made
 * no request outside its own origin.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CSP } from '../../src-main/app/csp.js';
import { CHANNEL_NAMES } from '../../src-shared/ipc/index.js';
import {
  expectHeader,
  runSelfTest,
  screenshot,
  visitSectionsByKeyboard,
  visitSectionsByMouse,
} from './app-checks.js';
import { installBridge, startHarness, watchPage, type Harness, type PageProblems } from './harness.js';

let harness: Harness;

test.beforeAll(async () => {
  harness = await startHarness('e2e');
});

test.afterAll(async () => {
  await harness.close();
});

interface Opened {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: PageProblems;
}

async function openApp(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  await installBridge(context, harness);
  const page = await context.newPage();
  const problems = watchPage(page, harness.url);
  const response = await page.goto(harness.url + '/index.html');
  expect(response?.headers()['content-security-policy']).toBe(CSP);
  await expectHeader(page, harness.tenant);
  return { context, page, problems };
}

async function expectClean({ context, problems }: Opened): Promise<void> {
  expect(await problems.cspViolations()).toEqual([]);
  expect(problems.console).toEqual([]);
  expect(problems.requests).toEqual([]);
  await context.close();
}

test('header shows the active tenant and the offline state', async ({ browser }) => {
  const opened = await openApp(browser);
  await expect(opened.page.getByTestId('network')).toHaveText('Offline: nothing leaves this machine');
  await expectClean(opened);
});

test('every section opens with the mouse and shows its empty state', async ({ browser }) => {
  const opened = await openApp(browser);
  await visitSectionsByMouse(opened.page);
  await expectClean(opened);
});

test('every section opens with the keyboard', async ({ browser }) => {
  const opened = await openApp(browser);
  await visitSectionsByKeyboard(opened.page);
  await expectClean(opened);
});

test('self-test signs and verifies with every suite through IPC', async ({ browser }) => {
  const opened = await openApp(browser);
  await runSelfTest(opened.page);
  await expectClean(opened);
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test(`screenshots at ${viewport.width}x${viewport.height}`, async ({ browser }) => {
    const opened = await openApp(browser, viewport);
    const size = `${viewport.width}x${viewport.height}`;
    await screenshot(opened.page, `approvals-${size}`);
    await runSelfTest(opened.page);
    await screenshot(opened.page, `about-${size}`);
    // Nothing overflows the window sideways at this size.
    const overflow = await opened.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await expectClean(opened);
  });
}

test('the page cannot reach anything but its own origin', async ({ browser }) => {
  const opened = await openApp(browser);
  // connect-src 'none': a fetch from the page is refused by the CSP, and reported as a violation.
  const outcome = await opened.page.evaluate(async () => {
    try {
      await fetch('/index.html');
      return 'fetched';
    } catch {
      return 'blocked';
    }
  });
  expect(outcome).toBe('blocked');
  expect((await opened.problems.cspViolations()).join()).toContain('connect-src');
  await opened.context.close();
});

test('window.qtrust exposes exactly the contract methods and refuses malformed requests', async ({
  browser,
}) => {
  const opened = await openApp(browser);
  const probe = await opened.page.evaluate(async () => {
    const api = (window as unknown as { qtrust: unknown }).qtrust as Record<
      string,
      (r: unknown) => Promise<{ ok: boolean; code?: string }>
    >;
    const extra = await api['readAppInfo']?.({ admin: true });
    const wrong = await api['readSuites']?.('x');
    return { keys: Object.keys(api).sort(), frozen: Object.isFrozen(api), extra, wrong };
  });
  // Exactly the contract's channels, whichever features added them.
  expect(probe.keys).toEqual([...CHANNEL_NAMES].sort());
  expect(probe.frozen).toBe(true);
  expect(probe.extra).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
  expect(probe.wrong).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
  await expectClean(opened);
});
