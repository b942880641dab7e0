import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { loadSuites, runSelfTest } from '../store/actions.js';
import { useStore } from '../store/index.js';

const SUITE_NAMES: Readonly<Record<string, string>> = {
  ed25519: 'Ed25519',
  secp256k1: 'ECDSA secp256k1',
  p256: 'ECDSA P-256',
  'ml-dsa-65': 'ML-DSA-65',
  'ml-dsa-87': 'ML-DSA-87',
  'falcon-512': 'Falcon-512',
};

const formatMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + ' ms';

/** "About this build": versions, the suite registry and the self-test over every suite. */
export function AboutBuild() {
  const s = useStore(
    useShallow((st) => ({
      appInfo: st.appInfo,
      suites: st.suites,
      suitesError: st.suitesError,
      status: st.selfTestStatus,
      report: st.selfTest,
      testError: st.selfTestError,
    })),
  );

  useEffect(() => {
    void loadSuites();
  }, []);

  const resultFor = (id: string) => s.report?.results.find((r) => r.suite === id);
  const passed = s.report?.results.filter((r) => r.ok).length ?? 0;

  return (
    <div className="about">
      <section className="panel" aria-labelledby="build-title">
        <h2 id="build-title">This build</h2>
        <dl className="facts">
          <dt>App version</dt>
          <dd data-testid="app-version">{s.appInfo?.appVersion ?? '…'}</dd>
          <dt>Core version</dt>
          <dd data-testid="core-version">{s.appInfo?.coreVersion ?? '…'}</dd>
          <dt>Platform</dt>
          <dd>{s.appInfo?.platform ?? '…'}</dd>
          <dt>Tenant</dt>
          <dd>{s.appInfo?.tenant ?? '…'}</dd>
          <dt>Data directory</dt>
          <dd className="mono">{s.appInfo?.dataDir ?? '…'}</dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="suites-title">
        <div className="panel-head">
          <div>
            <h2 id="suites-title">Signature suites</h2>
            <p className="muted">
              The self-test generates a fresh key pair per suite, signs, verifies, and checks that a changed
              message is refused. Nothing is stored.
            </p>
          </div>
          <button
            type="button"
            className="primary"
            onClick={() => void runSelfTest()}
            disabled={s.status === 'running' || s.suites === null}
          >
            {s.status === 'running' ? 'Running self-test…' : 'Run self-test'}
          </button>
        </div>

        <p className="status-line" role="status" data-testid="self-test-summary">
          {s.status === 'idle' && 'Self-test not run yet.'}
          {s.status === 'running' && 'Signing and verifying with every suite…'}
          {s.status === 'done' &&
            s.report !== null &&
            (s.report.ok
              ? `All ${s.report.results.length} suites passed.`
              : `${s.report.results.length - passed} of ${s.report.results.length} suites failed.`)}
          {s.status === 'failed' && `Self-test could not run: ${s.testError ?? ''}`}
        </p>

        {s.suitesError !== null && (
          <p className="error" role="alert">
            Could not read the suites: {s.suitesError}
          </p>
        )}

        <table className="suites">
          <thead>
            <tr>
              <th scope="col">Suite</th>
              <th scope="col">Family</th>
              <th scope="col" className="num">
                Public key
              </th>
              <th scope="col">Self-test</th>
              <th scope="col" className="num">
                Time
              </th>
            </tr>
          </thead>
          <tbody>
            {(s.suites ?? []).map((suite) => {
              const r = resultFor(suite.id);
              return (
                <tr key={suite.id} data-suite={suite.id}>
                  <th scope="row">
                    <span className="suite-name">{SUITE_NAMES[suite.id] ?? suite.id}</span>
                    <span className="mono muted suite-id">{suite.id}</span>
                  </th>
                  <td>
                    <span className={suite.postQuantum ? 'tag tag-pq' : 'tag'}>
                      {suite.postQuantum ? 'Post-quantum' : 'Classical'}
                    </span>
                  </td>
                  <td className="num">{suite.publicKeyLength} B</td>
                  <td data-testid="result">
                    {r === undefined ? (
                      <span className="muted">—</span>
                    ) : r.ok ? (
                      <span className="badge badge-pass">Pass</span>
                    ) : (
                      <span className="badge badge-fail" title={r.error ?? undefined}>
                        Fail
                      </span>
                    )}
                  </td>
                  <td className="num" data-testid="time">
                    {r === undefined ? '' : formatMs(r.ms)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
