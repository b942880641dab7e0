/** `qtrust ceremony verify`: does a ceremony transcript verify against pinned participant keys? */
import { CeremonyService } from '../../ceremony/service.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust ceremony verify';

export const ceremonyVerifyCommand: CommandSpec = {
  name: ['ceremony', 'verify'],
  summary: 'verify a ceremony transcript (hash chain, attestations, order, quorum, key proofs)',
  usage: 'ceremony verify --trust TRUST.json TRANSCRIPT',
  description: `Replays the transcript through the ceremony state machine and checks every entry: hash chain,
attestations by every participant present (keys pinned in TRUST.json, a "qtrust/ceremony-trust" file,
never taken from the transcript), step order, roles and quorum, and each step's proofs (self-test
signatures of new keys, rotation statements signed by the old and the new key, backups that sign like
the original). Exit 0 when it verifies, 1 naming the first bad entry (seq and step), 2 when the
transcript or trust file is unusable. --json prints the report.`,
  options: {
    trust: {
      type: 'string',
      value: 'FILE',
      description: 'ceremony trust file pinning the participants\u2019 keys',
    },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const trust = stringOption(ctx.values, 'trust', NAME);
    const report = await CeremonyService.verifyFiles(ctx.positionals[0] as string, trust);
    if (ctx.json) {
      const { state: _s, ...rest } = report as typeof report & { state?: unknown };
      ctx.stdout(`${JSON.stringify(rest)}\n`);
    } else if (report.ok) {
      ctx.stdout(`verified: ceremony ${report.ceremony}, ${report.entries} entries, ${report.status}\n`);
    } else {
      ctx.stderr(
        `qtrust: error ${report.code}: entry ${report.seq}${report.step === null ? '' : ` (step ${report.step})`}: ${report.message}\n`,
      );
      ctx.stdout('verification FAILED\n');
    }
    return report.ok ? EXIT.ok : EXIT.verifyFailed;
  },
};
