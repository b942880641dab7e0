import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { sectionById } from '../sections.js';
import { loadAnchorSettings, saveAnchorSettings, testAnchorConnection } from '../store/anchor-actions.js';
import type { AnchorSettingsView, ConnectionReport } from '../store/anchor-slice.js';
import { useStore } from '../store/index.js';

interface Form {
  enabled: boolean;
  rpcUrl: string;
  chainId: string;
  contract: string;
  confirmations: string;
  publisher: string;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function formOf(s: AnchorSettingsView | null | undefined): Form {
  return {
    enabled: s?.enabled ?? true,
    rpcUrl: s?.rpcUrl ?? '',
    chainId: s === null || s === undefined ? '' : String(s.chainId),
    contract: s?.contract ?? '',
    confirmations: String(s?.confirmations ?? 12),
    publisher: '',
  };
}

/** The form checked as the contract will check it; a message naming the first bad field, or the values. */
function parse(
  f: Form,
): string | { rpcUrl: string; chainId: number; contract: string; confirmations: number } {
  if (!/^https?:\/\/\S+$/i.test(f.rpcUrl.trim())) return 'RPC URL must be an http:// or https:// URL';
  const chainId = Number(f.chainId);
  if (!Number.isSafeInteger(chainId) || chainId < 1) return 'Chain id must be a positive whole number';
  if (!ADDRESS.test(f.contract.trim())) return 'Contract must be 0x followed by 40 hex digits';
  const confirmations = Number(f.confirmations);
  if (!Number.isInteger(confirmations) || confirmations < 1 || confirmations > 1_000_000)
    return 'Confirmations must be a whole number from 1 to 1,000,000';
  if (f.publisher.trim() !== '' && !ADDRESS.test(f.publisher.trim()))
    return 'Publisher must be empty or 0x followed by 40 hex digits';
  return { rpcUrl: f.rpcUrl.trim(), chainId, contract: f.contract.trim(), confirmations };
}

function Row({ ok, label, children }: { ok: boolean | null; label: string; children: ReactNode }) {
  const cls = ok === null ? 'badge badge-skip' : ok ? 'badge badge-pass' : 'badge badge-fail';
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <span className={cls}>{ok === null ? 'n/a' : ok ? 'OK' : 'Fail'}</span>
      </td>
      <td>{children}</td>
    </tr>
  );
}

function Report({ report, expected }: { report: ConnectionReport; expected: number | null }) {
  const allGood =
    report.chainIdMatches && report.contractCodePresent && report.publisherAllowlisted !== false;
  return (
    <div className={allGood ? 'conn conn-ok' : 'conn conn-bad'} data-testid="connection-report">
      <p className="conn-head" role="status">
        {allGood ? 'Connection test passed' : 'Connection test found problems'}
      </p>
      <table className="checks">
        <tbody>
          <Row ok={report.chainIdMatches} label="Chain id">
            {report.chainIdMatches
              ? `${report.chainId}, as configured`
              : `the RPC serves chain ${report.chainId}, the settings say ${expected ?? '?'}: wrong chain id`}
          </Row>
          <Row ok={true} label="Latest block">
            {report.latestBlock.toLocaleString('en-US')}
          </Row>
          <Row ok={report.finalizedBlock === null ? null : true} label="Finalized block">
            {report.finalizedBlock === null
              ? 'the RPC reports no finalized block; confirmations alone decide'
              : report.finalizedBlock.toLocaleString('en-US')}
          </Row>
          <Row ok={report.contractCodePresent} label="Contract">
            {report.contractCodePresent
              ? 'code present at the address'
              : 'no code at this address on this chain'}
          </Row>
          <Row ok={report.publisherAllowlisted} label="Publisher">
            {report.publisherAllowlisted === null
              ? 'not checked (no publisher address given, or no contract)'
              : report.publisherAllowlisted
                ? 'on the contract allowlist'
                : 'NOT on the contract allowlist: anchors would be refused'}
          </Row>
        </tbody>
      </table>
    </div>
  );
}

/** The Settings page: the tenant's anchoring settings with a connection test. */
export function SettingsView() {
  const s = useStore(
    useShallow((st) => ({
      settings: st.anchorSettings,
      test: st.anchorTest,
      notice: st.anchorNotice,
      tenant: st.appInfo?.tenant ?? null,
    })),
  );
  const [form, setForm] = useState<Form>(() => formOf(s.settings));
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void loadAnchorSettings();
  }, []);
  // New settings from main (read or saved) refill the form; the publisher field is the page's own.
  const [shown, setShown] = useState(s.settings);
  if (shown !== s.settings) {
    setShown(s.settings);
    setForm({ ...formOf(s.settings), publisher: form.publisher });
  }

  const section = sectionById('settings');
  const field = (name: 'rpcUrl' | 'chainId' | 'contract' | 'confirmations' | 'publisher') => ({
    id: `anchor-${name}`,
    value: form[name],
    onChange: (e: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: e.currentTarget.value }),
  });

  const check = () => {
    const v = parse(form);
    setFormError(typeof v === 'string' ? v : null);
    return typeof v === 'string' ? null : v;
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const v = check();
    if (v === null) return;
    setSaving(true);
    void saveAnchorSettings({ enabled: form.enabled, ...v }).finally(() => setSaving(false));
  };
  const test = () => {
    const v = check();
    if (v === null) return;
    const publisher = form.publisher.trim();
    void testAnchorConnection({
      rpcUrl: v.rpcUrl,
      chainId: v.chainId,
      contract: v.contract,
      publisher: publisher === '' ? null : publisher,
    });
  };

  return (
    <div className="settings">
      {s.settings === null ? (
        <section
          className="panel empty-state compact"
          aria-labelledby="title-settings"
          data-testid="empty-settings"
        >
          <span className="empty-icon" aria-hidden="true" />
          <h2 id="title-settings">{section.title}</h2>
          <p>{section.empty}</p>
        </section>
      ) : s.settings !== undefined ? (
        <section className="panel settings-summary" aria-label="Current anchoring">
          <div className="panel-head">
            <div>
              <h2>Anchoring {s.settings.enabled ? 'enabled' : 'disabled'}</h2>
              <p className="muted">
                Checkpoints of tenant {s.tenant ?? ''} are anchored on chain {s.settings.chainId} at{' '}
                <span className="mono">{s.settings.contract}</span>; an anchor counts once final (
                {s.settings.confirmations} confirmations, and the chain&apos;s finalized block where it
                reports one).
              </p>
            </div>
            <span className={s.settings.enabled ? 'badge badge-pass' : 'badge badge-skip'}>
              {s.settings.enabled ? 'On' : 'Off'}
            </span>
          </div>
        </section>
      ) : null}
      {s.notice !== null && (
        <p
          className={s.notice.ok ? 'notice notice-ok' : 'notice notice-error'}
          role={s.notice.ok ? 'status' : 'alert'}
        >
          {s.notice.text}
        </p>
      )}
      <section className="panel" aria-labelledby="anchor-form-title">
        <h2 id="anchor-form-title">Chain anchoring</h2>
        <p className="muted">
          Where this tenant publishes its checkpoint roots. Settings belong to the tenant; changing them is a
          critical action.
        </p>
        <form className="anchor-form" onSubmit={save} noValidate>
          <div className="field field-wide">
            <label htmlFor="anchor-rpcUrl">RPC URL</label>
            <input type="url" {...field('rpcUrl')} placeholder="https://rpc.example.org" spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor="anchor-chainId">Chain id</label>
            <input type="text" inputMode="numeric" {...field('chainId')} placeholder="1" />
          </div>
          <div className="field field-2">
            <label htmlFor="anchor-contract">Anchor contract</label>
            <input type="text" {...field('contract')} placeholder="0x…" spellCheck={false} className="mono" />
          </div>
          <div className="field">
            <label htmlFor="anchor-confirmations">Confirmations</label>
            <input type="text" inputMode="numeric" {...field('confirmations')} />
            <span className="hint">Blocks before an anchor is final</span>
          </div>
          <div className="field field-2">
            <label htmlFor="anchor-publisher">Publisher address (for the test)</label>
            <input
              type="text"
              {...field('publisher')}
              placeholder="optional"
              spellCheck={false}
              className="mono"
            />
            <span className="hint">Checked against the contract&apos;s allowlist; not stored</span>
          </div>
          <label className="confirm field-check">
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
            />
            Anchoring enabled
          </label>
          {formError !== null && (
            <p className="error field-wide" role="alert">
              {formError}
            </p>
          )}
          <div className="field-actions button-row">
            <button type="button" className="secondary" onClick={test} disabled={s.test.running}>
              {s.test.running ? 'Testing…' : 'Test connection'}
            </button>
            <button type="submit" className="primary" disabled={saving}>
              Save settings
            </button>
          </div>
        </form>
        {s.test.error !== null && (
          <div className="conn conn-bad" data-testid="connection-error" role="alert">
            <p className="conn-head">Connection test failed</p>
            <p>{s.test.error}</p>
          </div>
        )}
        {s.test.report !== null && <Report report={s.test.report} expected={s.test.expectedChainId} />}
      </section>
    </div>
  );
}
