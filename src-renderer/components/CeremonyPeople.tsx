import { useRef } from 'react';
import { checkIn, checkToken } from '../store/ceremony-actions.js';
import type { CeremonyView, TokenReport } from '../store/ceremony-slice.js';

const ROLE = { administrator: 'Administrator', custodian: 'Custodian', witness: 'Witness' } as const;

function Participant({
  p,
  busy,
  open,
}: {
  p: CeremonyView['participants'][number];
  busy: boolean;
  open: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const id = `checkin-${p.id}`;
  const submit = () => {
    const input = ref.current;
    const value = input?.value ?? '';
    if (input !== null) input.value = '';
    void checkIn(p.id, value === '' ? null : value);
  };
  return (
    <tr data-participant={p.id}>
      <th scope="row">{p.id}</th>
      <td>
        {ROLE[p.role]}
        {p.seal !== null && (
          <span className="muted small"> · {p.seal === 'x25519' ? 'X25519 seal' : 'passphrase seal'}</span>
        )}
      </td>
      <td>
        {p.present ? (
          <span className="badge badge-pass">Present</span>
        ) : (
          <span className="badge badge-skip">Absent</span>
        )}
      </td>
      {open && (
        <td className="checkin-cell">
          {!p.present && (
            <>
              <label className="visually-hidden" htmlFor={id}>
                Key passphrase of {p.id}
              </label>
              <input id={id} ref={ref} type="password" autoComplete="off" placeholder="Key passphrase" />
              <button type="button" className="secondary" disabled={busy} onClick={submit}>
                Check in…
              </button>
            </>
          )}
        </td>
      )}
    </tr>
  );
}

/** Who takes part, and each one's check-in: their key folder (chosen in main's dialog) and its passphrase. */
export function CeremonyParticipants({ view, busy }: { view: CeremonyView; busy: boolean }) {
  const open = view.status === 'open';
  const present = view.participants.filter((p) => p.present).length;
  return (
    <section className="panel" aria-labelledby="participants-title">
      <div className="panel-head">
        <h2 id="participants-title">Participants</h2>
        <span className="muted">
          {present} of {view.participants.length} checked in
        </span>
      </div>
      <p className="muted small">
        Each participant checks in with their own key folder (<code>secret.json</code> from{' '}
        <code>qtrust key generate</code>) and its passphrase. Everyone present signs every transcript entry.
      </p>
      <table className="people">
        <thead>
          <tr>
            <th scope="col">Participant</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            {open && (
              <th scope="col">
                <span className="visually-hidden">Check in</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {view.participants.map((p) => (
            <Participant key={p.id} p={p} busy={busy} open={open} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function tokenText(r: TokenReport): string {
  if (!r.present) return 'Not present: insert the token and check again.';
  const init = r.initialized ? 'initialised' : 'not initialised';
  return `Present, ${init}${r.mechanisms === null ? '' : `, ${r.mechanisms} mechanisms`}${r.serial === null ? '' : `, serial ${r.serial}`}.`;
}

export function CeremonyTokens({
  view,
  reports,
}: {
  view: CeremonyView;
  reports: Readonly<Record<string, TokenReport>>;
}) {
  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <ul className="tokens">
        {view.tokens.map((t) => {
          const r = reports[t.name];
          return (
            <li key={t.name} data-token={t.name}>
              <span className="token-name">
                <strong>{t.label}</strong> <span className="muted small">({t.name})</span>
              </span>
              <span
                className={r === undefined ? 'muted' : r.present ? 'token-ok' : 'error'}
                data-testid={`token-${t.name}`}
              >
                {r === undefined ? 'Not checked' : tokenText(r)}
              </span>
              <button type="button" className="secondary" onClick={() => void checkToken(t.name)}>
                Check token
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const STEP_STATE = { done: 'Done', next: 'Next', pending: 'Pending', failed: 'Failed' } as const;

export function CeremonySteps({ view }: { view: CeremonyView }) {
  return (
    <section className="panel" aria-labelledby="steps-title">
      <h2 id="steps-title">Script</h2>
      <ol className="steps">
        {view.steps.map((s) => (
          <li key={s.id} className={`step-item step-${s.state}`} data-step={s.id}>
            <span className="step-dot" aria-hidden="true" />
            <span className="step-id">{s.id}</span>
            <span className="muted small mono">{s.kind}</span>
            <span className="visually-hidden">{STEP_STATE[s.state]}</span>
          </li>
        ))}
      </ol>
      {view.keys.length > 0 && (
        <>
          <h3>Keys</h3>
          <ul className="keys">
            {view.keys.map((k) => (
              <li key={`${k.token}|${k.label}`}>
                <span className="mono small">{k.label}</span>
                <span className="muted small">
                  {k.type} · {k.status}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
