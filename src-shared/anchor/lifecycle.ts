/**
 * The anchor lifecycle as a pure state machine (docs/anchoring.md, "Lifecycle"). The adapter
 * (src-main/anchor/publisher.ts) observes the chain, hands the observation to `advance`, and carries
 * out the action it returns; every transition it returns is recorded as an 'anchor' evidence record
 * (bookkeeping: it never triggers a checkpoint), and a reorg of a final anchor as an 'incident'.
 *
 *   queued -> submitted (tx hash, nonce) -> included (block number, hash) -> final
 *      ^            |                            |                            |
 *      +---- dropped / reverted -----------------+-- reorged (re-queued) -----+ (+ incident)
 *
 * Final means: at least N confirmations (the anchor's block counts as one) and, when the RPC reports
 * a `finalized` block, at or below it. The stricter rule wins.
 */
import { aint } from '../bytes.js';
import { QtError } from '../errors.js';

export const ANCHOR_STATES = Object.freeze(['queued', 'submitted', 'included', 'final'] as const);
export type AnchorState = (typeof ANCHOR_STATES)[number];

/** What an evidence record of kind 'anchor' says happened. */
export type AnchorEvent = 'queued' | 'submitted' | 'included' | 'final' | 'reorged';

export const DEFAULT_CONFIRMATIONS = 12;
/** Blocks a submitted transaction may stay unseen (no receipt, not pending) before it is re-queued. */
export const DEFAULT_DROP_AFTER_BLOCKS = 32;

export type Hex = `0x${string}`;

export interface BlockRef {
  readonly number: number;
  readonly hash: Hex;
}

export interface AnchorEntry {
  readonly checkpointHash: Hex;
  readonly root: Hex;
  readonly treeSize: number;
  readonly commitment: Hex;
  readonly state: AnchorState;
  /** Submissions so far (a re-submission after a reorg or a drop counts too). */
  readonly attempts: number;
  /** The anchor transaction; nonce is null for one adopted from the chain rather than sent by this queue. */
  readonly tx?: { readonly hash: Hex; readonly nonce: number | null; readonly atBlock: number };
  readonly block?: BlockRef;
  /** True once this anchor was counted final: a later reorg of it is an incident. */
  readonly wasFinal: boolean;
  /** Reorgs seen for this anchor. */
  readonly reorgs: number;
}

/** What the adapter saw on the chain for one entry, at one moment. */
export interface ChainObservation {
  /** Latest block number. */
  readonly head: number;
  /** The `finalized` block number, when the RPC reports one. */
  readonly finalized: number | null;
  /** Receipt of the entry's transaction, when it has one on the canonical chain. */
  readonly receipt?: { readonly status: 'success' | 'reverted'; readonly block: BlockRef } | null;
  /** Whether the node still knows the transaction (pending or mined). */
  readonly txKnown?: boolean;
  /** Hash of the canonical block at the entry's block number (null when beyond the head). */
  readonly canonicalHash?: Hex | null;
  /** An Anchored event for this checkpoint hash already on the canonical chain (found by commitment). */
  readonly existing?: { readonly txHash: Hex; readonly block: BlockRef } | null;
}

export interface FinalityRule {
  readonly confirmations: number;
  readonly dropAfterBlocks?: number;
}

export type AnchorAction =
  /** Submit a new anchor transaction (check `isAnchored` first: the adapter does, see publisher.ts). */
  | { readonly type: 'submit' }
  /** Nothing to do until the chain moves. */
  | { readonly type: 'wait' }
  /** Final and settled; nothing left but watching for a deep reorg. */
  | { readonly type: 'done' };

export interface Transition {
  readonly event: AnchorEvent;
  readonly from: AnchorState;
  readonly to: AnchorState;
  readonly tx?: AnchorEntry['tx'];
  readonly block?: BlockRef;
  /** Set on a 'reorged' transition of an anchor that had been counted final. */
  readonly incident?: boolean;
  readonly reason?: string;
}

export interface Step {
  readonly entry: AnchorEntry;
  readonly transitions: readonly Transition[];
  readonly action: AnchorAction;
}

/** Whether a block is final under the rule: N confirmations and, where reported, not above `finalized`. */
export function isFinal(
  blockNumber: number,
  head: number,
  finalized: number | null,
  confirmations: number,
): boolean {
  aint(blockNumber, 'blockNumber');
  aint(head, 'head');
  aint(confirmations, 'confirmations', 1, 1_000_000);
  if (finalized !== null && blockNumber > aint(finalized, 'finalized')) return false;
  return head >= blockNumber && head - blockNumber + 1 >= confirmations;
}

/** Confirmations of a block at `head` (the block itself counts as one; 0 when beyond the head). */
export function confirmationsOf(blockNumber: number, head: number): number {
  return head >= blockNumber ? head - blockNumber + 1 : 0;
}

/** A new entry, queued. */
export function newEntry(
  fields: Pick<AnchorEntry, 'checkpointHash' | 'root' | 'treeSize' | 'commitment'>,
): Step {
  aint(fields.treeSize, 'treeSize', 1);
  const entry: AnchorEntry = { ...fields, state: 'queued', attempts: 0, wasFinal: false, reorgs: 0 };
  return {
    entry,
    transitions: [{ event: 'queued', from: 'queued', to: 'queued' }],
    action: { type: 'submit' },
  };
}

/** Records that the adapter sent the anchor transaction. */
export function submitted(entry: AnchorEntry, tx: { hash: Hex; nonce: number; atBlock: number }): Step {
  if (entry.state !== 'queued') {
    throw new QtError('QT_ANCHOR_STATE', `cannot submit an anchor in state ${entry.state}`, {
      path: 'entry.state',
    });
  }
  aint(tx.nonce, 'tx.nonce');
  aint(tx.atBlock, 'tx.atBlock');
  const next: AnchorEntry = { ...entry, state: 'submitted', attempts: entry.attempts + 1, tx: { ...tx } };
  return {
    entry: withoutBlock(next),
    transitions: [{ event: 'submitted', from: 'queued', to: 'submitted', tx: next.tx }],
    action: { type: 'wait' },
  };
}

function withoutBlock(e: AnchorEntry): AnchorEntry {
  const { block: _block, ...rest } = e;
  return rest;
}

function requeue(entry: AnchorEntry, reason: string, reorg: boolean): Step {
  const { tx: _tx, block: _block, ...rest } = entry;
  const next: AnchorEntry = { ...rest, state: 'queued', reorgs: entry.reorgs + (reorg ? 1 : 0) };
  const t: Transition = {
    event: reorg ? 'reorged' : 'queued',
    from: entry.state,
    to: 'queued',
    ...(entry.tx === undefined ? {} : { tx: entry.tx }),
    ...(entry.block === undefined ? {} : { block: entry.block }),
    ...(reorg && entry.state === 'final' ? { incident: true } : {}),
    reason,
  };
  return { entry: next, transitions: [t], action: { type: 'submit' } };
}

/** Moves an included entry on to final when the rule allows. */
function maybeFinal(
  entry: AnchorEntry,
  obs: ChainObservation,
  rule: FinalityRule,
  transitions: Transition[],
): Step {
  const block = entry.block as BlockRef;
  if (entry.state === 'included' && isFinal(block.number, obs.head, obs.finalized, rule.confirmations)) {
    const next: AnchorEntry = { ...entry, state: 'final', wasFinal: true };
    transitions.push({ event: 'final', from: 'included', to: 'final', block });
    return { entry: next, transitions, action: { type: 'done' } };
  }
  return { entry, transitions, action: { type: entry.state === 'final' ? 'done' : 'wait' } };
}

function include(
  entry: AnchorEntry,
  block: BlockRef,
  txHash: Hex,
  obs: ChainObservation,
  rule: FinalityRule,
): Step {
  const tx =
    entry.tx !== undefined && entry.tx.hash === txHash
      ? entry.tx
      : { hash: txHash, nonce: null, atBlock: block.number };
  const next: AnchorEntry = { ...entry, state: 'included', block, tx };
  return maybeFinal(next, obs, rule, [{ event: 'included', from: entry.state, to: 'included', block, tx }]);
}

/**
 * One step: given what the chain shows now, the entry's next state, the transitions to record and
 * the action to take. Pure and total: every (state, observation) pair has an answer.
 */
export function advance(entry: AnchorEntry, obs: ChainObservation, rule: FinalityRule): Step {
  aint(obs.head, 'obs.head');
  if (obs.finalized !== null) aint(obs.finalized, 'obs.finalized');
  aint(rule.confirmations, 'rule.confirmations', 1, 1_000_000);
  const dropAfter = aint(rule.dropAfterBlocks ?? DEFAULT_DROP_AFTER_BLOCKS, 'rule.dropAfterBlocks', 1);
  switch (entry.state) {
    case 'queued':
      // Already on chain (our earlier transaction, re-mined after a reorg, or sent before a crash):
      // adopt it instead of sending another; the contract would refuse the duplicate anyway.
      if (obs.existing) return include(entry, obs.existing.block, obs.existing.txHash, obs, rule);
      return { entry, transitions: [], action: { type: 'submit' } };
    case 'submitted': {
      const tx = entry.tx as NonNullable<AnchorEntry['tx']>;
      if (obs.receipt?.status === 'success') return include(entry, obs.receipt.block, tx.hash, obs, rule);
      if (obs.existing) return include(entry, obs.existing.block, obs.existing.txHash, obs, rule);
      if (obs.receipt?.status === 'reverted') return requeue(entry, 'transaction reverted', false);
      if (obs.txKnown === false && obs.head - tx.atBlock >= dropAfter) {
        return requeue(entry, `transaction unseen for ${obs.head - tx.atBlock} blocks`, false);
      }
      return { entry, transitions: [], action: { type: 'wait' } };
    }
    case 'included':
    case 'final': {
      const block = entry.block as BlockRef;
      if (obs.canonicalHash !== undefined && obs.canonicalHash !== block.hash) {
        // The block holding the anchor is no longer canonical (or no longer exists).
        if (obs.existing && obs.existing.block.hash !== block.hash) {
          // The same transaction (or another of ours) was re-mined in the new branch: record the
          // reorg, then the new inclusion.
          const r = requeue(entry, 'block no longer canonical; anchor found again on the new branch', true);
          const again = include(r.entry, obs.existing.block, obs.existing.txHash, obs, rule);
          return {
            entry: again.entry,
            transitions: [...r.transitions, ...again.transitions],
            action: again.action,
          };
        }
        return requeue(entry, 'block no longer canonical', true);
      }
      return maybeFinal(entry, obs, rule, []);
    }
  }
}
