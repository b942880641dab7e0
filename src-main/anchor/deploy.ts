/**
 * Deploys the QTrustAnchor contract (build/contracts/QTrustAnchor.json, proven to match its source
 * by test/unit/anchor/contract-artifact.test.ts) and allowlists its publishers: what `qtrust anchor
 * deploy` runs so a new user can try anchoring end to end. The deploying account becomes the
 * contract's owner (it alone can change the allowlist later).
 */
import {
  BaseError,
  createPublicClient,
  createWalletClient,
  http,
  type Abi,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
} from 'viem';
import type { Hex } from '../../src-shared/anchor/lifecycle.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import artifactJson from '../../build/contracts/QTrustAnchor.json';

const artifact = artifactJson as unknown as { readonly abi: Abi; readonly bytecode: Hex };

export interface DeployAnchorOptions {
  readonly rpcUrl: string;
  /** The deployer, who becomes the owner. */
  readonly account: Account;
  /** Addresses to allowlist (default: the deployer's own). */
  readonly publishers?: readonly Hex[];
  /** Replaces http(rpcUrl), e.g. to count calls. */
  readonly transport?: Transport;
  /** How long to wait for each receipt (default 5 minutes). */
  readonly receiptTimeoutMs?: number;
  /** Called after the chain id is known and before anything is sent (e.g. to fund on anvil). */
  readonly beforeSend?: (client: PublicClient) => Promise<void>;
}

export interface DeployedAnchor {
  readonly chainId: number;
  /** Lowercase 0x address of the new contract. */
  readonly contract: Hex;
  readonly owner: Hex;
  readonly publishers: readonly Hex[];
  /** The deployment block: the trust file's `fromBlock`. */
  readonly blockNumber: number;
  readonly txHash: Hex;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A viem chain object for an RPC whose chain id was just read. */
export function chainFor(chainId: number, rpcUrl: string): Chain {
  return {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
}

function rpcError(e: unknown, what: string): QtError {
  if (isQtError(e)) return e;
  const message = e instanceof BaseError ? e.shortMessage : e instanceof Error ? e.message : String(e);
  return new QtError('QT_ANCHOR_RPC', `${what}: ${message}`, { cause: e });
}

export async function deployAnchorContract(o: DeployAnchorOptions): Promise<DeployedAnchor> {
  const publishers = (o.publishers ?? [o.account.address]).map((p, i) => {
    if (typeof p !== 'string' || !ADDRESS.test(p)) {
      throw new QtError('QT_ANCHOR_INPUT', `publishers[${i}] must be 0x followed by 40 hex digits`, {
        path: `publishers[${i}]`,
      });
    }
    return p.toLowerCase() as Hex;
  });
  if (new Set(publishers).size !== publishers.length) {
    throw new QtError('QT_ANCHOR_INPUT', 'publishers lists one address twice', { path: 'publishers' });
  }
  const transport = o.transport ?? http(o.rpcUrl, { retryCount: 1, timeout: 30_000 });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId().catch((e: unknown) => {
    throw rpcError(e, 'the RPC cannot be reached');
  });
  const chain = chainFor(chainId, o.rpcUrl);
  const pub = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ chain, transport, account: o.account });
  const timeout = o.receiptTimeoutMs ?? 300_000;
  try {
    await o.beforeSend?.(pub);
    const deployTx = await wallet.deployContract({
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      args: [o.account.address],
    });
    const receipt = await pub.waitForTransactionReceipt({ hash: deployTx, timeout });
    if (
      receipt.status !== 'success' ||
      receipt.contractAddress === null ||
      receipt.contractAddress === undefined
    ) {
      throw new QtError('QT_ANCHOR_REVERTED', `the deployment transaction ${deployTx} reverted`);
    }
    const contract = receipt.contractAddress.toLowerCase() as Hex;
    for (const p of publishers) {
      const tx = await wallet.writeContract({
        address: contract,
        abi: artifact.abi,
        functionName: 'setPublisher',
        args: [p, true],
      });
      const r = await pub.waitForTransactionReceipt({ hash: tx, timeout });
      if (r.status !== 'success') {
        throw new QtError('QT_ANCHOR_REVERTED', `allowlisting ${p} reverted (transaction ${tx})`);
      }
    }
    return {
      chainId,
      contract,
      owner: o.account.address.toLowerCase() as Hex,
      publishers,
      blockNumber: Number(receipt.blockNumber),
      txHash: deployTx,
    };
  } catch (e) {
    throw rpcError(e, 'deploying the anchor contract failed');
  }
}
