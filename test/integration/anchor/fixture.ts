/**
 * Shared set-up for the anchoring integration tests: deploy QTrustAnchor on an anvil chain,
 * allowlist a publisher, raw JSON-RPC calls (anvil_mine, anvil_reorg, evm_snapshot), and an
 * in-memory evidence sink that keeps what the publisher records.
 */
import { readFileSync } from 'node:fs';
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import type { EvidenceSink } from '../../../src-main/anchor/publisher.js';
import type { Anvil } from '../../helpers/anvil.js';

export const artifact = JSON.parse(
  readFileSync(new URL('../../../build/contracts/QTrustAnchor.json', import.meta.url), 'utf8'),
) as { abi: Abi; bytecode: Hex };

// anvil's well-known development accounts (derived from its default mnemonic).
export const OWNER = privateKeyToAccount(
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
);
export const PUBLISHER = privateKeyToAccount(
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
);
export const STRANGER = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
export const ATTACKER = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);

export function clients(chain: Anvil) {
  const c = { ...foundry, id: chain.chainId };
  return {
    pub: createPublicClient({ chain: c, transport: http(chain.url) }),
    wallet: (account: PrivateKeyAccount) =>
      createWalletClient({ account, chain: c, transport: http(chain.url) }),
  };
}

export async function rpc(chain: Anvil, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(chain.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export const mine = (chain: Anvil, n: number) => rpc(chain, 'anvil_mine', [`0x${n.toString(16)}`]);

/** Deploys the contract as `owner` and allowlists `publishers`. */
export async function deployAnchor(
  chain: Anvil,
  owner: PrivateKeyAccount = OWNER,
  publishers: readonly Address[] = [PUBLISHER.address],
): Promise<Address> {
  const { pub, wallet } = clients(chain);
  const hash = await wallet(owner).deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [owner.address],
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  const contract = receipt.contractAddress as Address;
  for (const p of publishers) {
    const tx = await wallet(owner).writeContract({
      address: contract,
      abi: artifact.abi,
      functionName: 'setPublisher',
      args: [p, true],
    });
    await pub.waitForTransactionReceipt({ hash: tx });
  }
  return contract;
}

export interface MemoryRecord {
  readonly kind: 'anchor' | 'incident';
  readonly body: Record<string, string | number | boolean | null>;
}

export function memorySink(): EvidenceSink & { records: MemoryRecord[] } {
  const records: MemoryRecord[] = [];
  return {
    records,
    append(kind, body) {
      records.push({ kind, body });
      return Promise.resolve();
    },
  };
}

/** A manual scheduler: time only moves when the test says so. */
export function manualScheduler(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    random: () => 0.5,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    advance(ms: number) {
      now += ms;
    },
  };
}
