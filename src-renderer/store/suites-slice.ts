import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type SuiteInfo = ResponseOf<'readSuites'>['suites'][number];
export type SelfTestReport = ResponseOf<'readSelfTest'>;
export type SelfTestStatus = 'idle' | 'running' | 'done' | 'failed';

/** The signature suites in the registry and the last self-test over them. */
export interface SuitesSlice {
  readonly suites: readonly SuiteInfo[] | null;
  readonly suitesError: string | null;
  readonly selfTestStatus: SelfTestStatus;
  readonly selfTest: SelfTestReport | null;
  readonly selfTestError: string | null;
  setSuites(suites: readonly SuiteInfo[]): void;
  setSuitesError(message: string): void;
  selfTestStarted(): void;
  selfTestFinished(report: SelfTestReport): void;
  selfTestFailed(message: string): void;
}

export const createSuitesSlice: StateCreator<Store, [], [], SuitesSlice> = (set) => ({
  suites: null,
  suitesError: null,
  selfTestStatus: 'idle',
  selfTest: null,
  selfTestError: null,
  setSuites: (suites) => set({ suites, suitesError: null }),
  setSuitesError: (message) => set({ suitesError: message }),
  selfTestStarted: () => set({ selfTestStatus: 'running', selfTestError: null }),
  selfTestFinished: (report) => set({ selfTestStatus: 'done', selfTest: report }),
  selfTestFailed: (message) => set({ selfTestStatus: 'failed', selfTestError: message }),
});
