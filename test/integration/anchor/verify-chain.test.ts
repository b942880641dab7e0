import { http, keccak256, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingTransport, newCallCounter } from '../../../src-main/anchor/counting-transport.js';
import { verifyAnchors } from '../../../src-main/anchor/verify-chain.js';
import { anchorCommitmentHex } from '../../../src-shared/anchor/commitment.js';
import type { AnchorTrust } from '../../../src-shared/anchor/trust.js';
import type { AnchorCheckpoint } from '../../../src-shared/anchor/verify.js';
import { hexToBytes } from '../../../src-shared/bytes.js';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';
import { freePort } from '../../helpers/ports.js';
import {
  artifact,
  ATTACKER,
  clients,
  deployAnchor,
  mine,
  OWNER,
  PUBLISHER,
  rpc,
  STRANGER,
} from './fixture.js';

const SALT = new Uint8Array(32).fill(9);
const ORIGIN = 'qtrust.test/anchor/verify';
let chain: Anvil;
let contract: Address;
let lookalike: Address;
let other: Address;

const cp = (n: number): AnchorCheckpoint => ({
  treeSize: n,
  rootHash: hexToBytes(keccak256(toHex(`root ${n}`)).slice(2)),
  checkpointHash: hexToBytes(keccak256(toHex(`checkpoint ${n}`)).slice(2)),
});
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const;

function trust(over: Partial<AnchorTrust> = {}): AnchorTrust {
  return {
    chainId: chain.chainId,
    contract: contract.toLowerCase() as `0x${string}`,
    publishers: [PUBLISHER.address.toLowerCase() as `0x${string}`],
    salt: SALT,
    origin: ORIGIN,
    fromBlock: 0,
    confirmations: 12,
    ...over,
  };
}

async function anchor(
  on: Address,
  who: typeof PUBLISHER,
  c: AnchorCheckpoint,
  root = c.rootHash,
  chainOf = chain,
) {
  const { pub, wallet } = clients(chainOf);
  const hash = await wallet(who).writeContract({
    address: on,
    abi: artifact.abi,
    functionName: 'anchor',
    args: [
      anchorCommitmentHex(SALT, ORIGIN, c.treeSize),
      hex(root),
      BigInt(c.treeSize),
      hex(c.checkpointHash),
    ],
  });
  return pub.waitForTransactionReceipt({ hash });
}

beforeAll(async () => {
  chain = await startAnvil();
  contract = await deployAnchor(chain, OWNER, [PUBLISHER.address, STRANGER.address]);
  // The attacker's look-alike: the same contract, deployed and allowlisted by the attacker.
  lookalike = await deployAnchor(chain, ATTACKER, [ATTACKER.address]);
  // A second, honest deployment of the contract (a checkpoint anchored there is not on ours).
  other = await deployAnchor(chain, OWNER, [PUBLISHER.address]);
  await anchor(contract, PUBLISHER, cp(1));
  await anchor(contract, PUBLISHER, cp(2));
  await anchor(lookalike, ATTACKER, cp(3), hexToBytes(keccak256(toHex('forged root')).slice(2)));
  await anchor(other, PUBLISHER, cp(4));
  await anchor(contract, STRANGER, cp(5)); // allowlisted on chain, not pinned by the trust file
  await anchor(contract, PUBLISHER, cp(6), hexToBytes(keccak256(toHex('other root')).slice(2)));
  await mine(chain, 80);
});

afterAll(async () => {
  await chain?.stop();
});

describe('verifyAnchors against anvil', () => {
  it('accepts final anchors from the pinned publisher on the trusted contract, in a handful of calls', async () => {
    const counter = newCallCounter();
    const r = await verifyAnchors({
      checkpoints: [cp(1), cp(2)],
      trust: trust(),
      rpcUrls: [chain.url],
      transport: (url) => countingTransport(http(url), counter),
    });
    expect(r.failures).toEqual([]);
    expect(r.stage.status).toBe('passed');
    expect(r.anchors.map((a) => a.status)).toEqual(['final', 'final']);
    expect(counter.total).toBeLessThanOrEqual(5);
    expect(counter.byMethod.get('eth_getLogs')).toBe(1);
  });

  it('says plainly that anchors were not checked without an RPC', async () => {
    const r = await verifyAnchors({ checkpoints: [cp(1)], trust: trust(), rpcUrls: [] });
    expect(r.stage.status).toBe('not-checked');
    expect(r.stage.note).toMatch(/not checked/);
  });

  it('names a look-alike contract, another contract, an unpinned publisher, a mismatch and a missing anchor', async () => {
    const r = await verifyAnchors({
      checkpoints: [1, 3, 4, 5, 6, 7].map(cp),
      trust: trust(),
      rpcUrls: [chain.url],
    });
    expect(r.stage.status).toBe('failed');
    expect(r.anchors.map((a) => [a.treeSize, a.status])).toEqual([
      [1, 'final'],
      [3, 'wrong-contract'],
      [4, 'wrong-contract'],
      [5, 'wrong-publisher'],
      [6, 'mismatch'],
      [7, 'missing'],
    ]);
    expect(r.failures.map((f) => [f.treeSize, f.code])).toEqual([
      [3, 'QT_VERIFY_ANCHOR_WRONG_CONTRACT'],
      [4, 'QT_VERIFY_ANCHOR_WRONG_CONTRACT'],
      [5, 'QT_VERIFY_ANCHOR_PUBLISHER'],
      [6, 'QT_VERIFY_ANCHOR_MISMATCH'],
      [7, 'QT_VERIFY_ANCHOR_MISSING'],
    ]);
    expect(r.failures[0]?.message).toContain(lookalike.toLowerCase());
  });

  it('refuses a forged anchor from an account that is not allowlisted (contract NotPublisher)', async () => {
    await expect(anchor(contract, ATTACKER, cp(8))).rejects.toThrow(/NotPublisher/);
  });

  it('reports an anchor not yet final, then gone after a reorg', async () => {
    const snap = await rpc(chain, 'evm_snapshot');
    await anchor(contract, PUBLISHER, cp(9));
    await mine(chain, 3);
    const r1 = await verifyAnchors({ checkpoints: [cp(9)], trust: trust(), rpcUrls: [chain.url] });
    expect(r1.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_NOT_FINAL']);
    expect(r1.anchors[0]?.confirmations).toBe(4);
    // Enough confirmations but above anvil's finalized block (head - 64): still not final.
    await mine(chain, 20);
    const r2 = await verifyAnchors({ checkpoints: [cp(9)], trust: trust(), rpcUrls: [chain.url] });
    expect(r2.failures[0]?.message).toMatch(/finalized block/);
    await rpc(chain, 'evm_revert', [snap]);
    await mine(chain, 30);
    const r3 = await verifyAnchors({ checkpoints: [cp(9)], trust: trust(), rpcUrls: [chain.url] });
    expect(r3.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_MISSING']);
  });

  it('refuses an RPC on another chain id, and reports an RPC that is down', async () => {
    const r = await verifyAnchors({
      checkpoints: [cp(1)],
      trust: trust({ chainId: 5 }),
      rpcUrls: [chain.url],
    });
    expect(r.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_CHAIN_ID']);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r2 = await verifyAnchors({
      checkpoints: [cp(1)],
      trust: trust(),
      rpcUrls: [chain.url, dead],
      timeoutMs: 2000,
    });
    expect(r2.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_RPC']);
    expect(r2.anchors.map((a) => a.status)).toEqual(['final']);
  });

  it('reports two RPCs that disagree (two anvils with the same contract address)', async () => {
    const second = await startAnvil();
    try {
      const c2 = await deployAnchor(second, OWNER, [PUBLISHER.address, STRANGER.address]);
      expect(c2).toBe(contract); // same deployer and nonce: same address, a convincing twin
      await anchor(c2, PUBLISHER, cp(1), cp(1).rootHash, second);
      await mine(second, 100);
      const r = await verifyAnchors({
        checkpoints: [cp(1)],
        trust: trust(),
        rpcUrls: [chain.url, second.url],
      });
      expect(r.failures.map((f) => f.code)).toContain('QT_VERIFY_ANCHOR_RPC_DISAGREE');
    } finally {
      await second.stop();
    }
  });
});
