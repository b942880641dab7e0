import { useShallow } from 'zustand/react/shallow';
import type { StageId } from '../../src-shared/verify/report.js';
import { sectionById } from '../sections.js';
import { showRecordInEvidence } from '../store/evidence-actions.js';
import { useStore } from '../store/index.js';
import { chooseBundle, chooseTrust, runVerify } from '../store/verify-actions.js';
import type { VerifyJobStatus } from '../store/verify-slice.js';
import { formatCount, shortHex } from './format.js';

const STAGE_NAMES: Readonly<Record<StageId, string>> = {
  format: 'Format',
  'record-hashes': 'Record hashes',
  'chain-links': 'Chain links',
  'embedded-signatures': 'Embedded signatures',
  'merkle-inclusion': 'Merkle inclusion',
  'checkpoint-signatures': 'Checkpoint signatures',
  'checkpoint-consistency': 'Checkpoint consistency',
  anchors: 'Anchors',
};

type Report = NonNullable<VerifyJobStatus['report']>;

function Report({ report }: { report: Report }) {
  const firstOfCode = new Set<number>();
  const seen = new Set<string>();
  report.failures.forEach((f, i) => {
    if (!seen.has(f.code)) {
      seen.add(f.code);
      firstOfCode.add(i);
    }
  });
  return (
    <section className="panel" aria-labelledby="report-title" data-testid="verify-report">
      <div
        className={report.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'}
        data-testid="verdict"
        role="status"
      >
        <span className="verdict-mark" aria-hidden="true" />
        <div>
          <h2 id="report-title">{report.ok ? 'Valid bundle' : 'Invalid bundle'}</h2>
          <p>
            {formatCount(report.records)} {report.records === 1 ? 'record' : 'records'} and{' '}
            {formatCount(report.checkpoints)} {report.checkpoints === 1 ? 'checkpoint' : 'checkpoints'} of{' '}
            <span className="mono">{report.log ?? 'an unknown log'}</span>
            {report.head !== null && (
              <>
                {' '}
                checked against the checkpoint at tree size {formatCount(report.head.treeSize)} (root{' '}
                <span className="mono" title={report.head.rootHash}>
                  {shortHex(report.head.rootHash, 8)}
                </span>
                )
              </>
            )}
            {report.ok ? '.' : `: ${report.failures.length + report.omittedFailures} failures.`}
          </p>
        </div>
      </div>

      <table className="suites stages">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Checked
            </th>
            <th scope="col" className="num">
              Failures
            </th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {report.stages.map((st) => (
            <tr key={st.stage} data-stage={st.stage}>
              <th scope="row">{STAGE_NAMES[st.stage]}</th>
              <td>
                {st.status === 'passed' ? (
                  <span className="badge badge-pass">Passed</span>
                ) : st.status === 'failed' ? (
                  <span className="badge badge-fail">Failed</span>
                ) : (
                  <span className="badge badge-skip">Not checked</span>
                )}
              </td>
              <td className="num">{formatCount(st.checked)}</td>
              <td className="num">{formatCount(st.failures)}</td>
              <td className="muted note">{st.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {report.failures.length > 0 && (
        <>
          <h3>Failures</h3>
          <p className="muted">
            The first failure of each kind is highlighted; a failure about a record links to it.
          </p>
          <ol className="failures" data-testid="failures">
            {report.failures.map((f, i) => (
              <li
                key={i}
                className={firstOfCode.has(i) ? 'failure first' : 'failure'}
                data-code={f.code}
                data-first={firstOfCode.has(i) ? 'true' : undefined}
              >
                <div className="failure-head">
                  {firstOfCode.has(i) && <span className="tag tag-first">First of its kind</span>}
                  <span className="mono code">{f.code}</span>
                  <span className="muted">{STAGE_NAMES[f.stage]}</span>
                  {f.file !== undefined && (
                    <span className="muted mono">
                      {f.file}
                      {f.line !== undefined ? `:${f.line}` : ''}
                    </span>
                  )}
                </div>
                <p>{f.message}</p>
                {f.seq !== null && f.log !== null && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => void showRecordInEvidence(f.log as string, f.seq as number)}
                  >
                    Show record {f.seq} in Evidence
                  </button>
                )}
              </li>
            ))}
          </ol>
          {report.omittedFailures > 0 && (
            <p className="muted">{formatCount(report.omittedFailures)} more failures are not listed.</p>
          )}
        </>
      )}

      {report.cannotProve.length > 0 && (
        <>
          <h3>What this bundle cannot prove</h3>
          <ul className="cannot-prove">
            {report.cannotProve.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The Verify section: open a bundle folder, choose trust roots, run the verifier, read the report. */
export function VerifyView() {
  const s = useStore(
    useShallow((st) => ({
      bundle: st.verifyBundle,
      trust: st.verifyTrust,
      status: st.verifyStatus,
      error: st.verifyError,
    })),
  );
  const section = sectionById('verify');
  const running = s.status?.state === 'running';
  const pct =
    s.status !== null && s.status.total > 0 ? Math.round((100 * s.status.done) / s.status.total) : 0;

  return (
    <div className="verify">
      <section
        className={s.bundle === null ? 'panel empty-state verify-start' : 'panel verify-setup'}
        aria-labelledby="title-verify"
        data-testid={s.bundle === null ? 'empty-verify' : 'verify-setup'}
      >
        {s.bundle === null && <span className="empty-icon" aria-hidden="true" />}
        <h2 id="title-verify">{s.bundle === null ? section.title : 'Verify an evidence bundle'}</h2>
        {s.bundle === null && <p>{section.empty}</p>}
        <div className="choices">
          <div className="choice">
            <span className="step">1</span>
            <div>
              <div className="choice-label">Bundle folder</div>
              {s.bundle === null ? (
                <div className="muted">No bundle opened</div>
              ) : (
                <div data-testid="bundle-choice">
                  <strong>{s.bundle.name}</strong>
                  <div className="mono muted path">{s.bundle.path}</div>
                </div>
              )}
            </div>
            <button
              type="button"
              className="secondary"
              onClick={() => void chooseBundle()}
              disabled={running}
            >
              Open bundle…
            </button>
          </div>
          <div className="choice">
            <span className="step">2</span>
            <div>
              <div className="choice-label">Trust roots</div>
              {s.trust === null ? (
                <div className="muted">No trust file chosen: keys are never taken from the bundle</div>
              ) : (
                <div data-testid="trust-choice">
                  <strong>{s.trust.name}</strong>
                  <div className="muted">
                    pins {s.trust.logs.length === 1 ? 'log' : 'logs'}{' '}
                    <span className="mono">{s.trust.logs.join(', ')}</span>
                  </div>
                </div>
              )}
            </div>
            <button type="button" className="secondary" onClick={() => void chooseTrust()} disabled={running}>
              Choose trust file…
            </button>
          </div>
          <div className="choice">
            <span className="step">3</span>
            <div className="grow">
              <div className="choice-label">Verification</div>
              {s.status === null ? (
                <div className="muted">
                  Format, hashes, chain, signatures, inclusion, checkpoints, consistency
                </div>
              ) : (
                <div className="progress-line">
                  <progress
                    max={Math.max(1, s.status.total)}
                    value={s.status.state === 'running' ? s.status.done : Math.max(1, s.status.total)}
                    aria-label="Verification progress"
                  />
                  <span className="muted" data-testid="verify-progress">
                    {s.status.state === 'running'
                      ? `Checking… ${formatCount(s.status.done)} of ${formatCount(s.status.total)} records (${pct}%)`
                      : s.status.state === 'done'
                        ? `Done: ${formatCount(s.status.done)} records checked`
                        : 'Stopped'}
                  </span>
                </div>
              )}
            </div>
            <button
              type="button"
              className="primary"
              onClick={() => void runVerify()}
              disabled={s.bundle === null || s.trust === null || running}
            >
              {running ? 'Verifying…' : 'Verify bundle'}
            </button>
          </div>
        </div>
        {s.error !== null && (
          <p className="error" role="alert">
            {s.error}
          </p>
        )}
        {s.status !== null && s.status.error !== null && (
          <p className="error" role="alert" data-testid="verify-error">
            Verification could not run: {s.status.error.code}: {s.status.error.message}
          </p>
        )}
      </section>
      {s.status !== null && s.status.report !== null && <Report report={s.status.report} />}
    </div>
  );
}
