/**
 * The Electron adapter: thin by design. It hardens the session and window, serves the renderer
 * over app://, and connects each contract channel to the Electron-free dispatcher after checking
 * the sender. Everything with logic lives in modules that unit tests load without Electron:
 * window-options.ts, csp.ts, sender.ts, app-protocol.ts, ../ipc/dispatch.ts, ../services/.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, err } from '../../src-shared/ipc/index.js';
import { dispatch } from '../ipc/dispatch.js';
import { createServices } from '../services/compose.js';
import { resolveHome } from '../services/data-dir.js';
import { DEFAULT_TENANT } from '../services/tenant.js';
import { APP_ENTRY_URL, APP_SCHEME, contentTypeFor, resolveAppFile } from './app-protocol.js';
import { CSP, SECURITY_HEADERS } from './csp.js';
import { electronCeremonyDialog } from './ceremony-dialog.js';
import { electronDialog } from './dialog.js';
import { isAppUrl, isTrustedSender } from './sender.js';
import { windowOptions } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');

// Must run before `ready`: app:// behaves like https (secure context, standard URL parsing).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
  },
]);
app.enableSandbox();

const ourWindows = new Set<number>();

function senderFacts(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url ?? null,
    isMainFrame: frame !== null && frame.parent === null && frame === event.sender.mainFrame,
  };
}

async function serveApp(request: Request): Promise<Response> {
  const file = resolveAppFile(rendererRoot, request.url);
  if (request.method !== 'GET' || file === null) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': contentTypeFor(file) ?? 'application/octet-stream', ...SECURITY_HEADERS },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
  // Nothing leaves the machine from the renderer: only our own origin, inline images and DevTools load.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    callback({ cancel: !(isAppUrl(url) || url.startsWith('data:') || url.startsWith('devtools:')) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  protocol.handle(APP_SCHEME, serveApp);
}

function createWindow(): void {
  const devTools = !app.isPackaged && process.env['QTRUST_DEVTOOLS'] === '1';
  const win = new BrowserWindow(windowOptions({ preload: preloadPath, devTools }));
  const id = win.webContents.id;
  ourWindows.add(id);
  win.on('closed', () => ourWindows.delete(id));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || event.url !== APP_ENTRY_URL) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

if (!app.requestSingleInstanceLock()) {
  // A second instance would share the tenant's SQLite files; the first one keeps them.
  app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(() => {
    const home = resolveHome(process.env, app.getPath('userData'));
    const tenant = process.env['QTRUST_TENANT'] || DEFAULT_TENANT;
    const services = createServices({
      home,
      tenant,
      appVersion: app.getVersion(),
      platform: process.platform,
      dialog: electronDialog(() => BrowserWindow.getFocusedWindow()),
      ceremony: {
        dialog: electronCeremonyDialog(() => BrowserWindow.getFocusedWindow()),
        ...(process.env['QTRUST_PKCS11_MODULE'] ? { modulePath: process.env['QTRUST_PKCS11_MODULE'] } : {}),
      },
    });
    hardenSession();
    for (const channel of CHANNEL_NAMES) {
      ipcMain.handle(channel, (event, request: unknown, ...extra: unknown[]) => {
        if (!isTrustedSender(senderFacts(event), ourWindows)) {
          return err('QT_FORBIDDEN_SENDER', `${channel}: refused a call from outside the app's own page`);
        }
        if (extra.length > 0) return err('QT_BAD_REQUEST', `${channel}: takes exactly one request object`);
        return dispatch(services, channel, request, {
          onInternalError: (ch, e) => console.error(`qtrust: internal error on ${ch}`, e),
        });
      });
    }
    createWindow();
  });
}
