import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type PolicyState = ResponseOf<'readPolicy'>;
export type PolicyView = NonNullable<PolicyState['policy']>;
export type SimulationResult = ResponseOf<'readPolicySimulation'>;
export type PolicyLoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** The Policies section: the tenant's signers and active policy, the last load and the last what-if. */
export interface PoliciesSlice {
  readonly policyState: PolicyState | null;
  readonly policyStatus: PolicyLoadStatus;
  readonly policyError: string | null;
  /** Outcome of the last signer or policy file the person loaded (success or refusal). */
  readonly policyNotice: { readonly ok: boolean; readonly text: string } | null;
  readonly simulation: SimulationResult | null;
  readonly simulationError: string | null;
  readonly simulating: boolean;
  policyLoading(): void;
  policyLoaded(state: PolicyState): void;
  policyFailed(message: string): void;
  setPolicyNotice(notice: { ok: boolean; text: string } | null): void;
  simulationStarted(): void;
  simulationFinished(result: SimulationResult): void;
  simulationFailed(message: string): void;
}

export const createPoliciesSlice: StateCreator<Store, [], [], PoliciesSlice> = (set) => ({
  policyState: null,
  policyStatus: 'idle',
  policyError: null,
  policyNotice: null,
  simulation: null,
  simulationError: null,
  simulating: false,
  policyLoading: () => set({ policyStatus: 'loading', policyError: null }),
  policyLoaded: (state) => set({ policyState: state, policyStatus: 'ready', policyError: null }),
  policyFailed: (message) => set({ policyStatus: 'failed', policyError: message }),
  setPolicyNotice: (notice) => set({ policyNotice: notice }),
  simulationStarted: () => set({ simulating: true, simulationError: null }),
  simulationFinished: (result) => set({ simulating: false, simulation: result, simulationError: null }),
  simulationFailed: (message) => set({ simulating: false, simulation: null, simulationError: message }),
});
