/**
 * Anchor verification: verify BENCH_ANCHORS anchors (default 10,000) on a real anvil chain with
 * verifyAnchors (OR-topic getLogs over chunked block ranges), counting RPC calls with a counting
 * viem transport, against the naive peer (one eth_getLogs per anchor) measured in the same run on a
 * sample of BENCH_ANCHOR_PEER (default 300) anchors. Prints calls made, time per anchor and ratios.
 */
import { performance } from 'node:perf_hooks';
import { createPublicClient, http, type Hex } from 'viem';
import { ANCHORED_EVENT } from '../src-main/anchor/abi.js';
import { countingTransport, newCallCounter } from '../src-main/anchor/counting-transport.js';
import { verifyAnchors } from '../src-main/anchor/verify-chain.js';
import { anchorCommitmentHex, hex0x } from '../src-shared/anchor/commitment.js';
import type { AnchorTrust } from '../src-shared/anchor/trust.js';
import type { AnchorCheckpoint } from '../src-shared/anchor/verify.js';
import { startAnvil } from '../test/helpers/anvil.js';
import { artifact, clients, deployAnchor, mine, PUBLISHER, rpc } from '../test/integration/anchor/fixture.js';
import { encodeFunctionData } from 'viem';
import { printComparison, type Measurement } from './lib.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

export default async function (): Promise<void> {
  const total = envInt('BENCH_ANCHORS', 10_000);
  const peerN = Math.min(total, envInt('BENCH_ANCHOR_PEER', 300));
  const chain = await startAnvil({ args: ['--gas-limit', '1000000000'] });
  try {
    const contract = await deployAnchor(chain);
    const salt = new Uint8Array(32).fill(5);
    const origin = 'qtrust.bench/anchors';
    const checkpoints: AnchorCheckpoint[] = [];
    for (let i = 1; i <= total; i++) {
      const root = new Uint8Array(32);
      new DataView(root.buffer).setUint32(0, i);
      const cpHash = new Uint8Array(32);
      new DataView(cpHash.buffer).setUint32(28, i);
      checkpoints.push({ treeSize: i, rootHash: root, checkpointHash: cpHash });
    }
    // Publish them fast: signed locally, sent in JSON-RPC batches, mined in a few large blocks.
    const t0 = performance.now();
    await rpc(chain, 'evm_setAutomine', [false]);
    const { wallet } = clients(chain);
    const w = wallet(PUBLISHER);
    const nonce0 = await createPublicClient({ transport: http(chain.url) }).getTransactionCount({
      address: PUBLISHER.address,
    });
    const raws: Hex[] = [];
    for (const [i, c] of checkpoints.entries()) {
      const data = encodeFunctionData({
        abi: artifact.abi,
        functionName: 'anchor',
        args: [
          anchorCommitmentHex(salt, origin, c.treeSize),
          hex0x(c.rootHash),
          BigInt(c.treeSize),
          hex0x(c.checkpointHash),
        ],
      });
      raws.push(
        await w.signTransaction({
          to: contract,
          data,
          nonce: nonce0 + i,
          gas: 100_000n,
          gasPrice: 2_000_000_000n,
          chain: w.chain,
        }),
      );
    }
    for (let i = 0; i < raws.length; i += 500) {
      const batch = raws
        .slice(i, i + 500)
        .map((r, j) => ({ jsonrpc: '2.0', id: j, method: 'eth_sendRawTransaction', params: [r] }));
      await fetch(chain.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
    }
    for (let i = 0; i < 50; i++) {
      await mine(chain, 1);
      const pending = (await rpc(chain, 'txpool_status')) as { pending: string };
      if (Number(pending.pending) === 0) break;
    }
    await rpc(chain, 'evm_setAutomine', [true]);
    await mine(chain, 100);
    console.log(
      `\n# anchors: published ${total} anchors on anvil in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const trust: AnchorTrust = {
      chainId: chain.chainId,
      contract: contract.toLowerCase() as Hex,
      publishers: [PUBLISHER.address.toLowerCase() as Hex],
      salt,
      origin,
      fromBlock: 0,
      confirmations: 12,
    };
    const counter = newCallCounter();
    const t1 = performance.now();
    const r = await verifyAnchors({
      checkpoints,
      trust,
      rpcUrls: [chain.url],
      transport: (url) => countingTransport(http(url, { timeout: 120_000 }), counter),
    });
    const ours = (performance.now() - t1) / 1000;
    const finals = r.anchors.filter((a) => a.status === 'final').length;
    if (finals !== total)
      throw new Error(`expected ${total} final anchors, got ${finals}: ${r.failures[0]?.message ?? ''}`);
    console.log(
      `verifyAnchors: ${total} anchors, ${counter.total} RPC calls (${[...counter.byMethod].map(([m, n]) => `${m} ${n}`).join(', ')}), ${((ours / total) * 1e6).toFixed(1)} µs per anchor`,
    );

    // The naive peer: one eth_getLogs per anchor (filtered by address and commitment).
    const naiveCounter = newCallCounter();
    const client = createPublicClient({ transport: countingTransport(http(chain.url), naiveCounter) });
    const step = Math.max(1, Math.floor(total / peerN));
    const sample = checkpoints.filter((_, i) => i % step === 0).slice(0, peerN);
    const t2 = performance.now();
    for (const c of sample) {
      const logs = await client.getLogs({
        address: contract,
        event: ANCHORED_EVENT,
        args: { commitment: anchorCommitmentHex(salt, origin, c.treeSize) },
        fromBlock: 0n,
        toBlock: 'latest',
      });
      if (logs.length !== 1) throw new Error('naive peer found no anchor');
    }
    const naive = (performance.now() - t2) / 1000;
    console.log(
      `naive (one getLogs per anchor): ${sample.length} anchors, ${naiveCounter.total} RPC calls, ${((naive / sample.length) * 1e6).toFixed(1)} µs per anchor`,
    );
    const rows: Measurement[] = [
      { name: 'verifyAnchors (OR-topic, chunked)', ops: total, seconds: ours, opsPerSecond: total / ours },
      {
        name: 'naive one-call-per-anchor',
        ops: sample.length,
        seconds: naive,
        opsPerSecond: sample.length / naive,
      },
    ];
    printComparison('anchors verified per second', rows, 'naive one-call-per-anchor');
    console.log(
      `RPC calls per anchor: ${(counter.total / total).toFixed(4)} vs ${(naiveCounter.total / sample.length).toFixed(2)} (${(naiveCounter.total / sample.length / (counter.total / total)).toFixed(0)}x fewer)`,
    );
  } finally {
    await chain.stop();
  }
}
