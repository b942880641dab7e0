/**
 * `qtrust anchor deploy --rpc URL --key DIR [--passphrase-file F] [--publisher ADDR ...]`: deploys
 * the QTrustAnchor contract with a secp256k1 key directory as owner and allowlists the publishers
 * (default: the same key), printing the contract address (docs/anchoring.md, "Trying it locally").
 */
import { QtError } from '../../../src-shared/errors.js';
import { wipeSecretKeys } from '../../../src-shared/keys/index.js';
import { publisherAccountFromKeys } from '../../anchor/account.js';
import { deployAnchorContract, type DeployedAnchor } from '../../anchor/deploy.js';
import { anvilFund, isAnvil } from '../../anchor/dev-chain.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { KEY_OPTIONS, openSigningKeys } from '../open-keys.js';
import type { CommandSpec } from '../registry.js';
import { parseRpcUrls } from './verify.js';
import type { Hex } from '../../../src-shared/anchor/lifecycle.js';

const NAME = 'qtrust anchor deploy';
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** --publisher values: 0x addresses, at most 256 (the trust file's limit). */
export function parsePublishers(value: unknown, command: string): Hex[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : [];
  if (list.length > 256) {
    throw new QtError('QT_USAGE', `${command}: at most 256 --publisher addresses`, { path: '--publisher' });
  }
  return list.map((p, i) => {
    if (typeof p !== 'string' || !ADDRESS.test(p)) {
      throw new QtError(
        'QT_USAGE',
        `${command}: --publisher #${i + 1} must be 0x followed by 40 hex digits`,
        {
          path: '--publisher',
        },
      );
    }
    return p.toLowerCase() as Hex;
  });
}

/** Exactly one --rpc URL (the same checks as verify's). */
export function singleRpc(value: unknown, command: string): string {
  const urls = parseRpcUrls(value);
  if (urls.length !== 1) {
    throw new QtError('QT_USAGE', `${command}: give exactly one --rpc URL`, { path: '--rpc' });
  }
  return urls[0] as string;
}

function text(d: DeployedAnchor): string {
  return (
    `deployed QTrustAnchor at ${d.contract} on chain ${d.chainId} (block ${d.blockNumber}, tx ${d.txHash})\n` +
    `owner:      ${d.owner}\npublishers: ${d.publishers.join(', ')}\n`
  );
}

export const anchorDeployCommand: CommandSpec = {
  name: ['anchor', 'deploy'],
  summary: 'deploy the anchor contract and allowlist its publishers',
  usage: 'anchor deploy --rpc URL --key DIR [--passphrase-file F] [--publisher ADDR ...] [--json]',
  description: `Deploys QTrustAnchor (build/contracts/QTrustAnchor.json) with the secp256k1 key in DIR (made
by 'qtrust key generate --suite secp256k1') as its owner, then allowlists each --publisher (default:
the owner's own address) and prints the contract address. On a local anvil node (detected: it answers
anvil_nodeInfo) an owner without funds is first given 100 ether with anvil_setBalance, so a fresh key
works; on any other chain the key must hold funds for gas.
--json prints {"chainId","contract","owner","publishers","blockNumber","txHash"}.
Exit codes: 0 deployed; 2 bad arguments, an unreadable key, or a chain error (QT_ANCHOR_RPC, QT_ANCHOR_REVERTED).`,
  options: {
    rpc: { type: 'string', value: 'URL', description: 'chain RPC (http or https)' },
    ...KEY_OPTIONS,
    publisher: {
      type: 'string',
      multiple: true,
      value: 'ADDR',
      description: 'address to allowlist (repeatable; default: the owner)',
    },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const rpcUrl = singleRpc(ctx.values.rpc, NAME);
    const keyDir = stringOption(ctx.values, 'key', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const publishers = parsePublishers(ctx.values.publisher, NAME);
    const keys = await openSigningKeys(ctx, keyDir, passphraseFile, NAME);
    let account;
    try {
      account = publisherAccountFromKeys(keys);
    } finally {
      wipeSecretKeys(keys);
    }
    const deployed = await deployAnchorContract({
      rpcUrl,
      account,
      ...(publishers === undefined ? {} : { publishers }),
      beforeSend: async (client) => {
        if ((await isAnvil(client)) && (await anvilFund(client, account.address))) {
          ctx.stderr(`qtrust: anvil: funded ${account.address} with 100 ether for gas\n`);
        }
      },
    });
    ctx.stdout(ctx.json ? `${JSON.stringify(deployed)}\n` : text(deployed));
    return EXIT.ok;
  },
};
