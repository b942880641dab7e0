/** `qtrust demo generate`: a deterministic, realistic demo evidence log, exported and ready to verify (docs/demo.md). */
import { QtError } from '../../../src-shared/errors.js';
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
import type { CommandContext, CommandSpec } from '../registry.js';

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
    `verify: qtrust verify ${s.bundle} --trust ${s.trust}\n`
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
    usage: 'demo generate --records N --out DIR [--seed S] [--checkpoint-every N] [--json]',
    description: `Builds an evidence log of N records through the real services: a signed policy and roster, policy
decisions (allow, deny, pending), approvals signed by several approvers (Ed25519, some also ML-DSA-65),
hybrid-signed grants, and hybrid-signed checkpoints (Ed25519 + ML-DSA-65). Writes DIR/bundle (an
evidence bundle) and DIR/trust.json (the keys to pin), so that
'qtrust verify DIR/bundle --trust DIR/trust.json' succeeds. DIR must be new or empty.
The same seed (default "${DEFAULT_SEED}") gives byte-for-byte the same files: keys, times, choices
and nonces all derive from it. Demo keys are public knowledge: never use them for anything else.
--json prints a summary: {"origin","seed","records","checkpoints","decisions","approvals","grants",...}.`,
    options: {
      records: { type: 'string', value: 'N', description: `records in the log (1 to ${MAX_DEMO_RECORDS})` },
      out: { type: 'string', value: 'DIR', description: 'output folder (new or empty)' },
      seed: { type: 'string', value: 'S', description: `seed text (default "${DEFAULT_SEED}")` },
      'checkpoint-every': {
        type: 'string',
        value: 'N',
        description: `records per checkpoint (default ${DEFAULT_CHECKPOINT_EVERY}, at most ${MAX_CHECKPOINT_EVERY})`,
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
      const bar = !ctx.json && deps.stderrIsTTY() ? progress(ctx) : undefined;
      let summary;
      try {
        summary = await generateDemo({
          records,
          out,
          checkpointEvery,
          ...(seed === undefined ? {} : { seed }),
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
