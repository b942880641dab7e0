/**
 * IPC work of the Policies section, outside components (as in actions.ts): each function calls the
 * bridge and records the outcome in the store. Errors arrive as results, never as throws.
 */
import type { QtrustApi, RequestOf } from '../../src-shared/ipc/index.js';
import { useStore } from './index.js';

function bridge(): QtrustApi {
  return window.qtrust;
}

const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

export async function loadPolicyState(api: QtrustApi = bridge()): Promise<void> {
  useStore.getState().policyLoading();
  const r = await api.readPolicy({});
  if (r.ok) useStore.getState().policyLoaded(r.value);
  else useStore.getState().policyFailed(describe(r));
}

/** Sends a public key set file's text as the trusted policy signers. */
export async function trustPolicySigners(text: string, api: QtrustApi = bridge()): Promise<void> {
  const r = await api.writePolicySigners({ publicKeySet: text });
  const store = useStore.getState();
  if (r.ok) {
    store.setPolicyNotice({
      ok: true,
      text: `Trusted ${r.value.signers.length} policy signer key${r.value.signers.length === 1 ? '' : 's'}.`,
    });
  } else {
    store.setPolicyNotice({ ok: false, text: `Signer keys refused. ${describe(r)}` });
  }
  await loadPolicyState(api);
}

/** Sends a signed policy envelope file's text to be verified and made active. */
export async function loadSignedPolicyFile(text: string, api: QtrustApi = bridge()): Promise<void> {
  const r = await api.writeLoadPolicy({ envelope: text });
  const store = useStore.getState();
  if (r.ok) {
    const what = { new: 'Loaded', upgrade: 'Upgraded to', same: 'Already loaded:' }[r.value.update];
    store.setPolicyNotice({ ok: true, text: `${what} policy ${r.value.name} version ${r.value.version}.` });
  } else {
    store.setPolicyNotice({ ok: false, text: `Policy refused. ${describe(r)}` });
  }
  await loadPolicyState(api);
}

export async function simulatePolicy(
  request: RequestOf<'readPolicySimulation'>,
  api: QtrustApi = bridge(),
): Promise<void> {
  useStore.getState().simulationStarted();
  const r = await api.readPolicySimulation(request);
  if (r.ok) useStore.getState().simulationFinished(r.value);
  else useStore.getState().simulationFailed(describe(r));
}
