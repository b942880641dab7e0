/**
 * Merkle trees: build a tree of BENCH_MERKLE_LEAVES leaves (default 1,000,000) and produce the
 * inclusion proof of every leaf, with Q-Trust's MemoryTree (RFC 9162, SHA-256 from node:crypto
 * injected as HashPrimitives) against @openzeppelin/merkle-tree's SimpleMerkleTree (Keccak-256 in
 * pure JS) on the same leaves in the same run.
 *
 * The peer needs about 0.44 ms per proof (PLATFORM.md), i.e. minutes for a million proofs, so by
 * default its proof phase is timed on BENCH_MERKLE_PEER_PROOFS leaves (default 20,000, spread over
 * the tree) and extrapolated linearly to all leaves; set BENCH_MERKLE_PEER_PROOFS=all to time them all.
 */
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { bytesToHex } from '../src-shared/bytes.js';
import type { HashPrimitives } from '../src-shared/hash.js';
import { leafHash, MemoryTree, verifyInclusion } from '../src-shared/merkle/index.js';
import { printComparison, type Measurement } from './lib.js';

const nodeSha256: HashPrimitives = {
  sha256: (data) => hash('sha256', data, 'buffer'),
  keccak256: () => {
    throw new Error('keccak256 is not used by Merkle trees');
  },
};

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

const row = (name: string, ops: number, seconds: number): Measurement => ({
  name,
  ops,
  seconds,
  opsPerSecond: ops / seconds,
});

export default async function (): Promise<void> {
  const n = envInt('BENCH_MERKLE_LEAVES', 1_000_000);
  const peerAll = process.env.BENCH_MERKLE_PEER_PROOFS === 'all';
  const peerProofs = peerAll ? n : Math.min(n, envInt('BENCH_MERKLE_PEER_PROOFS', 20_000));
  const encoder = new TextEncoder();
  const leaves = Array.from({ length: n }, (_, i) => leafHash(encoder.encode(`record ${i}`), nodeSha256));
  console.log(`\n# merkle: ${n.toLocaleString('en-US')} leaves`);

  // Q-Trust: build with all levels kept, then every inclusion proof.
  const oursBuild = timed(() => MemoryTree.fromLeafHashes(leaves, nodeSha256));
  const tree = oursBuild.value;
  const oursProofs = timed(() => {
    let elements = 0;
    for (let i = 0; i < n; i++) elements += tree.inclusionProof(i).length;
    return elements;
  });
  // Sanity, outside the timings: a few proofs verify.
  const root = tree.root();
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    if (!verifyInclusion(leaves[i] as Uint8Array, i, n, tree.inclusionProof(i), root, nodeSha256)) {
      throw new Error(`proof of leaf ${i} does not verify`);
    }
  }

  // Peer: the same leaves as bytes32 values.
  const hexLeaves = leaves.map((l) => `0x${bytesToHex(l)}`);
  const peerBuild = timed(() => SimpleMerkleTree.of(hexLeaves));
  const peer = peerBuild.value;
  const step = n / peerProofs;
  const peerSample = timed(() => {
    let elements = 0;
    for (let k = 0; k < peerProofs; k++) elements += peer.getProof(Math.floor(k * step)).length;
    return elements;
  });
  const peerProofSeconds = (peerSample.seconds * n) / peerProofs;
  const peerLabel =
    peerAll || peerProofs === n ? '' : ` (timed on ${peerProofs.toLocaleString('en-US')}, extrapolated)`;

  console.log(
    `Q-Trust build ${oursBuild.seconds.toFixed(2)} s, ${n.toLocaleString('en-US')} proofs ${oursProofs.seconds.toFixed(2)} s`,
  );
  console.log(
    `OpenZeppelin build ${peerBuild.seconds.toFixed(2)} s, proofs ${peerProofSeconds.toFixed(2)} s${peerLabel}`,
  );
  printComparison(
    'merkle build (leaves/s)',
    [
      row('qtrust MemoryTree', n, oursBuild.seconds),
      row('@openzeppelin SimpleMerkleTree', n, peerBuild.seconds),
    ],
    '@openzeppelin SimpleMerkleTree',
  );
  printComparison(
    'merkle inclusion proofs (proofs/s)',
    [
      row('qtrust MemoryTree', n, oursProofs.seconds),
      row('@openzeppelin SimpleMerkleTree', n, peerProofSeconds),
    ],
    '@openzeppelin SimpleMerkleTree',
  );
  printComparison(
    'merkle build + all proofs (leaves/s)',
    [
      row('qtrust MemoryTree', n, oursBuild.seconds + oursProofs.seconds),
      row('@openzeppelin SimpleMerkleTree', n, peerBuild.seconds + peerProofSeconds),
    ],
    '@openzeppelin SimpleMerkleTree',
  );
}
