/**
 * Fetching Anchored events in bulk: one `eth_getLogs` per (block range, commitment chunk), with an
 * OR filter on the commitment topic (topic1 = [c1, c2, ...], Ethereum JSON-RPC eth_getLogs), never
 * one call per anchor. Ranges are chunked because providers cap the blocks and results per call.
 * With no `address`, events from every contract are returned, so the verifier can tell "anchored on
 * a look-alike contract" from "not anchored" at no extra cost.
 */
import type { PublicClient } from 'viem';
import type { Hex } from '../../src-shared/anchor/lifecycle.js';
import type { ObservedAnchorLog } from '../../src-shared/anchor/verify.js';
import { ANCHORED_EVENT } from './abi.js';

export interface FetchAnchoredOptions {
  /** Only this contract; omit to see every contract's Anchored events for these commitments. */
  readonly address?: Hex;
  readonly commitments: readonly Hex[];
  readonly fromBlock: number;
  readonly toBlock: number;
  /** Blocks per call (default 50,000). */
  readonly blockChunk?: number;
  /** Commitments per OR filter (default 2,000). */
  readonly topicChunk?: number;
}

export const DEFAULT_BLOCK_CHUNK = 50_000;
export const DEFAULT_TOPIC_CHUNK = 2_000;

export async function fetchAnchoredLogs(
  client: PublicClient,
  o: FetchAnchoredOptions,
): Promise<ObservedAnchorLog[]> {
  const out: ObservedAnchorLog[] = [];
  if (o.commitments.length === 0 || o.toBlock < o.fromBlock) return out;
  const blockChunk = o.blockChunk ?? DEFAULT_BLOCK_CHUNK;
  const topicChunk = o.topicChunk ?? DEFAULT_TOPIC_CHUNK;
  for (let t = 0; t < o.commitments.length; t += topicChunk) {
    const commitments = o.commitments.slice(t, t + topicChunk) as Hex[];
    for (let from = o.fromBlock; from <= o.toBlock; from += blockChunk) {
      const to = Math.min(o.toBlock, from + blockChunk - 1);
      const logs = await client.getLogs({
        ...(o.address === undefined ? {} : { address: o.address }),
        event: ANCHORED_EVENT,
        args: { commitment: commitments },
        fromBlock: BigInt(from),
        toBlock: BigInt(to),
        strict: true,
      });
      for (const l of logs) {
        if (
          l.blockNumber === null ||
          l.blockHash === null ||
          l.transactionHash === null ||
          l.logIndex === null
        )
          continue;
        out.push({
          address: l.address.toLowerCase() as Hex,
          commitment: l.args.commitment.toLowerCase() as Hex,
          publisher: l.args.publisher.toLowerCase() as Hex,
          root: l.args.root.toLowerCase() as Hex,
          // A uint64 beyond 2^53 - 1 matches no checkpoint; -1 keeps it from rounding onto one.
          treeSize: l.args.treeSize > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(l.args.treeSize),
          checkpointHash: l.args.checkpointHash.toLowerCase() as Hex,
          blockNumber: Number(l.blockNumber),
          blockHash: l.blockHash.toLowerCase() as Hex,
          txHash: l.transactionHash.toLowerCase() as Hex,
          logIndex: l.logIndex,
          removed: l.removed,
        });
      }
    }
  }
  return out;
}
