import type { PolicyView } from '../store/policies-slice.js';

const list = (items: readonly string[]) =>
  items.length === 0 ? <span className="muted">(none)</span> : items.join(', ');

/** The active policy's rules, one row each, sorted by id (the order the engine numbers them). */
export function PolicyRulesTable({ policy }: { policy: PolicyView }) {
  return (
    <section className="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      <p className="muted">
        Default deny: nothing is allowed unless an allow rule matches. Any matching deny rule wins, and a deny
        rule whose condition cannot be evaluated denies too.
      </p>
      <div className="table-scroll">
        <table className="rules" data-testid="policy-rules">
          <caption className="visually-hidden">Rules of policy {policy.name}</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Effect</th>
              <th scope="col">Subjects</th>
              <th scope="col">Actions</th>
              <th scope="col">Resources</th>
              <th scope="col">Condition</th>
              <th scope="col">Approvals</th>
              <th scope="col" className="num">
                Grant TTL
              </th>
            </tr>
          </thead>
          <tbody>
            {policy.rules.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <th scope="row" className="mono">
                  {r.id}
                  {r.description === null ? null : <div className="rule-desc">{r.description}</div>}
                </th>
                <td>
                  <span className={`badge badge-${r.effect}`}>{r.effect}</span>
                </td>
                <td className="mono">{list(r.subjects)}</td>
                <td className="mono">{list(r.actions)}</td>
                <td className="mono">{list(r.resources)}</td>
                <td>
                  {r.when === null ? (
                    <span className="muted">always</span>
                  ) : (
                    <code className="cond">{r.when}</code>
                  )}
                </td>
                <td>
                  {r.approvals === null ? (
                    <span className="muted">none</span>
                  ) : (
                    <>
                      {r.approvals.quorum} of {r.approvals.from.join(', ')}
                      {r.approvals.allowRequester ? (
                        ''
                      ) : (
                        <div className="muted small">requester excluded</div>
                      )}
                    </>
                  )}
                </td>
                <td className="num">{r.effect === 'deny' ? '' : `${r.grantTtlSeconds ?? 300} s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {policy.warnings.length === 0 ? null : (
        <div className="warnings" data-testid="policy-warnings">
          <h3>Warnings</h3>
          <ul>
            {policy.warnings.map((w) => (
              <li key={`${w.ruleId}/${w.kind}/${w.message}`}>
                <span className="mono">{w.ruleId}</span> ({w.kind}): {w.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
