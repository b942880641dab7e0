/**
 * IPC work of the Ceremonies section, outside components (as in actions.ts). Each function calls
 * the bridge and records the outcome in the store; errors arrive as results, never as throws.
 * Passphrases are parameters of the call that needs them and are not stored.
 */
import type { QtrustApi, RequestOf } from '../../src-shared/ipc/index.js';
import { useStore } from './index.js';

function bridge(): QtrustApi {
  return window.qtrust;
}

const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

/** Runs one call with the busy label shown, then refreshes the ceremony view (also after an error). */
async function step<T>(label: string, run: () => Promise<T>, api: QtrustApi): Promise<T | undefined> {
  const store = useStore.getState();
  if (store.ceremonyBusy !== null) return undefined;
  store.setCeremonyBusy(label);
  store.setCeremonyNotice(null);
  try {
    return await run();
  } finally {
    useStore.getState().setCeremonyBusy(null);
    await loadCeremony(api);
  }
}

export async function loadCeremonies(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readCeremonyScripts({});
  if (r.ok) useStore.getState().setCeremonyScripts(r.value);
  else useStore.getState().setCeremonyNotice({ ok: false, text: describe(r) });
  await loadCeremony(api);
}

export async function loadCeremony(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readCeremony({});
  if (r.ok) useStore.getState().setCeremony(r.value.ceremony);
  else useStore.getState().setCeremonyNotice({ ok: false, text: describe(r) });
}

export async function openCeremony(file: string, api: QtrustApi = bridge()): Promise<void> {
  await step(
    'Opening the script…',
    async () => {
      const r = await api.writeOpenCeremony({ file });
      const store = useStore.getState();
      if (r.ok) store.setCeremony(r.value.ceremony);
      else store.setCeremonyNotice({ ok: false, text: `Could not open ${file}. ${describe(r)}` });
    },
    api,
  );
}

export async function checkToken(token: string, api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readCeremonyToken({ token });
  if (r.ok) useStore.getState().setCeremonyToken(r.value);
  else useStore.getState().setCeremonyNotice({ ok: false, text: `Token check failed. ${describe(r)}` });
}

export async function checkIn(participant: string, passphrase: string | null, api: QtrustApi = bridge()) {
  await step(
    `Checking in ${participant}…`,
    async () => {
      const r = await api.writeCeremonyCheckIn({ participant, passphrase });
      const store = useStore.getState();
      if (!r.ok)
        store.setCeremonyNotice({ ok: false, text: `${participant} was not checked in. ${describe(r)}` });
      else if (!r.value.cancelled) store.setCeremonyNotice({ ok: true, text: `${participant} checked in.` });
    },
    api,
  );
}

export async function presentShare(
  request: RequestOf<'writeCeremonyShare'>,
  api: QtrustApi = bridge(),
): Promise<void> {
  await step(
    `Opening the share of ${request.custodian}…`,
    async () => {
      const r = await api.writeCeremonyShare(request);
      const store = useStore.getState();
      if (!r.ok) store.setCeremonyNotice({ ok: false, text: `Share refused. ${describe(r)}` });
      else if (!r.value.cancelled)
        store.setCeremonyNotice({
          ok: true,
          text: `The share of ${request.custodian} opened and matches its commitment.`,
        });
    },
    api,
  );
}

export async function performStep(request: RequestOf<'writeCeremonyStep'>, api: QtrustApi = bridge()) {
  await step(
    `Performing ${request.step}…`,
    async () => {
      const r = await api.writeCeremonyStep(request);
      const store = useStore.getState();
      if (r.ok) {
        store.setCeremonyNotice({
          ok: true,
          text: `Step ${request.step} done: transcript entry ${r.value.entry.seq}, hash ${r.value.entry.hash.slice(0, 16)}…`,
        });
      } else {
        store.setCeremonyNotice({ ok: false, text: `Step ${request.step} did not complete. ${describe(r)}` });
      }
      if (store.ceremonyTranscript !== null) await readTranscript(api);
    },
    api,
  );
}

export async function readTranscript(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readCeremonyTranscript({});
  if (r.ok) useStore.getState().setCeremonyTranscript(r.value);
  else useStore.getState().setCeremonyNotice({ ok: false, text: `Transcript unavailable. ${describe(r)}` });
}

export async function exportTranscript(api: QtrustApi = bridge()): Promise<void> {
  await step(
    'Exporting the transcript…',
    async () => {
      const r = await api.writeExportCeremonyTranscript({});
      const store = useStore.getState();
      if (!r.ok) store.setCeremonyNotice({ ok: false, text: `Export failed. ${describe(r)}` });
      else if (r.value.path !== null)
        store.setCeremonyNotice({ ok: true, text: `Transcript saved to ${r.value.path}` });
    },
    api,
  );
}
