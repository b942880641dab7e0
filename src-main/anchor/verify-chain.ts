/**
 * The anchors stage against real RPCs (docs/anchoring.md, "Verifier"): asks each RPC for its chain
 * id, head, finalized block and the Anchored events of every expected commitment (one eth_getLogs
 * per block range and commitment chunk, OR-topic filter, no address filter so that look-alike
 * contracts are seen and named), then lets the pure stage (src-shared/anchor/verify.ts) decide.
 * A few dozen calls at most for ten thousand anchors; never one call per anchor.
 */
import { createPublicClient, http, type PublicClient, type Transport } from 'viem';
import {
  expectedCommitments,
  verifyAnchorObservations,
  type AnchorCheckpoint,
  type AnchorStageOutput,
  type SourceObservation,
} from '../../src-shared/anchor/verify.js';
import type { AnchorTrust } from '../../src-shared/anchor/trust.js';
import { BaseError } from 'viem';
import { QtError } from '../../src-shared/errors.js';
import { fetchAnchoredLogs } from './logs.js';

export interface VerifyAnchorsOptions {
  readonly checkpoints: readonly AnchorCheckpoint[];
  readonly trust: AnchorTrust;
  /** One or more RPC URLs; with several, they must agree. Empty: the stage is "not checked". */
  readonly rpcUrls: readonly string[];
  /** Required confirmations (the trust file's minimum applies when larger). */
  readonly confirmations?: number;
  readonly log?: string | null;
  /** Replaces http(url) per URL (tests and the benchmark count calls with it). */
  readonly transport?: (url: string) => Transport;
  readonly blockChunk?: number;
  readonly topicChunk?: number;
  readonly timeoutMs?: number;
}

async function observe(
  label: string,
  client: PublicClient,
  o: VerifyAnchorsOptions,
  commitments: `0x${string}`[],
): Promise<SourceObservation> {
  try {
    const [chainId, head] = await Promise.all([client.getChainId(), client.getBlockNumber({ cacheTime: 0 })]);
    if (chainId !== o.trust.chainId) return { label, chainId, head: Number(head), finalized: null, logs: [] };
    const finalized = await client.getBlock({ blockTag: 'finalized' }).then(
      (b) => (b.number === null ? null : Number(b.number)),
      () => null,
    );
    const logs = await fetchAnchoredLogs(client, {
      commitments,
      fromBlock: o.trust.fromBlock,
      toBlock: Number(head),
      ...(o.blockChunk === undefined ? {} : { blockChunk: o.blockChunk }),
      ...(o.topicChunk === undefined ? {} : { topicChunk: o.topicChunk }),
    });
    return { label, chainId, head: Number(head), finalized, logs };
  } catch (e) {
    const message = e instanceof BaseError ? e.shortMessage : e instanceof Error ? e.message : String(e);
    return { label, chainId: 0, head: 0, finalized: null, logs: [], error: message };
  }
}

/**
 * Verifies the anchors of a bundle's checkpoints. Returns the stage result, failures (in the
 * verifier's failure shape) and one line per checkpoint; RPC trouble is a failure, not an exception.
 */
export async function verifyAnchors(o: VerifyAnchorsOptions): Promise<AnchorStageOutput> {
  if (!Array.isArray(o.rpcUrls))
    throw new QtError('QT_TYPE', 'rpcUrls must be an array of URLs', { path: 'rpcUrls' });
  const commitments = expectedCommitments(o.trust, o.checkpoints);
  const sources = await Promise.all(
    o.rpcUrls.map((url, i) => {
      const transport = o.transport?.(url) ?? http(url, { retryCount: 1, timeout: o.timeoutMs ?? 30_000 });
      return observe(`rpc #${i + 1}`, createPublicClient({ transport }), o, commitments);
    }),
  );
  return verifyAnchorObservations({
    checkpoints: o.checkpoints,
    trust: o.trust,
    sources,
    ...(o.confirmations === undefined ? {} : { confirmations: o.confirmations }),
    ...(o.log === undefined ? {} : { log: o.log }),
  });
}
