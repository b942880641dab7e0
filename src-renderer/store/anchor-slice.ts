import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type AnchorSettingsView = NonNullable<ResponseOf<'readAnchorSettings'>['settings']>;
export type ConnectionReport = ResponseOf<'readAnchorConnection'>;
export type AnchorStatus = ResponseOf<'readAnchorStatus'>;

export interface AnchorNotice {
  readonly ok: boolean;
  readonly text: string;
}

/**
 * The Settings page's anchoring settings and connection test, and the anchor status the Evidence
 * section shows per checkpoint (keyed by log origin).
 */
export interface AnchorSlice {
  /** undefined: not read yet; null: the tenant has no anchoring settings. */
  readonly anchorSettings: AnchorSettingsView | null | undefined;
  readonly anchorTest: {
    readonly running: boolean;
    readonly report: ConnectionReport | null;
    readonly error: string | null;
    readonly expectedChainId: number | null;
  };
  readonly anchorNotice: AnchorNotice | null;
  readonly anchorStatus: Readonly<Record<string, AnchorStatus>>;
  readonly anchorStatusError: string | null;
  setAnchorSettings(settings: AnchorSettingsView | null): void;
  anchorTestStarted(expectedChainId: number): void;
  anchorTestFinished(report: ConnectionReport | null, error: string | null): void;
  setAnchorNotice(notice: AnchorNotice | null): void;
  setAnchorStatus(log: string, status: AnchorStatus | null, error: string | null): void;
}

export const createAnchorSlice: StateCreator<Store, [], [], AnchorSlice> = (set) => ({
  anchorSettings: undefined,
  anchorTest: { running: false, report: null, error: null, expectedChainId: null },
  anchorNotice: null,
  anchorStatus: {},
  anchorStatusError: null,
  setAnchorSettings: (settings) => set({ anchorSettings: settings }),
  anchorTestStarted: (expectedChainId) =>
    set({ anchorTest: { running: true, report: null, error: null, expectedChainId } }),
  anchorTestFinished: (report, error) =>
    set((s) => ({ anchorTest: { ...s.anchorTest, running: false, report, error } })),
  setAnchorNotice: (notice) => set({ anchorNotice: notice }),
  setAnchorStatus: (log, status, error) =>
    set((s) => ({
      anchorStatus: status === null ? s.anchorStatus : { ...s.anchorStatus, [log]: status },
      anchorStatusError: error,
    })),
});
