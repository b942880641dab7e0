/**
 * Anchors every checkpoint of an evidence log and drives the publisher until each is included (or
 * final): what `qtrust demo generate ... --rpc URL` calls. On a development chain (anvil) pass
 * `mine` to produce blocks, since finality needs confirmations and anvil's finalized block trails
 * its head by 64.
 */
import { QtError } from '../../src-shared/errors.js';
import type { AnchorState } from '../../src-shared/anchor/lifecycle.js';
import {
  AnchorPublisher,
  type CheckpointToAnchor,
  type EvidenceSink,
  type PublisherConfig,
  type Scheduler,
} from './publisher.js';
import { AnchorQueueStore, type QueuedAnchor } from './queue-store.js';

/** What anchorAllCheckpoints needs from the log: EvidenceLog fits. */
export interface AnchorableLog extends EvidenceSink {
  checkpoints(): readonly CheckpointToAnchor[];
}

export interface AnchorAllOptions {
  readonly publisher: PublisherConfig;
  /** The anchor queue database. */
  readonly queuePath: string;
  /** 'included' (default) or 'final'. */
  readonly until?: Extract<AnchorState, 'included' | 'final'>;
  /** Called between ticks with no progress, e.g. to mine blocks on anvil (`anvil_mine`). */
  readonly mine?: () => Promise<void>;
  readonly maxTicks?: number;
  readonly scheduler?: Scheduler;
}

export async function anchorAllCheckpoints(log: AnchorableLog, o: AnchorAllOptions): Promise<QueuedAnchor[]> {
  const store = AnchorQueueStore.open(o.queuePath);
  try {
    const p = new AnchorPublisher(store, o.publisher, {
      evidence: log,
      ...(o.scheduler === undefined ? {} : { scheduler: o.scheduler }),
    });
    for (const cp of log.checkpoints()) if (cp.size > 0) await p.enqueue(cp);
    const want: readonly AnchorState[] = o.until === 'final' ? ['final'] : ['included', 'final'];
    const max = o.maxTicks ?? 200;
    for (let i = 0; i < max; i++) {
      const r = await p.tick();
      if (!r.ok) throw r.error ?? new QtError('QT_ANCHOR_RPC', 'anchoring failed');
      const entries = p.entries();
      if (entries.every((e) => want.includes(e.state))) return entries;
      if (r.transitions.length === 0 && o.mine !== undefined) await o.mine();
      else if (r.transitions.length === 0)
        await new Promise((res) => setTimeout(res, o.publisher.pollMs ?? 1000));
    }
    throw new QtError('QT_ANCHOR_TIMEOUT', `checkpoints were not all ${want[0] ?? ''} after ${max} ticks`);
  } finally {
    store.close();
  }
}
