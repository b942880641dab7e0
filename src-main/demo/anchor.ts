/**
 * `qtrust demo generate ... --rpc URL`: anchors every checkpoint of the demo log on chain, so a new
 * user can try the whole path (deploy, generate, verify --rpc) on a local chain (docs/demo.md).
 *
 * The anchors are made after the bundle is exported: every checkpoint the bundle carries is then
 * anchored, and the publisher's bookkeeping records (kind `anchor`, which never trigger a
 * checkpoint) land in the scratch log after the bundle's head, so the bundle is byte for byte the
 * one the same seed gives without --rpc. The salt comes from the seed (label `anchor-salt`), like
 * every other secret of the demo: a demo's anchors are linkable by anyone who knows its seed.
 *
 * On anvil (detected by `anvil_nodeInfo`) the publisher is funded when empty and blocks are mined
 * until every anchor is final, so `qtrust verify --rpc` passes at once; on any other chain the
 * command waits only until every anchor is included, and verify passes once they are final.
 */
import { BaseError, createPublicClient, http, type Account, type PublicClient, type Transport } from 'viem';
import { DEFAULT_CONFIRMATIONS, type Hex } from '../../src-shared/anchor/lifecycle.js';
import { ANCHOR_SALT_LENGTH } from '../../src-shared/anchor/commitment.js';
import { toBase64url } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { ANCHOR_ABI } from '../anchor/abi.js';
import { anchorAllCheckpoints, type AnchorableLog } from '../anchor/anchor-all.js';
import { anvilFund, anvilMine, isAnvil } from '../anchor/dev-chain.js';
import { seedBytes } from './seed.js';

/** The seed label of the demo log's anchor salt. */
export const ANCHOR_SALT_LABEL = 'anchor-salt';
/** Blocks mined per idle publisher tick on anvil (its finalized block trails the head by 64). */
const MINE_BLOCKS = 16;

export interface DemoAnchorOptions {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly contract: Hex;
  /** The publisher account (allowlisted on the contract). */
  readonly account: Account;
  /** Mine blocks until anchors are final: 'auto' (default) when the RPC is anvil. */
  readonly mine?: boolean | 'auto';
  /** The trust file's minimum confirmations (default 12). */
  readonly confirmations?: number;
  /** Called with one-line notes for the user (funding, mining). */
  readonly onNote?: (text: string) => void;
  /** Replaces http(rpcUrl) (tests). */
  readonly transport?: Transport;
}

export interface DemoAnchorSummary {
  readonly chainId: number;
  readonly contract: Hex;
  readonly publisher: Hex;
  /** Checkpoints anchored. */
  readonly anchored: number;
  /** The state every anchor reached: 'final' when blocks were mined, else 'included'. */
  readonly state: 'final' | 'included';
}

export interface DemoAnchorResult {
  readonly summary: DemoAnchorSummary;
  /** The `anchor` member of the log's entry in trust.json (src-shared/anchor/trust.ts). */
  readonly trustSection: Record<string, unknown>;
}

/** The demo log's anchor salt: 32 bytes from the seed. */
export function demoAnchorSalt(seed: string): Uint8Array {
  return seedBytes(seed, ANCHOR_SALT_LABEL, ANCHOR_SALT_LENGTH);
}

/** The chain checked and the publisher ready, before any record is generated. */
export interface PreparedDemoAnchor {
  readonly options: DemoAnchorOptions;
  readonly client: PublicClient;
  readonly mine: boolean;
}

/**
 * Checks, before the demo is generated, what would otherwise only fail after many retries: the RPC
 * answers and serves the chain id given, the contract is deployed there and allowlists the
 * publisher. On anvil, funds an empty publisher.
 */
export async function prepareDemoAnchor(o: DemoAnchorOptions): Promise<PreparedDemoAnchor> {
  const transport = o.transport ?? http(o.rpcUrl, { retryCount: 1, timeout: 30_000 });
  const client = createPublicClient({ transport });
  const contract = o.contract.toLowerCase() as Hex;
  try {
    const chainId = await client.getChainId();
    if (chainId !== o.chainId) {
      throw new QtError(
        'QT_ANCHOR_CHAIN_ID',
        `the RPC serves chain id ${chainId}, but the chain id given is ${o.chainId}: refusing to anchor`,
        { path: 'chainId' },
      );
    }
    const code = await client.getCode({ address: contract });
    if (code === undefined || code === '0x') {
      throw new QtError('QT_ANCHOR_INPUT', `there is no contract at ${contract} on chain ${chainId}`, {
        path: 'contract',
      });
    }
    const allowed = await client.readContract({
      address: contract,
      abi: ANCHOR_ABI,
      functionName: 'isPublisher',
      args: [o.account.address],
    });
    if (!allowed) {
      throw new QtError(
        'QT_ANCHOR_NOT_PUBLISHER',
        `the contract ${contract} does not allowlist the publisher ${o.account.address.toLowerCase()}: deploy it with --publisher, or use its owner's key`,
        { path: 'account' },
      );
    }
    const mine = o.mine === undefined || o.mine === 'auto' ? await isAnvil(client) : o.mine;
    if (mine && (await anvilFund(client, o.account.address))) {
      o.onNote?.(`anvil: funded the publisher ${o.account.address} with 100 ether for gas`);
    }
    return { options: o, client, mine };
  } catch (e) {
    if (isQtError(e)) throw e;
    const message = e instanceof BaseError ? e.shortMessage : e instanceof Error ? e.message : String(e);
    throw new QtError('QT_ANCHOR_RPC', `the chain RPC cannot be used: ${message}`, { cause: e });
  }
}

/** Anchors every checkpoint of `log`; the anchor queue lives at `queuePath` (a scratch file). */
export async function anchorDemoLog(
  log: AnchorableLog,
  origin: string,
  seed: string,
  queuePath: string,
  prepared: PreparedDemoAnchor,
): Promise<DemoAnchorResult> {
  const { options: o, client, mine } = prepared;
  const publisher = o.account.address.toLowerCase() as Hex;
  const salt = demoAnchorSalt(seed);
  const confirmations = o.confirmations ?? DEFAULT_CONFIRMATIONS;
  const entries = await anchorAllCheckpoints(log, {
    publisher: {
      rpcUrl: o.rpcUrl,
      chainId: o.chainId,
      contract: o.contract.toLowerCase() as Hex,
      account: o.account,
      salt,
      origin,
      confirmations,
      ...(o.transport === undefined ? {} : { transport: o.transport }),
    },
    queuePath,
    until: mine ? 'final' : 'included',
    ...(mine ? { mine: () => anvilMine(client, MINE_BLOCKS) } : {}),
  });
  if (mine) o.onNote?.(`anvil: mined blocks until all ${entries.length} anchor(s) were final`);
  return {
    summary: {
      chainId: o.chainId,
      contract: o.contract.toLowerCase() as Hex,
      publisher,
      anchored: entries.length,
      state: mine ? 'final' : 'included',
    },
    trustSection: {
      chainId: o.chainId,
      contract: o.contract.toLowerCase(),
      publishers: [publisher],
      salt: toBase64url(salt),
      origin,
      fromBlock: 0,
      confirmations,
    },
  };
}
