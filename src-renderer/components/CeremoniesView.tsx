import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { sectionById } from '../sections.js';
import { loadCeremonies, openCeremony } from '../store/ceremony-actions.js';
import type { CeremonyScripts, CeremonyView } from '../store/ceremony-slice.js';
import { useStore } from '../store/index.js';
import { CeremonyNextStep } from './CeremonyNextStep.js';
import { CeremonyParticipants, CeremonySteps, CeremonyTokens } from './CeremonyPeople.js';
import { CeremonyTranscript } from './CeremonyTranscript.js';
import { EmptyState } from './EmptyState.js';

function ScriptChooser({
  scripts,
  current,
  locked,
  busy,
}: {
  scripts: CeremonyScripts;
  current: CeremonyView | null;
  locked: boolean;
  busy: boolean;
}) {
  return (
    <section className="panel" aria-labelledby="scripts-title">
      <div className="panel-head">
        <div>
          <h2 id="scripts-title">Choose a ceremony</h2>
          <p className="muted small">
            Scripts from <span className="mono">{scripts.folder}</span>
          </p>
        </div>
      </div>
      <ul className="scripts">
        {scripts.scripts.map((s) => {
          const active = current?.file === s.file;
          return (
            <li key={s.file} className={active ? 'script active' : 'script'} data-script={s.file}>
              <span className="script-main">
                <strong>{s.title ?? s.file}</strong>
                <span className="muted small">
                  {s.error === null ? `${s.id} · ${s.steps} steps · ${s.file}` : s.file}
                </span>
                {s.error !== null && <span className="error small">{s.error}</span>}
              </span>
              {active ? (
                <span className="tag">Open</span>
              ) : (
                <button
                  type="button"
                  className="secondary"
                  disabled={s.error !== null || locked || busy}
                  onClick={() => void openCeremony(s.file)}
                  aria-label={`Open ${s.title ?? s.file}`}
                >
                  Open
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {locked && <p className="muted small">Another ceremony cannot be opened until this one ends.</p>}
    </section>
  );
}

function Verdict({ view }: { view: CeremonyView }) {
  if (view.status === 'complete') {
    return (
      <div className="verdict verdict-ok" role="status" data-testid="ceremony-status">
        <span className="verdict-mark" aria-hidden="true" />
        <div>
          <h2>Ceremony complete</h2>
          <p>
            Every step of {view.id} was performed and attested. Read the transcript below and export it for
            the record.
          </p>
        </div>
      </div>
    );
  }
  if (view.status === 'failed') {
    return (
      <div className="verdict verdict-bad" role="status" data-testid="ceremony-status">
        <span className="verdict-mark" aria-hidden="true" />
        <div>
          <h2>Ceremony stopped</h2>
          <p>
            Step {view.failure?.step}: {view.failure?.code}: {view.failure?.message}. The transcript records
            where and why, and every key the step had made.
          </p>
        </div>
      </div>
    );
  }
  return null;
}

/** The Ceremonies section: choose a script, check tokens, check in, perform each step, read and export the transcript. */
export function CeremoniesView() {
  const s = useStore(
    useShallow((st) => ({
      scripts: st.ceremonyScripts,
      view: st.ceremony,
      tokens: st.ceremonyTokens,
      transcript: st.ceremonyTranscript,
      busy: st.ceremonyBusy,
      notice: st.ceremonyNotice,
    })),
  );

  useEffect(() => {
    void loadCeremonies();
  }, []);

  if (s.scripts === null) return <p className="muted">Reading ceremony scripts…</p>;
  if (s.scripts.scripts.length === 0 && s.view === null) {
    return (
      <>
        <EmptyState section={sectionById('ceremonies')} />
        <p className="muted small center">
          Scripts folder: <span className="mono">{s.scripts.folder}</span>
        </p>
      </>
    );
  }
  const view = s.view;
  const busy = s.busy !== null;
  const locked = view !== null && view.started && view.status === 'open';
  return (
    <div className="ceremonies">
      {s.notice !== null && (
        <p
          className={s.notice.ok ? 'notice notice-ok' : 'notice notice-error'}
          role={s.notice.ok ? 'status' : 'alert'}
        >
          {s.notice.text}
        </p>
      )}
      {s.busy !== null && (
        <p className="notice" role="status" aria-live="polite">
          {s.busy}
        </p>
      )}
      <ScriptChooser scripts={s.scripts} current={view} locked={locked} busy={busy} />
      {view !== null && (
        <>
          <div className="ceremony-head">
            <h2 data-testid="ceremony-title">{view.title}</h2>
            <span className="muted">
              <span className="mono">{view.id}</span> · tenant {view.tenant} · {view.env}
            </span>
          </div>
          <Verdict view={view} />
          <div className="ceremony-grid">
            <div className="ceremony-main">
              {view.next !== null && view.status === 'open' && (
                <CeremonyNextStep key={view.next.step} view={view} next={view.next} busy={busy} />
              )}
              <CeremonyParticipants view={view} busy={busy} />
              <CeremonyTranscript view={view} transcript={s.transcript} busy={busy} />
            </div>
            <div className="ceremony-side">
              <CeremonySteps view={view} />
              <CeremonyTokens view={view} reports={s.tokens} />
            </div>
          </div>
        </>
      )}
    </div>
  );
}
