import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RECORD_KINDS } from '../../src-shared/evidence/record.js';
import { sectionById } from '../sections.js';
import {
  loadEvidenceRows,
  openEvidenceRecord,
  pollEvidenceHead,
  showEvidence,
} from '../store/evidence-actions.js';
import { EVIDENCE_PAGE, type EvidenceFilter } from '../store/evidence-slice.js';
import { useStore } from '../store/index.js';
import { AnchorStatusPanel } from './AnchorStatusPanel.js';
import { EmptyState } from './EmptyState.js';
import { formatCount, formatRowTime, parseUtcInput } from './format.js';
import { RecordDetail } from './RecordDetail.js';
import { VirtualList } from './VirtualList.js';

/** How often the head is polled while the section is open (docs/app.md: live by polling). */
export const EVIDENCE_POLL_MS = 1000;
const ROW_HEIGHT = 34;

interface FilterForm {
  kind: string;
  subject: string;
  action: string;
  from: string;
  to: string;
}
const EMPTY_FORM: FilterForm = { kind: '', subject: '', action: '', from: '', to: '' };

function toFilter(form: FilterForm): EvidenceFilter | string {
  const filter: { -readonly [K in keyof EvidenceFilter]: EvidenceFilter[K] } = {};
  if (form.kind !== '') filter.kind = form.kind as EvidenceFilter['kind'];
  if (form.subject.trim() !== '') filter.subject = form.subject.trim();
  if (form.action.trim() !== '') filter.action = form.action.trim();
  if (form.from !== '') {
    const ms = parseUtcInput(form.from);
    if (ms === null) return 'From is not a valid time';
    filter.fromTime = ms;
  }
  if (form.to !== '') {
    const ms = parseUtcInput(form.to);
    if (ms === null) return 'To is not a valid time';
    filter.toTime = ms;
  }
  if (filter.fromTime !== undefined && filter.toTime !== undefined && filter.toTime < filter.fromTime) {
    return 'To must not be before From';
  }
  return filter;
}

/** The Evidence section: the tenant's log, filtered in main, in a windowed list, with a record's detail. */
export function EvidenceView() {
  const s = useStore(
    useShallow((st) => ({
      logs: st.evidenceLogs,
      log: st.evidenceLog,
      filter: st.evidenceFilter,
      total: st.evidenceTotal,
      pages: st.evidencePages,
      error: st.evidenceError,
      selected: st.evidenceSelected,
      scrollTo: st.evidenceScrollTo,
    })),
  );
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    void pollEvidenceHead();
    const timer = setInterval(() => void pollEvidenceHead(), EVIDENCE_POLL_MS);
    return () => clearInterval(timer);
  }, []);

  const onRange = useCallback((first: number, last: number) => void loadEvidenceRows(first, last), []);
  const onScrolled = useCallback(() => useStore.getState().setEvidenceScrollTo(null), []);

  if (s.logs !== null && s.logs.length === 0) return <EmptyState section={sectionById('evidence')} />;

  const head = s.logs?.find((l) => l.origin === s.log);
  const filtered = Object.keys(s.filter).length > 0;

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = toFilter(form);
    if (typeof f === 'string') {
      setFormError(f);
      return;
    }
    setFormError(null);
    void showEvidence(s.log, f);
  };
  const clear = () => {
    setForm(EMPTY_FORM);
    setFormError(null);
    void showEvidence(s.log, {});
  };
  const field = (name: keyof FilterForm) => ({
    value: form[name],
    onChange: (e: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: e.currentTarget.value }),
  });

  const rowKey = (e: KeyboardEvent<HTMLDivElement>, seq: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void openEvidenceRecord(seq);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const sibling =
        e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      (sibling as HTMLElement | null)?.focus();
    }
  };

  const renderRow = (index: number, top: number) => {
    const row = s.pages[Math.floor(index / EVIDENCE_PAGE)]?.[index % EVIDENCE_PAGE];
    if (row === undefined) {
      return (
        <div
          key={`p${index}`}
          className="vrow vrow-pending"
          role="row"
          aria-rowindex={index + 2}
          style={{ top }}
        >
          <span role="cell" className="muted">
            Loading…
          </span>
        </div>
      );
    }
    const selected = row.seq === s.selected;
    return (
      <div
        key={row.seq}
        className={selected ? 'vrow selected' : 'vrow'}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        tabIndex={0}
        data-seq={row.seq}
        style={{ top }}
        onClick={() => void openEvidenceRecord(row.seq)}
        onKeyDown={(e) => rowKey(e, row.seq)}
      >
        <span role="cell" className="c-seq num">
          {row.seq}
        </span>
        <span role="cell" className="c-time">
          {formatRowTime(row.time)}
        </span>
        <span role="cell" className="c-kind">
          <span className={`tag kind kind-${row.kind}`}>{row.kind}</span>
        </span>
        <span role="cell" className="c-subject" title={row.subject ?? undefined}>
          {row.subject ?? <span className="muted">—</span>}
        </span>
        <span role="cell" className="c-action" title={row.action ?? undefined}>
          {row.action ?? <span className="muted">—</span>}
        </span>
      </div>
    );
  };

  return (
    <div className="evidence">
      <section className="panel evidence-bar" aria-label="Filter records">
        <form className="filters" onSubmit={apply}>
          {s.logs !== null && s.logs.length > 1 && (
            <label>
              <span>Log</span>
              <select
                data-log
                value={s.log ?? ''}
                onChange={(e) => void showEvidence(e.currentTarget.value, s.filter)}
              >
                {s.logs.map((l) => (
                  <option key={l.origin} value={l.origin}>
                    {l.origin}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            <span>Kind</span>
            <select {...field('kind')} aria-label="Kind">
              <option value="">All kinds</option>
              {RECORD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Subject</span>
            <input type="text" {...field('subject')} placeholder="any" maxLength={256} aria-label="Subject" />
          </label>
          <label>
            <span>Action</span>
            <input type="text" {...field('action')} placeholder="any" maxLength={256} aria-label="Action" />
          </label>
          <label>
            <span>From (UTC)</span>
            <input type="datetime-local" step={1} {...field('from')} aria-label="From (UTC)" />
          </label>
          <label>
            <span>To (UTC)</span>
            <input type="datetime-local" step={1} {...field('to')} aria-label="To (UTC)" />
          </label>
          <div className="filter-buttons">
            <button type="submit" className="primary">
              Apply
            </button>
            <button
              type="button"
              className="secondary"
              onClick={clear}
              disabled={!filtered && form === EMPTY_FORM}
            >
              Clear
            </button>
          </div>
        </form>
        {formError !== null && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
      </section>

      <div className="evidence-split">
        <section className="panel evidence-list" aria-labelledby="evidence-count">
          <div className="list-head">
            <h2 id="evidence-count" data-testid="evidence-count">
              {s.total === null
                ? 'Reading records…'
                : `${formatCount(s.total)} ${s.total === 1 ? 'record' : 'records'}${filtered ? ' match' : ''}`}
            </h2>
            {head !== undefined && (
              <span className="muted live" title={`${head.origin}: updated while records are appended`}>
                <span className="live-dot" aria-hidden="true" />
                Live · checkpointed to {formatCount(head.checkpointSize)}
              </span>
            )}
          </div>
          {s.error !== null && (
            <p className="error" role="alert">
              {s.error}
            </p>
          )}
          <div
            className="vtable"
            role="table"
            aria-label="Evidence records"
            aria-rowcount={(s.total ?? 0) + 1}
          >
            <div className="vrow vhead" role="row" aria-rowindex={1}>
              <span role="columnheader" className="c-seq num">
                Seq
              </span>
              <span role="columnheader" className="c-time">
                Time (UTC)
              </span>
              <span role="columnheader" className="c-kind">
                Kind
              </span>
              <span role="columnheader" className="c-subject">
                Subject
              </span>
              <span role="columnheader" className="c-action">
                Action
              </span>
            </div>
            {s.total === 0 ? (
              <p className="muted no-match">No record matches these filters.</p>
            ) : (
              <VirtualList
                className="vbody"
                label="Records, newest first"
                count={s.total ?? 0}
                rowHeight={ROW_HEIGHT}
                onRange={onRange}
                scrollTo={s.scrollTo}
                onScrolled={onScrolled}
                renderRow={renderRow}
              />
            )}
          </div>
        </section>
        <RecordDetail />
      </div>
      {s.log !== null && <AnchorStatusPanel log={s.log} />}
    </div>
  );
}
