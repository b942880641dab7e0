/**
 * Browser harness for the renderer: serves out/renderer over http://127.0.0.1:<free port> with
 * the production security headers (the same CSP as the app:// handler), and wires
 * `window.qtrust` to the real services running in the test's Node process through a Playwright
 * binding. The services get a fresh temporary QTRUST_HOME; the page has no network channel to
 * them (CSP connect-src 'none', and the server serves static files only).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from '@playwright/test';
import { err } from '../../src-shared/ipc/index.js';
import { APP_ORIGIN, contentTypeFor, resolveAppFile } from '../../src-main/app/app-protocol.js';
import { SECURITY_HEADERS } from '../../src-main/app/csp.js';
import { dispatch } from '../../src-main/ipc/dispatch.js';
import { createServices, type ServiceOptions, type Services } from '../../src-main/services/compose.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_ROOT = join(REPO_ROOT, 'out/renderer');

export interface Harness {
  readonly url: string;
  readonly home: string;
  readonly tenant: string;
  readonly services: Services;
  close(): Promise<void>;
}

function serveStatic(root: string): Server {
  return createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      // The same path rules as the app:// protocol handler.
      const file = resolveAppFile(root, APP_ORIGIN + pathname);
      if ((req.method !== 'GET' && req.method !== 'HEAD') || file === null) {
        res.writeHead(404, SECURITY_HEADERS).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': contentTypeFor(file) ?? 'application/octet-stream',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404, SECURITY_HEADERS).end();
      }
    })();
  });
}

/** `extra`: composition options a spec needs (the Verify spec injects a fake dialog port). */
export async function startHarness(
  tenant = 'e2e',
  extra: Pick<ServiceOptions, 'dialog' | 'verifyWorkers' | 'ceremony'> = {},
): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'qtrust-e2e-'));
  const services = createServices({
    home,
    tenant,
    appVersion: '0.1.0-e2e',
    platform: process.platform,
    ...extra,
  });
  const server = serveStatic(RENDERER_ROOT);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('harness server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    home,
    tenant,
    services,
    async close() {
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(home, { recursive: true, force: true });
    },
  };
}

let bridgeBundle: Promise<string> | undefined;

/** The init script, bundled from src-shared/ipc's createClient (never a hand-written copy). */
export function bridgeScript(): Promise<string> {
  bridgeBundle ??= build({
    entryPoints: [join(REPO_ROOT, 'test/e2e/bridge-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((r) => {
    const out = r.outputFiles[0];
    if (out === undefined) throw new Error('esbuild produced no bridge bundle');
    return out.text;
  });
  return bridgeBundle;
}

/** Installs window.qtrust in every page of `context`; calls from other frames or origins are refused. */
export async function installBridge(context: BrowserContext, harness: Harness): Promise<void> {
  await context.exposeBinding('__qtrustInvoke', (source, channel: unknown, request: unknown) => {
    const frameUrl = source.frame.url();
    if (source.frame !== source.page.mainFrame() || !frameUrl.startsWith(harness.url + '/')) {
      return err('QT_FORBIDDEN_SENDER', 'refused a call from outside the app page');
    }
    return dispatch(harness.services, channel, request);
  });
  await context.addInitScript({ content: await bridgeScript() });
}

export interface PageProblems {
  readonly console: string[];
  readonly requests: string[];
  cspViolations(): Promise<string[]>;
}

/** Records console errors, page errors and any request to an origin other than `allowedOrigin`. */
export function watchPage(page: Page, allowedOrigin: string): PageProblems {
  const consoleErrors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(allowedOrigin + '/') && !url.startsWith('data:')) foreign.push(url);
  });
  return {
    console: consoleErrors,
    requests: foreign,
    cspViolations: () =>
      page.evaluate(() => [
        ...((window as unknown as { __qtrustCspViolations?: string[] }).__qtrustCspViolations ?? []),
      ]),
  };
}
