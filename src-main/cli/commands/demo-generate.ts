/** `qtrust demo generate`: a deterministic, realistic demo evidence log, exported and ready to verify (docs/demo.md). */
import type { Hex } from '../../../src-shared/anchor/lifecycle.js';
import { QtError } from '../../../src-shared/errors.js';
import { wipeSecretKeys } from '../../../src-shared/keys/index.js';
import { publisherAccountFromKeys } from '../../anchor/account.js';
import type { DemoAnchorOptions } from '../../demo/anchor.js';
import {
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_SEED,
  MAX_CHECKPOINT_EVERY,
  MAX_DEMO_RECORDS,
  generateDemo,
  type DemoSummary,
} from '../../demo/generate.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { openSigningKeys } from '../open-keys.js';
import type { CommandContext, CommandSpec } from '../registry.js';
import { singleRpc } from './anchor-deploy.js';

const NAME = 'qtrust demo generate';

function countOption(ctx: CommandContext, name: string, max: number, fallback?: number): number {
  const text =
    fallback === undefined
      ? stringOption(ctx.values, name, NAME)
      : stringOption(ctx.values, name, NAME, true);
  if (text === undefined) return fallback as number;
  if (!/^[1-9]\d{0,15}$/.test(text) || Number(text) > max) {
    throw new QtError('QT_USAGE', `${NAME}: --${name} must be an integer from 1 to ${max}`, {
      path: `--${name}`,
    });
  }
  return Number(text);
}

const ANCHOR_FLAGS = ['chain-id', 'contract', 'publisher-key', 'passphrase-file'] as const;

/**
 * --rpc URL --chain-id N --contract ADDR --publisher-key DIR [--passphrase-file F]: all of them or
 * none (then nothing is anchored). Opens the publisher key (asks for its passphrase when sealed).
 */
async function anchorOptions(ctx: CommandContext): Promise<DemoAnchorOptions | undefined> {
  if (ctx.values.rpc === undefined) {
    const stray = ANCHOR_FLAGS.find((f) => ctx.values[f] !== undefined);
    if (stray !== undefined) {
      throw new QtError('QT_USAGE', `${NAME}: --${stray} needs --rpc`, { path: `--${stray}` });
    }
    return undefined;
  }
  const rpcUrl = singleRpc(ctx.values.rpc, NAME);
  const chainText = stringOption(ctx.values, 'chain-id', NAME);
  if (!/^[1-9]\d{0,15}$/.test(chainText) || !Number.isSafeInteger(Number(chainText))) {
    throw new QtError('QT_USAGE', `${NAME}: --chain-id must be a positive integer`, { path: '--chain-id' });
  }
  const contract = stringOption(ctx.values, 'contract', NAME);
  if (!/^0x[0-9a-fA-F]{40}$/.test(contract)) {
    throw new QtError('QT_USAGE', `${NAME}: --contract must be 0x followed by 40 hex digits`, {
      path: '--contract',
    });
  }
  const keyDir = stringOption(ctx.values, 'publisher-key', NAME);
  const keys = await openSigningKeys(
    ctx,
    keyDir,
    stringOption(ctx.values, 'passphrase-file', NAME, true),
    NAME,
  );
  let account;
  try {
    account = publisherAccountFromKeys(keys);
  } finally {
    wipeSecretKeys(keys);
  }
  return {
    rpcUrl,
    chainId: Number(chainText),
    contract: contract.toLowerCase() as Hex,
    account,
    onNote: (text) => ctx.stderr(`qtrust: ${text}\n`),
  };
}

/** A one-line progress counter on stderr, redrawn at most every 100 ms. */
function progress(ctx: CommandContext): { update: (done: number, total: number) => void; clear: () => void } {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      ctx.stderr(`\rgenerating: ${done}/${total} records (${Math.floor((done / total) * 100)}%)`);
      drawn = true;
    },
    clear() {
      if (drawn) ctx.stderr('\r\u001b[2K');
    },
  };
}

function summaryText(s: DemoSummary): string {
  const d = s.decisions;
  return (
    `generated ${s.records} records of ${s.origin} (seed "${s.seed}"): ` +
    `${d.allow + d.deny + d.pending} decisions (${d.allow} allow, ${d.deny} deny, ${d.pending} pending), ` +
    `${s.approvals.approve + s.approvals.reject} approvals (${s.approvals.reject} rejections), ` +
    `${s.grants} grants, ${s.checkpoints} checkpoints\n` +
    `bundle: ${s.bundle}\ntrust:  ${s.trust}\n` +
    (s.anchors === undefined
      ? `verify: qtrust verify ${s.bundle} --trust ${s.trust}\n`
      : `anchors: ${s.anchors.anchored} checkpoint(s) anchored on chain ${s.anchors.chainId} at ${s.anchors.contract} by ${s.anchors.publisher} (${s.anchors.state}${s.anchors.state === 'final' ? '' : '; verify passes once they are final'})\n` +
        `verify: qtrust verify ${s.bundle} --trust ${s.trust} --rpc URL\n`)
  );
}

export interface DemoGenerateDeps {
  /** Whether stderr is a terminal (progress counter). */
  readonly stderrIsTTY: () => boolean;
}

export function createDemoGenerateCommand(deps: DemoGenerateDeps): CommandSpec {
  return {
    name: ['demo', 'generate'],
    summary: 'generate a realistic, deterministic demo evidence log, its bundle and trust file',
    usage:
      'demo generate --records N --out DIR [--seed S] [--checkpoint-every N] ' +
      '[--rpc URL --chain-id N --contract ADDR --publisher-key DIR [--passphrase-file F]] [--json]',
    description: `Builds an evidence log of N records through the real services: a signed policy and roster, policy
decisions (allow, deny, pending), approvals signed by several approvers (Ed25519, some also ML-DSA-65),
hybrid-signed grants, and hybrid-signed checkpoints (Ed25519 + ML-DSA-65). Writes DIR/bundle (an
evidence bundle) and DIR/trust.json (the keys to pin), so that
'qtrust verify DIR/bundle --trust DIR/trust.json' succeeds. DIR must be new or empty.
The same seed (default "${DEFAULT_SEED}") gives byte-for-byte the same files: keys, times, choices
and nonces all derive from it. Demo keys are public knowledge: never use them for anything else.
With --rpc, every checkpoint of the bundle is then anchored on the QTrustAnchor contract ADDR (see
'qtrust anchor deploy') with the secp256k1 publisher key in DIR, and trust.json pins the anchor
section (chain id, contract, publisher, salt from the seed), so 'qtrust verify ... --rpc URL' checks
them. On a local anvil node (it answers anvil_nodeInfo) an empty publisher is funded and blocks are
mined until every anchor is final; on other chains the command returns once every anchor is included.
The bundle itself is the same with or without --rpc.
--json prints a summary: {"origin","seed","records","checkpoints","decisions","approvals","grants",
"bundle","trust"[,"anchors":{"chainId","contract","publisher","anchored","state"}]}.`,
    options: {
      records: { type: 'string', value: 'N', description: `records in the log (1 to ${MAX_DEMO_RECORDS})` },
      out: { type: 'string', value: 'DIR', description: 'output folder (new or empty)' },
      seed: { type: 'string', value: 'S', description: `seed text (default "${DEFAULT_SEED}")` },
      'checkpoint-every': {
        type: 'string',
        value: 'N',
        description: `records per checkpoint (default ${DEFAULT_CHECKPOINT_EVERY}, at most ${MAX_CHECKPOINT_EVERY})`,
      },
      rpc: { type: 'string', value: 'URL', description: 'anchor the checkpoints on this chain RPC' },
      'chain-id': { type: 'string', value: 'N', description: 'the chain id the RPC must serve (with --rpc)' },
      contract: { type: 'string', value: 'ADDR', description: 'the QTrustAnchor contract (with --rpc)' },
      'publisher-key': {
        type: 'string',
        value: 'DIR',
        description: 'key directory with the allowlisted secp256k1 publisher key (with --rpc)',
      },
      'passphrase-file': {
        type: 'string',
        value: 'F',
        description: "read the publisher key's passphrase from the first line of F",
      },
    },
    positionals: { min: 0, max: 0 },
    json: true,
    async run(ctx) {
      const records = countOption(ctx, 'records', MAX_DEMO_RECORDS);
      const out = stringOption(ctx.values, 'out', NAME);
      const seed = stringOption(ctx.values, 'seed', NAME, true);
      const checkpointEvery = countOption(
        ctx,
        'checkpoint-every',
        MAX_CHECKPOINT_EVERY,
        DEFAULT_CHECKPOINT_EVERY,
      );
      const anchor = await anchorOptions(ctx);
      const bar = !ctx.json && deps.stderrIsTTY() ? progress(ctx) : undefined;
      let summary;
      try {
        summary = await generateDemo({
          records,
          out,
          checkpointEvery,
          ...(seed === undefined ? {} : { seed }),
          ...(anchor === undefined ? {} : { anchor }),
          ...(bar === undefined ? {} : { onProgress: bar.update }),
        });
      } finally {
        bar?.clear();
      }
      ctx.stdout(ctx.json ? `${JSON.stringify(summary)}\n` : summaryText(summary));
      return EXIT.ok;
    },
  };
}

export const demoGenerateCommand: CommandSpec = createDemoGenerateCommand({
  stderrIsTTY: () => process.stderr.isTTY === true,
});
