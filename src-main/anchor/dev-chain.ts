/**
 * Conveniences for a local development chain (anvil, docs/anchoring.md "Trying it locally"): detect
 * it, mine blocks so anchors become final without waiting, and fund a fresh key so a new user can
 * deploy and anchor without importing a funded account. Detection is by behaviour, not by chain
 * id: a node that answers `anvil_nodeInfo` is anvil. Nothing here is used against any other chain.
 */
import type { PublicClient } from 'viem';
import type { Hex } from '../../src-shared/anchor/lifecycle.js';

/** A client that can send methods viem's typed request does not know (anvil_*). */
function raw(client: PublicClient): (method: string, params?: unknown[]) => Promise<unknown> {
  const request = client.request as unknown as (args: {
    method: string;
    params?: unknown[];
  }) => Promise<unknown>;
  return (method, params = []) => request({ method, params });
}

/** Whether the RPC is an anvil node (it answers `anvil_nodeInfo`). Never throws. */
export async function isAnvil(client: PublicClient): Promise<boolean> {
  try {
    await raw(client)('anvil_nodeInfo');
    return true;
  } catch {
    return false;
  }
}

/** Mines `blocks` empty blocks on anvil at once (`anvil_mine`). */
export async function anvilMine(client: PublicClient, blocks: number): Promise<void> {
  await raw(client)('anvil_mine', [`0x${blocks.toString(16)}`]);
}

/** The balance anvilFund gives: 100 ether, in wei. */
export const DEV_BALANCE_WEI = 100n * 10n ** 18n;

/**
 * On anvil, gives `address` DEV_BALANCE_WEI when it holds nothing (`anvil_setBalance`). Returns
 * whether it did. The caller has already checked the chain is anvil.
 */
export async function anvilFund(client: PublicClient, address: Hex): Promise<boolean> {
  const balance = await client.getBalance({ address });
  if (balance > 0n) return false;
  await raw(client)('anvil_setBalance', [address, `0x${DEV_BALANCE_WEI.toString(16)}`]);
  return true;
}
