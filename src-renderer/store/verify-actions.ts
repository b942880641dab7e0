/**
 * Async work of the Verify section. Paths never leave main: the choose calls open main's dialog
 * and answer ids; progress is polled from readVerifyJob until the job ends.
 */
import type { QtrustApi } from '../../src-shared/ipc/index.js';
import { useStore } from './index.js';

const bridge = (): QtrustApi => window.qtrust;
const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

/** How often a running job is polled, in milliseconds. */
export const VERIFY_POLL_MS = 150;

export async function chooseBundle(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.writeChooseBundle({});
  if (!r.ok) useStore.getState().setVerifyError(describe(r));
  else if (r.value.bundle !== null) useStore.getState().setVerifyBundle(r.value.bundle);
}

export async function chooseTrust(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.writeChooseTrust({});
  if (!r.ok) useStore.getState().setVerifyError(describe(r));
  else if (r.value.trust !== null) useStore.getState().setVerifyTrust(r.value.trust);
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Starts a job for the chosen bundle and trust file and polls it until it is done or failed. */
export async function runVerify(api: QtrustApi = bridge()): Promise<void> {
  const s = useStore.getState();
  if (s.verifyBundle === null || s.verifyTrust === null || s.verifyStatus?.state === 'running') return;
  const started = await api.writeStartVerify({ bundle: s.verifyBundle.id, trust: s.verifyTrust.id });
  if (!started.ok) {
    useStore.getState().setVerifyError(describe(started));
    return;
  }
  const job = started.value.job;
  useStore.getState().verifyStarted(job);
  for (;;) {
    const r = await api.readVerifyJob({ job });
    if (useStore.getState().verifyJob !== job) return; // a new choice replaced this job
    if (!r.ok) {
      useStore.getState().setVerifyError(describe(r));
      return;
    }
    useStore.getState().setVerifyStatus(r.value);
    if (r.value.state !== 'running') return;
    await sleep(VERIFY_POLL_MS);
  }
}
