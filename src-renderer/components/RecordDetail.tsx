import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store/index.js';
import { AnchorBadge } from './AnchorStatusPanel.js';
import { formatTime } from './format.js';

const STATUS_TEXT = {
  verified: 'verified',
  failed: 'FAILED',
  'not-covered': 'not yet covered by a checkpoint',
} as const;

/** One record: canonical form, hash, prev, its covering checkpoint and the inclusion proof's status. */
export function RecordDetail() {
  const { selected, detail, error } = useStore(
    useShallow((s) => ({
      selected: s.evidenceSelected,
      detail: s.evidenceDetail,
      error: s.evidenceDetailError,
    })),
  );

  if (selected === null) {
    return (
      <aside className="panel record-detail record-detail-empty" aria-label="Record detail">
        <p className="muted">Select a record to see its canonical form, hashes and inclusion proof.</p>
      </aside>
    );
  }
  if (error !== null) {
    return (
      <aside className="panel record-detail" aria-label="Record detail">
        <p className="error" role="alert">
          Could not read record {selected}: {error}
        </p>
      </aside>
    );
  }
  if (detail === null || detail.seq !== selected) {
    return (
      <aside className="panel record-detail" aria-label="Record detail" aria-busy="true">
        <p className="muted">Reading record {selected}…</p>
      </aside>
    );
  }
  const inc = detail.inclusion;
  const cp = detail.checkpoint;
  return (
    <aside className="panel record-detail" aria-label="Record detail" data-testid="record-detail">
      <div className="detail-head">
        <h2>Record {detail.seq}</h2>
        <span className={`tag kind kind-${detail.kind}`}>{detail.kind}</span>
      </div>
      <p
        className={`proof-status proof-${inc.status}`}
        data-testid="inclusion-status"
        role="status"
        title={inc.error ?? undefined}
      >
        <span className="dot" aria-hidden="true" />
        inclusion proof: {STATUS_TEXT[inc.status]}
        {inc.treeSize !== null && (
          <span className="muted">
            {' '}
            (tree size {inc.treeSize}, {inc.proof.length} hashes)
          </span>
        )}
      </p>
      {inc.error !== null && <p className="error">{inc.error}</p>}
      <dl className="facts facts-tight">
        <dt>Time</dt>
        <dd>{formatTime(detail.time)}</dd>
        <dt>Log</dt>
        <dd className="mono">{detail.log}</dd>
        <dt>Hash</dt>
        <dd className="mono hex" data-testid="record-hash">
          {detail.hash}
        </dd>
        <dt>Prev</dt>
        <dd className="mono hex">{detail.prev}</dd>
        <dt>Leaf</dt>
        <dd className="mono hex">{detail.leaf}</dd>
      </dl>
      <h3>Covering checkpoint</h3>
      {cp === null ? (
        <p className="muted">None yet: the next checkpoint will cover this record.</p>
      ) : (
        <dl className="facts facts-tight" data-testid="checkpoint">
          <dt>Tree size</dt>
          <dd>{cp.size}</dd>
          <dt>Signed</dt>
          <dd>{formatTime(cp.time)}</dd>
          <dt>Root</dt>
          <dd className="mono hex">{cp.root}</dd>
          <dt>Signatures</dt>
          <dd>
            {cp.signature === 'verified' ? (
              <span className="badge badge-pass">Verified</span>
            ) : (
              <span className="badge badge-fail" title={cp.error ?? undefined}>
                Failed
              </span>
            )}
            {cp.error !== null && <span className="error"> {cp.error}</span>}
          </dd>
          <dt>Anchor</dt>
          <dd>
            <AnchorBadge log={detail.log} size={cp.size} />
          </dd>
        </dl>
      )}
      <h3>Canonical form</h3>
      <pre className="canonical mono" data-testid="canonical">
        {detail.canonical}
      </pre>
    </aside>
  );
}
