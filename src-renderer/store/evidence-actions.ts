/**
 * Async work of the Evidence section (plain functions outside components, as in actions.ts).
 * Live updates are polling: the list polls the cheap readEvidenceHead channel and, when the shown
 * log grew, re-reads the pages it holds in one step (docs/app.md, "Evidence and Verify").
 */
import type { QtrustApi } from '../../src-shared/ipc/index.js';
import { useStore } from './index.js';
import { EVIDENCE_PAGE, type EvidenceFilter, type EvidenceRow } from './evidence-slice.js';

const bridge = (): QtrustApi => window.qtrust;
const describe = (r: { code: string; message: string }) => `${r.code}: ${r.message}`;

/** Page indices being fetched, per generation, so a scroll does not ask twice. */
const inFlight = new Set<string>();
/** Size of the shown log when its pages were last read. */
let seenSize: number | null = null;

async function fetchPage(api: QtrustApi, generation: number, index: number) {
  const s = useStore.getState();
  if (s.evidenceLog === null) return null;
  const r = await api.readEvidenceRecords({
    log: s.evidenceLog,
    filter: s.evidenceFilter,
    offset: index * EVIDENCE_PAGE,
    limit: EVIDENCE_PAGE,
  });
  if (!r.ok) {
    if (useStore.getState().evidenceGeneration === generation)
      useStore.getState().setEvidenceError(describe(r));
    return null;
  }
  return r.value;
}

/** Makes sure the pages holding list rows first..last are loaded (or loading). */
export async function loadEvidenceRows(
  first: number,
  last: number,
  api: QtrustApi = bridge(),
): Promise<void> {
  const s = useStore.getState();
  const generation = s.evidenceGeneration;
  const jobs: Promise<void>[] = [];
  for (let index = Math.floor(first / EVIDENCE_PAGE); index <= Math.floor(last / EVIDENCE_PAGE); index++) {
    const key = `${generation}:${index}`;
    if (s.evidencePages[index] !== undefined || inFlight.has(key)) continue;
    inFlight.add(key);
    jobs.push(
      fetchPage(api, generation, index)
        .then((page) => {
          if (page !== null) useStore.getState().addEvidencePage(generation, page.total, index, page.rows);
        })
        .finally(() => inFlight.delete(key)),
    );
  }
  await Promise.all(jobs);
}

/** Shows `log` with `filter` from the top (or the first log when none is chosen yet). */
export async function showEvidence(
  log: string | null,
  filter: EvidenceFilter,
  api: QtrustApi = bridge(),
): Promise<void> {
  const chosen = log ?? useStore.getState().evidenceLogs?.[0]?.origin ?? null;
  seenSize = useStore.getState().evidenceLogs?.find((l) => l.origin === chosen)?.size ?? null;
  useStore.getState().showEvidence(chosen, filter);
  await loadEvidenceRows(0, EVIDENCE_PAGE - 1, api);
}

/** Polled while the Evidence section is open: new logs, and new records in the shown one. */
export async function pollEvidenceHead(api: QtrustApi = bridge()): Promise<void> {
  const r = await api.readEvidenceHead({});
  const store = useStore.getState();
  if (!r.ok) {
    store.setEvidenceError(describe(r));
    return;
  }
  store.setEvidenceLogs(r.value.logs);
  if (store.evidenceLog === null) {
    if (r.value.logs.length > 0) await showEvidence(null, store.evidenceFilter, api);
    return;
  }
  const size = r.value.logs.find((l) => l.origin === store.evidenceLog)?.size ?? null;
  if (size === seenSize) return;
  seenSize = size;
  await refreshEvidence(api);
  const selected = useStore.getState().evidenceSelected;
  const detail = useStore.getState().evidenceDetail;
  // A record that was not covered by a checkpoint may be now.
  if (selected !== null && detail?.inclusion.status === 'not-covered')
    await openEvidenceRecord(selected, api);
}

/** Re-reads every page held (the log grew): rows shift down by the number of new records. */
export async function refreshEvidence(api: QtrustApi = bridge()): Promise<void> {
  const s = useStore.getState();
  const generation = s.evidenceGeneration;
  const indices = Object.keys(s.evidencePages).map(Number);
  if (indices.length === 0) indices.push(0);
  const pages: Record<number, readonly EvidenceRow[]> = {};
  let total: number | null = null;
  for (const index of indices) {
    const page = await fetchPage(api, generation, index);
    if (page === null) return;
    pages[index] = page.rows;
    total = page.total;
  }
  if (total !== null) useStore.getState().replaceEvidencePages(generation, total, pages);
}

/** Selects record `seq` of the shown log and reads its detail (canonical form, checkpoint, proof). */
export async function openEvidenceRecord(seq: number, api: QtrustApi = bridge()): Promise<void> {
  const store = useStore.getState();
  const log = store.evidenceLog;
  if (log === null) return;
  if (store.evidenceSelected !== seq) store.selectEvidence(seq);
  const r = await api.readEvidenceRecord({ log, seq });
  if (useStore.getState().evidenceSelected !== seq) return;
  if (r.ok) useStore.getState().setEvidenceDetail(r.value, null);
  else useStore.getState().setEvidenceDetail(null, describe(r));
}

/**
 * Opens a record from elsewhere (a verify failure): the Evidence section, its log unfiltered,
 * scrolled to the record, with its detail shown.
 */
export async function showRecordInEvidence(
  log: string,
  seq: number,
  api: QtrustApi = bridge(),
): Promise<void> {
  useStore.getState().showSection('evidence');
  await pollEvidenceHead(api);
  const head = useStore.getState().evidenceLogs?.find((l) => l.origin === log);
  if (head === undefined) {
    useStore.getState().setEvidenceError(`QT_LOG_NOT_FOUND: this tenant has no evidence log "${log}"`);
    return;
  }
  await showEvidence(log, {}, api);
  // Newest first: record seq sits at index size - 1 - seq.
  const index = Math.max(0, head.size - 1 - seq);
  useStore.getState().setEvidenceScrollTo(index);
  await loadEvidenceRows(index, index, api);
  await openEvidenceRecord(seq, api);
}
