/**
 * IPC work of the Settings page's anchoring form and of the Evidence section's anchor status,
 * outside components (as in actions.ts). Errors arrive as results, never as throws.
 */
import type { QtrustApi, RequestOf } from '../../src-shared/ipc/index.js';
import { loadAppInfo } from './actions.js';
import { useStore } from './index.js';

function bridge(): QtrustApi {
  return window.qtrust;
}

const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

export async function loadAnchorSettings(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readAnchorSettings({});
  if (r.ok) useStore.getState().setAnchorSettings(r.value.settings);
  else useStore.getState().setAnchorNotice({ ok: false, text: describe(r) });
}

export async function saveAnchorSettings(
  request: RequestOf<'writeAnchorSettings'>,
  api: QtrustApi = bridge(),
): Promise<boolean> {
  const r = await api.writeAnchorSettings(request);
  const store = useStore.getState();
  if (r.ok) {
    store.setAnchorSettings(r.value.settings);
    store.setAnchorNotice({ ok: true, text: 'Anchoring settings saved for this tenant.' });
    // The header's offline state depends on whether a chain RPC is configured.
    await loadAppInfo(api);
    return true;
  }
  store.setAnchorNotice({ ok: false, text: `Settings not saved. ${describe(r)}` });
  return false;
}

export async function testAnchorConnection(
  request: RequestOf<'readAnchorConnection'>,
  api: QtrustApi = bridge(),
): Promise<void> {
  const store = useStore.getState();
  if (store.anchorTest.running) return;
  store.anchorTestStarted(request.chainId);
  const r = await api.readAnchorConnection(request);
  if (r.ok) useStore.getState().anchorTestFinished(r.value, null);
  else useStore.getState().anchorTestFinished(null, describe(r));
}

export async function pollAnchorStatus(log: string, api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readAnchorStatus({ log });
  if (r.ok) useStore.getState().setAnchorStatus(log, r.value, null);
  else useStore.getState().setAnchorStatus(log, null, describe(r));
}
