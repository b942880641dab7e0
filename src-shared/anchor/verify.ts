/**
 * The anchors stage of the auditor's pipeline, pure part (docs/anchoring.md, "Verifier"): given a
 * bundle's checkpoints, the trust file's anchor section and what one or more RPCs returned (chain id,
 * head, finalized block and the Anchored events for the expected commitments, from every contract),
 * decide for each checkpoint whether its anchor is present, final, and exactly what it should be.
 *
 * An event counts only when it was emitted by the contract the trust file names, by a publisher it
 * pins, with the same root, tree size and checkpoint hash. An event with the right commitment on
 * any other contract (a look-alike deployed by anyone) is reported as "wrong contract", never
 * accepted. With several RPCs, they must agree on every relevant event and its block hash.
 * Failures are data (stage result + list), never exceptions.
 */
import { aint, equalBytes } from '../bytes.js';
import type { StageResult } from '../verify/report.js';
import { anchorCommitmentHex, hex0x, word32 } from './commitment.js';
import { confirmationsOf, isFinal, type Hex } from './lifecycle.js';
import type { AnchorTrust } from './trust.js';

export const ANCHOR_VERIFY_CODES = Object.freeze([
  'QT_VERIFY_ANCHOR_CHAIN_ID',
  'QT_VERIFY_ANCHOR_RPC',
  'QT_VERIFY_ANCHOR_RPC_DISAGREE',
  'QT_VERIFY_ANCHOR_MISSING',
  'QT_VERIFY_ANCHOR_NOT_FINAL',
  'QT_VERIFY_ANCHOR_MISMATCH',
  'QT_VERIFY_ANCHOR_PUBLISHER',
  'QT_VERIFY_ANCHOR_WRONG_CONTRACT',
] as const);
export type AnchorVerifyCode = (typeof ANCHOR_VERIFY_CODES)[number];

/** A failure in the shape of the verifier's VerifyFailure (src-shared/verify/report.ts). */
export interface AnchorFailure {
  readonly stage: 'anchors';
  readonly code: AnchorVerifyCode;
  readonly log: string | null;
  readonly seq: null;
  readonly treeSize?: number;
  readonly message: string;
}

/** A checkpoint of the bundle: its tree size, root and checkpointHash(text). */
export interface AnchorCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly checkpointHash: Uint8Array;
  /** Whether the bundle claims this checkpoint is anchored (default true): only those must be. */
  readonly claimsAnchor?: boolean;
}

/** One Anchored event as an RPC returned it (any contract: the query has no address filter). */
export interface ObservedAnchorLog {
  readonly address: Hex;
  readonly commitment: Hex;
  readonly publisher: Hex;
  readonly root: Hex;
  readonly treeSize: number;
  readonly checkpointHash: Hex;
  readonly blockNumber: number;
  readonly blockHash: Hex;
  readonly txHash: Hex;
  readonly logIndex: number;
  readonly removed?: boolean;
}

/** What one RPC returned; `error` when it could not be asked (its other fields are then ignored). */
export interface SourceObservation {
  /** A label for messages (e.g. "rpc #1"); never the URL, which may carry credentials. */
  readonly label: string;
  readonly chainId: number;
  readonly head: number;
  readonly finalized: number | null;
  readonly logs: readonly ObservedAnchorLog[];
  readonly error?: string;
}

export type AnchorStatus =
  'final' | 'not-final' | 'missing' | 'mismatch' | 'wrong-publisher' | 'wrong-contract' | 'unclaimed';

export interface AnchorCheck {
  readonly treeSize: number;
  readonly commitment: Hex;
  readonly status: AnchorStatus;
  readonly blockNumber?: number;
  readonly blockHash?: Hex;
  readonly txHash?: Hex;
  readonly confirmations?: number;
}

export interface AnchorStageOutput {
  readonly stage: StageResult;
  readonly failures: readonly AnchorFailure[];
  readonly anchors: readonly AnchorCheck[];
}

export interface AnchorVerifyInput {
  readonly checkpoints: readonly AnchorCheckpoint[];
  readonly trust: AnchorTrust;
  readonly sources: readonly SourceObservation[];
  /** Required confirmations; at least the trust file's (a larger value wins). */
  readonly confirmations?: number;
  readonly log?: string | null;
}

/** The commitments to ask the chain for: one per checkpoint (deduplicated by tree size). */
export function expectedCommitments(trust: AnchorTrust, checkpoints: readonly AnchorCheckpoint[]): Hex[] {
  const seen = new Set<Hex>();
  for (const c of checkpoints) {
    if (c.treeSize === 0) continue;
    seen.add(anchorCommitmentHex(trust.salt, trust.origin, c.treeSize));
  }
  return [...seen];
}

/** The stage result when no RPC was given: anchors are plainly not checked. */
export function anchorsNotChecked(
  reason = 'anchors were not checked: no RPC URL was given (--rpc)',
): AnchorStageOutput {
  return {
    stage: { stage: 'anchors', status: 'not-checked', checked: 0, failures: 0, note: reason },
    failures: [],
    anchors: [],
  };
}

function logKey(l: ObservedAnchorLog): string {
  return [
    l.address,
    l.commitment,
    l.publisher,
    l.root,
    l.treeSize,
    l.checkpointHash,
    l.blockNumber,
    l.blockHash,
    l.txHash,
    l.logIndex,
  ].join(':');
}

/** Decides the anchors stage from what the RPCs returned. */
export function verifyAnchorObservations(input: AnchorVerifyInput): AnchorStageOutput {
  const { trust } = input;
  const log = input.log ?? trust.origin;
  const required = Math.max(
    trust.confirmations,
    aint(input.confirmations ?? 1, 'confirmations', 1, 1_000_000),
  );
  const failures: AnchorFailure[] = [];
  const fail = (code: AnchorVerifyCode, message: string, treeSize?: number): void => {
    failures.push({
      stage: 'anchors',
      code,
      log,
      seq: null,
      ...(treeSize === undefined ? {} : { treeSize }),
      message,
    });
  };
  const done = (anchors: AnchorCheck[], note?: string): AnchorStageOutput => ({
    stage: {
      stage: 'anchors',
      status: failures.length > 0 ? 'failed' : 'passed',
      checked: anchors.length,
      failures: failures.length,
      ...(note === undefined ? {} : { note }),
    },
    failures,
    anchors,
  });

  if (input.sources.length === 0) return anchorsNotChecked();
  const usable: SourceObservation[] = [];
  for (const s of input.sources) {
    if (s.error !== undefined) fail('QT_VERIFY_ANCHOR_RPC', `${s.label} could not be queried: ${s.error}`);
    else if (s.chainId !== trust.chainId) {
      fail(
        'QT_VERIFY_ANCHOR_CHAIN_ID',
        `${s.label} serves chain id ${s.chainId}, the trust file names ${trust.chainId}`,
      );
    } else usable.push(s);
  }
  if (usable.length === 0) return done([], 'no RPC answered for the trusted chain');

  const commitments = new Set(expectedCommitments(trust, input.checkpoints));
  // Compare only what every RPC has had the chance to see: events up to the lowest head.
  const head = Math.min(...usable.map((s) => s.head));
  const reported = usable.map((s) => s.finalized).filter((f): f is number => f !== null);
  const finalized = reported.length > 0 ? Math.min(...reported) : null;
  const relevant = (s: SourceObservation): ObservedAnchorLog[] =>
    s.logs.filter(
      (l) =>
        l.removed !== true && l.blockNumber <= head && commitments.has(l.commitment.toLowerCase() as Hex),
    );
  const first = usable[0] as SourceObservation;
  const reference = relevant(first);
  if (usable.length > 1) {
    const ref = new Set(reference.map(logKey));
    for (const s of usable.slice(1)) {
      const other = new Set(relevant(s).map(logKey));
      const onlyRef = [...ref].filter((k) => !other.has(k)).length;
      const onlyOther = [...other].filter((k) => !ref.has(k)).length;
      if (onlyRef + onlyOther > 0) {
        fail(
          'QT_VERIFY_ANCHOR_RPC_DISAGREE',
          `${first.label} and ${s.label} disagree on anchor events up to block ${head}: ${onlyRef} seen only by ${first.label}, ${onlyOther} only by ${s.label} (different events or block hashes)`,
        );
      }
    }
  }

  const byCommitment = new Map<string, ObservedAnchorLog[]>();
  for (const l of reference) {
    const k = l.commitment.toLowerCase();
    byCommitment.set(k, [...(byCommitment.get(k) ?? []), l]);
  }
  const pinned = new Set(trust.publishers);
  const anchors: AnchorCheck[] = [];
  let unclaimed = 0;
  for (const cp of input.checkpoints) {
    const treeSize = aint(cp.treeSize, 'checkpoints[].treeSize');
    if (treeSize === 0) continue; // an empty tree is never anchored (the contract refuses it)
    const commitment = anchorCommitmentHex(trust.salt, trust.origin, treeSize);
    const candidates = byCommitment.get(commitment) ?? [];
    const onContract = candidates.filter((l) => l.address.toLowerCase() === trust.contract);
    const fromPinned = onContract.filter((l) => pinned.has(l.publisher.toLowerCase() as Hex));
    const matches = (l: ObservedAnchorLog): boolean =>
      l.treeSize === treeSize &&
      equalBytes(word32(l.root, 'root'), cp.rootHash) &&
      equalBytes(word32(l.checkpointHash, 'checkpointHash'), cp.checkpointHash);
    const good = fromPinned
      .filter(matches)
      .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const wrong = fromPinned.filter((l) => !matches(l));
    for (const l of wrong) {
      fail(
        'QT_VERIFY_ANCHOR_MISMATCH',
        `checkpoint of size ${treeSize}: the anchor in block ${l.blockNumber} (tx ${l.txHash}) says root ${l.root}, size ${l.treeSize}, checkpoint hash ${l.checkpointHash}; the bundle has root ${hex0x(cp.rootHash)}, checkpoint hash ${hex0x(cp.checkpointHash)}`,
        treeSize,
      );
    }
    const best = good[0];
    if (best === undefined) {
      if (cp.claimsAnchor === false) {
        unclaimed++;
        anchors.push({ treeSize, commitment, status: 'unclaimed' });
        continue;
      }
      if (wrong.length > 0) {
        anchors.push({ treeSize, commitment, status: 'mismatch' });
      } else if (onContract.length > 0) {
        const who = [...new Set(onContract.map((l) => l.publisher))].join(', ');
        fail(
          'QT_VERIFY_ANCHOR_PUBLISHER',
          `checkpoint of size ${treeSize}: anchored on the trusted contract only by ${who}, which the trust file does not pin`,
          treeSize,
        );
        anchors.push({ treeSize, commitment, status: 'wrong-publisher' });
      } else if (candidates.length > 0) {
        const where = [...new Set(candidates.map((l) => l.address))].join(', ');
        fail(
          'QT_VERIFY_ANCHOR_WRONG_CONTRACT',
          `checkpoint of size ${treeSize}: its commitment appears only on ${where}, not on the trusted contract ${trust.contract}`,
          treeSize,
        );
        anchors.push({ treeSize, commitment, status: 'wrong-contract' });
      } else {
        fail(
          'QT_VERIFY_ANCHOR_MISSING',
          `checkpoint of size ${treeSize}: no anchor with commitment ${commitment} on chain ${trust.chainId} up to block ${head}`,
          treeSize,
        );
        anchors.push({ treeSize, commitment, status: 'missing' });
      }
      continue;
    }
    const confirmations = confirmationsOf(best.blockNumber, head);
    const final = isFinal(best.blockNumber, head, finalized, required);
    const found = {
      blockNumber: best.blockNumber,
      blockHash: best.blockHash,
      txHash: best.txHash,
      confirmations,
    };
    if (!final) {
      fail(
        'QT_VERIFY_ANCHOR_NOT_FINAL',
        `checkpoint of size ${treeSize}: anchored in block ${best.blockNumber} with ${confirmations} confirmation(s); ${required} required${finalized !== null && best.blockNumber > finalized ? `, and above the finalized block ${finalized}` : ''}`,
        treeSize,
      );
    }
    anchors.push({
      treeSize,
      commitment,
      status: wrong.length > 0 ? 'mismatch' : final ? 'final' : 'not-final',
      ...found,
    });
  }
  const finals = anchors.filter((a) => a.status === 'final').length;
  const note = `${finals} of ${anchors.length - unclaimed} anchor(s) final on chain ${trust.chainId} (${required} confirmations${finalized !== null ? ', finalized tag' : ''}; ${usable.length} RPC(s))${unclaimed > 0 ? `; ${unclaimed} checkpoint(s) claim no anchor` : ''}`;
  return done(anchors, note);
}
