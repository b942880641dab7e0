import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { pollAnchorStatus } from '../store/anchor-actions.js';
import type { AnchorStatus } from '../store/anchor-slice.js';
import { useStore } from '../store/index.js';
import { formatRowTime } from './format.js';

/** How often the anchor status is polled while the Evidence section is open (a head look-up each time). */
export const ANCHOR_POLL_MS = 3000;

type Row = AnchorStatus['checkpoints'][number];

/** The state in words: queued, submitted, included with N confirmations, final, reorged (re-queued). */
export function anchorText(row: Row, required: number): { text: string; cls: string } {
  const again = row.reorgs > 0 ? ` after ${row.reorgs} reorg${row.reorgs === 1 ? '' : 's'}` : '';
  switch (row.state) {
    case 'none':
      return { text: 'not anchored', cls: 'anchor-none' };
    case 'queued':
      return row.reorgs > 0
        ? { text: `reorged: re-queued`, cls: 'anchor-reorged' }
        : { text: 'queued', cls: 'anchor-queued' };
    case 'submitted':
      return { text: `submitted${again}`, cls: row.reorgs > 0 ? 'anchor-reorged' : 'anchor-queued' };
    case 'included':
      return {
        text:
          row.confirmations === null
            ? `included${again}`
            : `included, ${row.confirmations} of ${required} confirmations${again}`,
        cls: 'anchor-included',
      };
    case 'final':
      return {
        text: `final${row.confirmations === null ? '' : ` (${row.confirmations} confirmations)`}`,
        cls: 'anchor-final',
      };
  }
}

/** The anchor state of the checkpoint of `log` with tree size `size`, as last polled (RecordDetail). */
export function AnchorBadge({ log, size }: { log: string; size: number }) {
  const status = useStore((s) => s.anchorStatus[log] ?? null);
  const row = status?.checkpoints.find((c) => c.treeSize === size);
  if (status === null || row === undefined) return <span className="muted">—</span>;
  const a = anchorText(row, status.confirmations);
  return (
    <span className={`anchor-state ${a.cls}`} data-testid="checkpoint-anchor">
      {a.text}
    </span>
  );
}

/** Anchor status of the shown log's checkpoints, newest first (Evidence section). */
export function AnchorStatusPanel({ log }: { log: string }) {
  const { status, error } = useStore(
    useShallow((s) => ({ status: s.anchorStatus[log] ?? null, error: s.anchorStatusError })),
  );
  useEffect(() => {
    void pollAnchorStatus(log);
    const timer = setInterval(() => void pollAnchorStatus(log), ANCHOR_POLL_MS);
    return () => clearInterval(timer);
  }, [log]);

  if (status === null) return null;
  return (
    <section className="panel anchors" aria-labelledby="anchors-title" data-testid="anchor-status">
      <div className="anchors-head">
        <h2 id="anchors-title">Checkpoints and anchors</h2>
        <span className="muted small">
          {!status.configured
            ? 'Anchoring is not configured (Settings)'
            : status.head !== null
              ? `Chain head ${status.head.toLocaleString('en-US')} · final at ${status.confirmations} confirmations`
              : `Chain head unknown: ${status.headError ?? ''}`}
        </span>
      </div>
      {error !== null && <p className="error small">{error}</p>}
      {status.checkpoints.length === 0 ? (
        <p className="muted small">No checkpoint yet.</p>
      ) : (
        <div className="anchors-scroll">
          <table className="anchor-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Tree size
                </th>
                <th scope="col">Signed</th>
                <th scope="col">Anchor</th>
                <th scope="col">Block</th>
                <th scope="col">Checkpoint hash</th>
              </tr>
            </thead>
            <tbody>
              {status.checkpoints.map((c) => {
                const a = anchorText(c, status.confirmations);
                return (
                  <tr key={c.checkpointHash} data-tree-size={c.treeSize}>
                    <td className="num">{c.treeSize.toLocaleString('en-US')}</td>
                    <td className="small">{formatRowTime(c.time)}</td>
                    <td>
                      <span
                        className={`anchor-state ${a.cls}`}
                        data-testid="anchor-state"
                        title={c.lastError ?? undefined}
                      >
                        {a.text}
                      </span>
                    </td>
                    <td className="small num">
                      {c.blockNumber === null ? '—' : c.blockNumber.toLocaleString('en-US')}
                    </td>
                    <td className="mono small hex-cell">{c.checkpointHash.slice(0, 16)}…</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
