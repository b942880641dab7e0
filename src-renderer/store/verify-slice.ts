import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type BundleChoice = NonNullable<ResponseOf<'writeChooseBundle'>['bundle']>;
export type TrustChoice = NonNullable<ResponseOf<'writeChooseTrust'>['trust']>;
export type VerifyJobStatus = ResponseOf<'readVerifyJob'>;

/** The Verify section: the chosen bundle and trust file (ids minted by main), and the running job. */
export interface VerifySlice {
  readonly verifyBundle: BundleChoice | null;
  readonly verifyTrust: TrustChoice | null;
  readonly verifyJob: string | null;
  readonly verifyStatus: VerifyJobStatus | null;
  readonly verifyError: string | null;
  setVerifyBundle(bundle: BundleChoice): void;
  setVerifyTrust(trust: TrustChoice): void;
  verifyStarted(job: string): void;
  setVerifyStatus(status: VerifyJobStatus): void;
  setVerifyError(message: string | null): void;
}

export const createVerifySlice: StateCreator<Store, [], [], VerifySlice> = (set) => ({
  verifyBundle: null,
  verifyTrust: null,
  verifyJob: null,
  verifyStatus: null,
  verifyError: null,
  // A new choice makes the previous report stale.
  setVerifyBundle: (bundle) =>
    set({ verifyBundle: bundle, verifyStatus: null, verifyJob: null, verifyError: null }),
  setVerifyTrust: (trust) =>
    set({ verifyTrust: trust, verifyStatus: null, verifyJob: null, verifyError: null }),
  verifyStarted: (job) =>
    set({
      verifyJob: job,
      verifyStatus: { state: 'running', done: 0, total: 0, report: null, error: null },
      verifyError: null,
    }),
  setVerifyStatus: (status) => set({ verifyStatus: status }),
  setVerifyError: (message) => set({ verifyError: message }),
});
