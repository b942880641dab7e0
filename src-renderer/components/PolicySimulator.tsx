import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { simulatePolicy } from '../store/policy-actions.js';
import { useStore } from '../store/index.js';
import type { SimulationResult } from '../store/policies-slice.js';

/** The current time as RFC 3339 UTC with whole seconds, the form's starting value. */
const nowText = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Checks the context text before it is sent: JSON, and an object. Main parses it again strictly. */
function contextProblem(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return 'The context must be a JSON object, like {"ticket": "T-1"}.';
    return null;
  } catch (e) {
    return `The context is not valid JSON: ${(e as Error).message}`;
  }
}

function Outcome({ result }: { result: SimulationResult }) {
  return (
    <div className={`outcome outcome-${result.decision}`} data-testid="simulation-result">
      <p className="outcome-head">
        Decision: <strong data-testid="simulation-decision">{result.decision}</strong>
      </p>
      <p>
        {result.rules.length === 0
          ? 'No rule matched: denied by default.'
          : `Deciding rule${result.rules.length === 1 ? '' : 's'}: `}
        {result.rules.map((id, i) => (
          <span key={id}>
            {i > 0 ? ', ' : ''}
            <code>{id}</code>
          </span>
        ))}
      </p>
      {result.errors.length === 0 ? null : (
        <ul className="outcome-errors">
          {result.errors.map((e) => (
            <li key={`${e.ruleId}/${e.path}`}>
              Rule <code>{e.ruleId}</code> could not be evaluated at <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {result.decision === 'pending' ? (
        <div data-testid="who-must-approve">
          <p className="outcome-sub">Who must approve before a grant can be issued (every rule below):</p>
          <ul>
            {result.obligations.map((o) => (
              <li key={o.ruleId}>
                <strong>
                  {o.quorum} approval{o.quorum === 1 ? '' : 's'}
                </strong>{' '}
                from {o.from.length === 1 ? 'group' : 'groups'} <strong>{o.from.join(', ')}</strong>
                {o.allowRequester ? '' : ', not counting the requester'} (rule <code>{o.ruleId}</code>)
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.decision !== 'deny' && result.grantTtlSeconds !== null ? (
        <p className="muted">A grant would live at most {result.grantTtlSeconds} s.</p>
      ) : null}
      <p className="muted small">
        Request hash <span className="mono">{result.requestHash}</span>
      </p>
    </div>
  );
}

/** What-if: fill a request, see the decision of the active policy. Nothing is recorded. */
export function PolicySimulator() {
  const { result, error, busy } = useStore(
    useShallow((s) => ({ result: s.simulation, error: s.simulationError, busy: s.simulating })),
  );
  const [subject, setSubject] = useState('');
  const [groups, setGroups] = useState('');
  const [action, setAction] = useState('');
  const [resource, setResource] = useState('');
  const [time, setTime] = useState(nowText);
  const [context, setContext] = useState('{}');
  const [touched, setTouched] = useState(false);
  const problem = contextProblem(context);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem !== null) return;
    const groupList = groups
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    void simulatePolicy({
      subject: subject.trim(),
      groups: groupList,
      action: action.trim(),
      resource: resource.trim(),
      context,
      time: time.trim(),
    });
  };

  return (
    <section className="panel" aria-labelledby="sim-title">
      <h2 id="sim-title">What if…</h2>
      <p className="muted">
        Fill in a request to see what the active policy decides. Approvals are not counted, and nothing is
        recorded.
      </p>
      <form className="sim-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="sim-subject">Subject id</label>
          <input
            id="sim-subject"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            required
            autoComplete="off"
            placeholder="alice"
          />
        </div>
        <div className="field">
          <label htmlFor="sim-groups">Groups</label>
          <input
            id="sim-groups"
            value={groups}
            onChange={(e) => setGroups(e.target.value)}
            aria-describedby="sim-groups-hint"
            autoComplete="off"
            placeholder="release, staff"
          />
          <span id="sim-groups-hint" className="hint">
            Comma-separated
          </span>
        </div>
        <div className="field">
          <label htmlFor="sim-action">Action</label>
          <input
            id="sim-action"
            value={action}
            onChange={(e) => setAction(e.target.value)}
            required
            autoComplete="off"
            placeholder="deploy"
          />
        </div>
        <div className="field">
          <label htmlFor="sim-resource">Resource</label>
          <input
            id="sim-resource"
            value={resource}
            onChange={(e) => setResource(e.target.value)}
            required
            autoComplete="off"
            placeholder="prod/api"
          />
        </div>
        <div className="field">
          <label htmlFor="sim-time">Time</label>
          <input
            id="sim-time"
            value={time}
            onChange={(e) => setTime(e.target.value)}
            aria-describedby="sim-time-hint"
            autoComplete="off"
          />
          <span id="sim-time-hint" className="hint">
            RFC 3339 date-time
          </span>
        </div>
        <div className="field field-wide">
          <label htmlFor="sim-context">Context (JSON object)</label>
          <textarea
            id="sim-context"
            className="mono"
            rows={3}
            value={context}
            spellCheck={false}
            onChange={(e) => setContext(e.target.value)}
            onBlur={() => setTouched(true)}
            aria-invalid={touched && problem !== null}
            aria-describedby="sim-context-error"
          />
          <span id="sim-context-error" className="error" role="alert">
            {touched && problem !== null ? problem : ''}
          </span>
        </div>
        <div className="field-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Deciding…' : 'Simulate'}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {error === null ? null : (
          <p className="error" data-testid="simulation-error">
            {error}
          </p>
        )}
        {result === null ? null : <Outcome result={result} />}
      </div>
    </section>
  );
}
