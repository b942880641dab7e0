import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type CeremonyScripts = ResponseOf<'readCeremonyScripts'>;
export type CeremonyView = NonNullable<ResponseOf<'readCeremony'>['ceremony']>;
export type CeremonyTranscript = ResponseOf<'readCeremonyTranscript'>;
export type TokenReport = ResponseOf<'readCeremonyToken'>;

export interface CeremonyNotice {
  readonly ok: boolean;
  readonly text: string;
}

/**
 * The Ceremonies section: the scripts folder's listing, the open ceremony as main describes it,
 * token checks, the transcript once read, and the last outcome. Passphrases are never kept here:
 * they go from the input straight into the one call that needs them.
 */
export interface CeremonySlice {
  readonly ceremonyScripts: CeremonyScripts | null;
  readonly ceremony: CeremonyView | null;
  readonly ceremonyTokens: Readonly<Record<string, TokenReport>>;
  readonly ceremonyTranscript: CeremonyTranscript | null;
  /** What is running now (a label for the busy state), or null. */
  readonly ceremonyBusy: string | null;
  readonly ceremonyNotice: CeremonyNotice | null;
  setCeremonyScripts(scripts: CeremonyScripts): void;
  setCeremony(view: CeremonyView | null): void;
  setCeremonyToken(report: TokenReport): void;
  setCeremonyTranscript(transcript: CeremonyTranscript | null): void;
  setCeremonyBusy(label: string | null): void;
  setCeremonyNotice(notice: CeremonyNotice | null): void;
}

export const createCeremonySlice: StateCreator<Store, [], [], CeremonySlice> = (set) => ({
  ceremonyScripts: null,
  ceremony: null,
  ceremonyTokens: {},
  ceremonyTranscript: null,
  ceremonyBusy: null,
  ceremonyNotice: null,
  setCeremonyScripts: (scripts) => set({ ceremonyScripts: scripts }),
  // Another ceremony makes token checks and the transcript stale.
  setCeremony: (view) =>
    set((s) =>
      s.ceremony !== null && view !== null && s.ceremony.id === view.id
        ? { ceremony: view }
        : { ceremony: view, ceremonyTokens: {}, ceremonyTranscript: null },
    ),
  setCeremonyToken: (report) =>
    set((s) => ({ ceremonyTokens: { ...s.ceremonyTokens, [report.token]: report } })),
  setCeremonyTranscript: (transcript) => set({ ceremonyTranscript: transcript }),
  setCeremonyBusy: (label) => set({ ceremonyBusy: label }),
  setCeremonyNotice: (notice) => set({ ceremonyNotice: notice }),
});
