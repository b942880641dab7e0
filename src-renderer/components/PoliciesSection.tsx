import { useEffect, type ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Section } from '../sections.js';
import { loadPolicyState, loadSignedPolicyFile, trustPolicySigners } from '../store/policy-actions.js';
import { useStore } from '../store/index.js';
import type { PolicyState } from '../store/policies-slice.js';
import { PolicyRulesTable } from './PolicyRulesTable.js';
import { PolicySimulator } from './PolicySimulator.js';

/** Reads the chosen file as text and hands it on; the input is cleared so the same file can be chosen again. */
function onFile(send: (text: string) => Promise<void>) {
  return (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (file === undefined) return;
    void file.text().then(async (text) => {
      input.value = '';
      await send(text);
    });
  };
}

function FileButton({
  id,
  label,
  onText,
}: {
  id: string;
  label: string;
  onText: (text: string) => Promise<void>;
}) {
  return (
    <div className="file-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="file" accept=".json,application/json" onChange={onFile(onText)} />
    </div>
  );
}

function Setup({ section, state }: { section: Section; state: PolicyState | null }) {
  const signers = state?.signers ?? [];
  return (
    <section
      className="panel empty-state"
      aria-labelledby={`title-${section.id}`}
      data-testid={`empty-${section.id}`}
    >
      <span className="empty-icon" aria-hidden="true" />
      <h2 id={`title-${section.id}`}>{section.title}</h2>
      <p>{section.empty}</p>
      <ol className="setup-steps">
        <li className={signers.length > 0 ? 'done' : ''}>
          <strong>Trust the policy signers.</strong> Choose the public key set (<code>public.json</code>) of
          the key that signs policies. Every key in it must sign each policy. This can be set once; changing
          it later will need approvals.
          {signers.length > 0 ? (
            <p className="muted" data-testid="policy-signers">
              Trusted: {signers.map((s) => s.keyid).join(', ')}
            </p>
          ) : (
            <FileButton
              id="policy-signers-file"
              label="Choose signer public keys…"
              onText={trustPolicySigners}
            />
          )}
        </li>
        <li>
          <strong>Load a signed policy.</strong> Sign the policy document with{' '}
          <code>qtrust sign --key DIR --payload-type application/vnd.qtrust.policy+json policy.json</code> and
          choose the envelope it prints.
          {signers.length > 0 ? (
            <FileButton
              id="policy-envelope-file"
              label="Choose signed policy…"
              onText={loadSignedPolicyFile}
            />
          ) : null}
        </li>
      </ol>
    </section>
  );
}

/** The Policies section: the active policy, its rules and the what-if simulator, or how to load one. */
export function PoliciesSection({ section }: { section: Section }) {
  const { state, status, error, notice } = useStore(
    useShallow((s) => ({
      state: s.policyState,
      status: s.policyStatus,
      error: s.policyError,
      notice: s.policyNotice,
    })),
  );

  useEffect(() => {
    void loadPolicyState();
  }, []);

  const policy = state?.policy ?? null;
  return (
    <div className="policies">
      <div role="status" aria-live="polite">
        {notice === null ? null : (
          <p className={notice.ok ? 'notice notice-ok' : 'notice notice-error'} data-testid="policy-notice">
            {notice.text}
          </p>
        )}
        {error === null ? null : <p className="notice notice-error">{error}</p>}
        {state === null || state.problem === null ? null : (
          <p className="notice notice-error" data-testid="policy-problem">
            The stored policy could not be verified, so none is active. {state.problem}
          </p>
        )}
      </div>
      {policy === null ? (
        status === 'idle' || status === 'loading' ? null : (
          <Setup section={section} state={state} />
        )
      ) : (
        <>
          <section className="panel" aria-labelledby="policy-title">
            <div className="panel-head">
              <div>
                <h2 id="policy-title">Active policy</h2>
                {policy.description === null ? null : <p className="muted">{policy.description}</p>}
              </div>
              <FileButton
                id="policy-envelope-file"
                label="Load a newer version…"
                onText={loadSignedPolicyFile}
              />
            </div>
            <dl className="facts" data-testid="policy-facts">
              <dt>Name</dt>
              <dd data-testid="policy-name">{policy.name}</dd>
              <dt>Version</dt>
              <dd data-testid="policy-version">{policy.version}</dd>
              <dt>Hash</dt>
              <dd className="mono" data-testid="policy-hash">
                {policy.hash}
              </dd>
              <dt>Signed by</dt>
              <dd className="mono" data-testid="policy-signer">
                {policy.signedBy.join(', ')}
              </dd>
              <dt>Rules</dt>
              <dd>{policy.rules.length}</dd>
            </dl>
          </section>
          <PolicySimulator />
          <PolicyRulesTable policy={policy} />
        </>
      )}
    </div>
  );
}
