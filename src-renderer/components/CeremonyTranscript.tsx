import { exportTranscript, readTranscript } from '../store/ceremony-actions.js';
import type { CeremonyTranscript as Transcript, CeremonyView } from '../store/ceremony-slice.js';

const EVENT = { start: 'Start', step: 'Step', failure: 'Failure', end: 'End' } as const;

/** The hash-chained, attested transcript: read entry by entry, and exported where the person chooses. */
export function CeremonyTranscript({
  view,
  transcript,
  busy,
}: {
  view: CeremonyView;
  transcript: Transcript | null;
  busy: boolean;
}) {
  const empty = view.transcriptEntries === 0;
  return (
    <section className="panel" aria-labelledby="transcript-title" data-testid="transcript">
      <div className="panel-head">
        <div>
          <h2 id="transcript-title">Transcript</h2>
          <p className="muted small">
            {empty
              ? 'Written from the first step on: every entry hash-chained to the one before and signed by everyone present.'
              : `${view.transcriptEntries} ${view.transcriptEntries === 1 ? 'entry' : 'entries'}, hash-chained and signed by everyone present.`}
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="secondary" disabled={empty} onClick={() => void readTranscript()}>
            {transcript === null ? 'Read transcript' : 'Refresh'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={empty || busy}
            onClick={() => void exportTranscript()}
          >
            Export…
          </button>
        </div>
      </div>
      {transcript !== null && (
        <ol className="entries">
          {transcript.entries.map((e) => (
            <li key={e.seq} className={`entry entry-${e.event}`} data-seq={e.seq}>
              <details>
                <summary>
                  <span className="entry-seq num">{e.seq}</span>
                  <span className={`tag entry-event event-${e.event}`}>{EVENT[e.event]}</span>
                  <span className="entry-step">{e.step ?? <span className="muted">—</span>}</span>
                  <span className="muted small">{e.time}</span>
                  <span className="small">
                    signed by {e.attestations.length}: {e.attestations.join(', ')}
                  </span>
                </summary>
                <dl className="facts facts-tight">
                  <dt>Hash</dt>
                  <dd className="mono hex">{e.hash}</dd>
                  <dt>Prev</dt>
                  <dd className="mono hex">{e.prev}</dd>
                  <dt>Present</dt>
                  <dd>{e.present.join(', ')}</dd>
                  {e.custodians.length > 0 && (
                    <>
                      <dt>Quorum</dt>
                      <dd>{e.custodians.join(', ')}</dd>
                    </>
                  )}
                </dl>
                <pre className="canonical mono">{e.body}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
      {transcript !== null && transcript.omitted > 0 && (
        <p className="muted">
          {transcript.omitted} later entries are not shown; export the transcript to read them.
        </p>
      )}
    </section>
  );
}
