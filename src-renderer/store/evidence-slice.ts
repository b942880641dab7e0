import type { StateCreator } from 'zustand';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type EvidenceLogHead = ResponseOf<'readEvidenceHead'>['logs'][number];
export type EvidenceRow = ResponseOf<'readEvidenceRecords'>['rows'][number];
export type EvidenceFilter = RequestOf<'readEvidenceRecords'>['filter'];
export type EvidenceDetail = ResponseOf<'readEvidenceRecord'>;

/** Rows fetched per readEvidenceRecords call (the contract allows up to EVIDENCE_PAGE_MAX). */
export const EVIDENCE_PAGE = 100;

/**
 * The Evidence section: which log and filter are shown, the pages of the list fetched so far
 * (keyed by page index, newest first), and the selected record's detail. `evidenceGeneration`
 * changes with the log, the filter or the log's size, so an answer to an older question is dropped.
 */
export interface EvidenceSlice {
  readonly evidenceLogs: readonly EvidenceLogHead[] | null;
  readonly evidenceLog: string | null;
  readonly evidenceFilter: EvidenceFilter;
  readonly evidenceTotal: number | null;
  readonly evidencePages: Readonly<Record<number, readonly EvidenceRow[]>>;
  readonly evidenceGeneration: number;
  readonly evidenceError: string | null;
  readonly evidenceSelected: number | null;
  readonly evidenceDetail: EvidenceDetail | null;
  readonly evidenceDetailError: string | null;
  /** A list index the list should scroll to once (set when a record is opened from elsewhere). */
  readonly evidenceScrollTo: number | null;
  setEvidenceLogs(logs: readonly EvidenceLogHead[]): void;
  setEvidenceError(message: string | null): void;
  /** Shows another log or filter: drops every page fetched for the old one. */
  showEvidence(log: string | null, filter: EvidenceFilter): void;
  /** Replaces the fetched pages in one step (a refresh after the log grew), so rows never flicker. */
  replaceEvidencePages(
    generation: number,
    total: number,
    pages: Record<number, readonly EvidenceRow[]>,
  ): void;
  addEvidencePage(generation: number, total: number, index: number, rows: readonly EvidenceRow[]): void;
  selectEvidence(seq: number | null): void;
  setEvidenceDetail(detail: EvidenceDetail | null, error: string | null): void;
  setEvidenceScrollTo(index: number | null): void;
}

export const createEvidenceSlice: StateCreator<Store, [], [], EvidenceSlice> = (set) => ({
  evidenceLogs: null,
  evidenceLog: null,
  evidenceFilter: {},
  evidenceTotal: null,
  evidencePages: {},
  evidenceGeneration: 0,
  evidenceError: null,
  evidenceSelected: null,
  evidenceDetail: null,
  evidenceDetailError: null,
  evidenceScrollTo: null,
  setEvidenceLogs: (logs) => set({ evidenceLogs: logs }),
  setEvidenceError: (message) => set({ evidenceError: message }),
  showEvidence: (log, filter) =>
    set((s) => ({
      evidenceLog: log,
      evidenceFilter: filter,
      evidenceTotal: null,
      evidencePages: {},
      evidenceGeneration: s.evidenceGeneration + 1,
      evidenceError: null,
    })),
  replaceEvidencePages: (generation, total, pages) =>
    set((s) => (s.evidenceGeneration === generation ? { evidenceTotal: total, evidencePages: pages } : {})),
  addEvidencePage: (generation, total, index, rows) =>
    set((s) =>
      s.evidenceGeneration === generation
        ? { evidenceTotal: total, evidencePages: { ...s.evidencePages, [index]: rows } }
        : {},
    ),
  selectEvidence: (seq) => set({ evidenceSelected: seq, evidenceDetail: null, evidenceDetailError: null }),
  setEvidenceDetail: (detail, error) => set({ evidenceDetail: detail, evidenceDetailError: error }),
  setEvidenceScrollTo: (index) => set({ evidenceScrollTo: index }),
});
