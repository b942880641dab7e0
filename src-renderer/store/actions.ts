/**
 * Async work lives here, outside components: each function calls the bridge and records the
 * outcome in the store. Errors arrive as `{ ok: false, code, message }` results, never throws.
 */
import type { QtrustApi } from '../../src-shared/ipc/index.js';
import { useStore } from './index.js';

function bridge(): QtrustApi {
  return window.qtrust;
}

const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

export async function loadAppInfo(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readAppInfo({});
  if (r.ok) useStore.getState().setAppInfo(r.value);
  else useStore.getState().setAppInfoError(describe(r));
}

export async function loadSuites(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readSuites({});
  if (r.ok) useStore.getState().setSuites(r.value.suites);
  else useStore.getState().setSuitesError(describe(r));
}

export async function runSelfTest(api: QtrustApi = bridge()): Promise<void> {
  const store = useStore.getState();
  if (store.selfTestStatus === 'running') return;
  store.selfTestStarted();
  const r = await api.readSelfTest({});
  if (r.ok) useStore.getState().selfTestFinished(r.value);
  else useStore.getState().selfTestFailed(describe(r));
}
