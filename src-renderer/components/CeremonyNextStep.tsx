import { useRef, useState, type ReactNode } from 'react';
import { performStep, presentShare } from '../store/ceremony-actions.js';
import type { CeremonyView } from '../store/ceremony-slice.js';

type Next = NonNullable<CeremonyView['next']>;

/** Reads a password input's value for one call and clears it at once (never kept in any state). */
function take(input: HTMLInputElement | null): string | null {
  if (input === null) return null;
  const value = input.value;
  input.value = '';
  return value === '' ? null : value;
}

function Check({ ok, children }: { ok: boolean; children: ReactNode }) {
  return (
    <li className={ok ? 'req req-ok' : 'req'}>
      <span className="req-mark" aria-hidden="true" />
      <span>{children}</span>
      <span className="visually-hidden">{ok ? '(met)' : '(not yet)'}</span>
    </li>
  );
}

function ShareRow({
  pin,
  custodian,
  seal,
  busy,
}: {
  pin: Next['pins'][number];
  custodian: string;
  seal: 'x25519' | 'passphrase';
  busy: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const done = pin.custodians.includes(custodian);
  const id = `share-${pin.token}-${pin.secret}-${custodian}`;
  return (
    <li className="share-row" data-testid={id}>
      <span className="share-who">
        <strong>{custodian}</strong>
        <span className="muted small">{seal === 'x25519' ? 'X25519 key file' : 'passphrase'}</span>
      </span>
      {done ? (
        <span className="badge badge-pass">Accepted</span>
      ) : (
        <span className="share-actions">
          {seal === 'passphrase' && (
            <>
              <label className="visually-hidden" htmlFor={id + '-pass'}>
                Share passphrase of {custodian}
              </label>
              <input
                id={id + '-pass'}
                ref={ref}
                type="password"
                autoComplete="off"
                placeholder="Passphrase"
              />
            </>
          )}
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              void presentShare({
                custodian,
                token: pin.token,
                secret: pin.secret,
                passphrase: seal === 'passphrase' ? take(ref.current) : null,
              })
            }
          >
            Present share…
          </button>
        </span>
      )}
    </li>
  );
}

/** The next step: exactly what it will do, what it needs (with quorum progress), and the one button that does it. */
export function CeremonyNextStep({ view, next, busy }: { view: CeremonyView; next: Next; busy: boolean }) {
  const [confirmed, setConfirmed] = useState(false);
  const sealRefs = useRef<Record<string, HTMLInputElement | null>>({});
  const present = new Set(view.participants.filter((p) => p.present).map((p) => p.id));
  const admin = view.participants.find((p) => p.role === 'administrator');
  const witnesses = view.participants.filter((p) => p.role === 'witness' && p.present).length;
  const custodians = view.participants.filter((p) => p.role === 'custodian');
  const quorumMet = next.pins.every((p) => p.custodians.length >= next.quorum);
  const ready = admin?.present === true && witnesses >= next.witnesses && quorumMet;

  const perform = () => {
    const sealPassphrases = next.sealPassphrases.flatMap((c) => {
      const passphrase = take(sealRefs.current[c] ?? null);
      return passphrase === null ? [] : [{ custodian: c, passphrase }];
    });
    setConfirmed(false);
    void performStep({ step: next.step, sealPassphrases });
  };

  return (
    <section className="panel next-step" aria-labelledby="next-step-title" data-testid="next-step">
      <div className="panel-head">
        <div>
          <p className="eyebrow">
            Step {next.index + 1} of {view.steps.length} · <span className="mono">{next.kind}</span>
          </p>
          <h2 id="next-step-title">{next.step}</h2>
        </div>
      </div>
      <p className="step-text" data-testid="step-text">
        {next.text}
      </p>
      <ul className="requirements" aria-label="What this step needs">
        <Check ok={admin?.present === true}>Administrator {admin?.id} present</Check>
        <Check ok={witnesses >= next.witnesses}>
          Witnesses present: {witnesses} of {next.witnesses} required
        </Check>
        {next.pins.map((pin) => (
          <Check key={`${pin.token}/${pin.secret}`} ok={pin.custodians.length >= next.quorum}>
            Shares of the {pin.secret === 'so' ? 'SO' : 'user'} PIN of {pin.label}:{' '}
            <span data-testid={`quorum-${pin.token}-${pin.secret}`}>
              {pin.custodians.length} of {next.quorum}
            </span>
          </Check>
        ))}
      </ul>
      {next.pins.map((pin) => (
        <div className="quorum" key={`${pin.token}/${pin.secret}`}>
          <div className="quorum-head">
            <h3>
              {pin.secret === 'so' ? 'SO' : 'User'} PIN of {pin.label}
            </h3>
            <progress
              max={next.quorum}
              value={Math.min(pin.custodians.length, next.quorum)}
              aria-label={`Quorum for the ${pin.secret} PIN of ${pin.label}`}
            />
            <span className="muted small">
              {pin.custodians.length}/{next.quorum} custodians
            </span>
          </div>
          <ul className="shares">
            {custodians.map((c) =>
              present.has(c.id) ? (
                <ShareRow key={c.id} pin={pin} custodian={c.id} seal={c.seal ?? 'x25519'} busy={busy} />
              ) : (
                <li className="share-row" key={c.id}>
                  <span className="share-who">
                    <strong>{c.id}</strong>
                    <span className="muted small">not checked in</span>
                  </span>
                </li>
              ),
            )}
          </ul>
        </div>
      ))}
      {next.sealPassphrases.length > 0 && (
        <div className="seal-pass">
          <h3>Passphrases to seal new shares</h3>
          <p className="muted small">
            These custodians receive their shares sealed under a passphrase. Each types it here, unseen.
          </p>
          {next.sealPassphrases.map((c) => (
            <div className="field" key={c}>
              <label htmlFor={`seal-${c}`}>Passphrase of {c}</label>
              <input
                id={`seal-${c}`}
                type="password"
                autoComplete="new-password"
                ref={(el) => {
                  sealRefs.current[c] = el;
                }}
              />
            </div>
          ))}
        </div>
      )}
      <div className="perform">
        <label className="confirm">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.currentTarget.checked)}
            disabled={busy}
          />
          I have read what this step will do, and everyone required is here.
        </label>
        <button type="button" className="primary" disabled={!confirmed || !ready || busy} onClick={perform}>
          Perform step {next.index + 1}
        </button>
      </div>
    </section>
  );
}
