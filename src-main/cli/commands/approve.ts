/** `qtrust approve`: show an approval request as it will be signed, confirm, and sign the approval. */
import { canonicalize } from '../../../src-shared/canonical.js';
import { QtError } from '../../../src-shared/errors.js';
import { wipeSecretKeys } from '../../../src-shared/keys/index.js';
import { signApproval } from '../../../src-shared/approvals/index.js';
import { writeFileAtomic } from '../../keys/atomic-write.js';
import { ioError } from '../../io/read-file.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { KEY_OPTIONS, openSigningKeys } from '../open-keys.js';
import { NOW_OPTION, nowOption, readApprovalRequestArg } from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';
import { renderApprovalRequest } from '../render-approval.js';

const NAME = 'qtrust approve';

export const approveCommand: CommandSpec = {
  name: ['approve'],
  summary: 'sign an approval (or rejection) of an approval request',
  usage: 'approve --key DIR --approver ID [--reject] [--yes] [--out FILE] [--passphrase-file F] REQUEST_FILE',
  description: `Parses the approval request strictly, shows every signed field in readable form (on stderr),
and asks for confirmation on a terminal; --yes confirms for scripts (without a terminal and without
--yes nothing is signed). Then signs, with every key of DIR (the approver's whole registered hybrid
set), an approval envelope whose payload embeds the whole approval request, and writes it to --out
(or stdout). --reject signs a rejection instead. Refuses an expired request (QT_APPROVAL_EXPIRED).`,
  options: {
    ...KEY_OPTIONS,
    approver: { type: 'string', value: 'ID', description: 'your approver id in the roster' },
    reject: { type: 'boolean', description: 'sign a rejection instead of an approval' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    out: { type: 'string', value: 'FILE', description: 'write the approval envelope here (default stdout)' },
    now: NOW_OPTION,
  },
  positionals: { min: 1, max: 1 },
  json: false,
  async run(ctx) {
    const dir = stringOption(ctx.values, 'key', NAME);
    const approver = stringOption(ctx.values, 'approver', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const out = stringOption(ctx.values, 'out', NAME, true);
    const decision = ctx.values.reject === true ? 'reject' : 'approve';
    const yes = ctx.values.yes === true;
    if (!yes && !ctx.isTTY) {
      throw new QtError(
        'QT_USAGE',
        `${NAME}: stdin is not a terminal, so nobody can confirm; pass --yes to sign anyway`,
        {
          path: '--yes',
        },
      );
    }
    const ar = await readApprovalRequestArg(ctx.positionals[0] as string);
    const now = nowOption(ctx.values, NAME);
    ctx.stderr(renderApprovalRequest(ar));
    ctx.stderr(`  ${'you:'.padEnd(14)}${approver} will ${decision.toUpperCase()} this request\n`);
    if (!yes) {
      const answer = await ctx.promptHidden(`Type "${decision}" to sign (input hidden): `);
      if (answer.trim() !== decision) throw new QtError('QT_CANCELLED', 'not confirmed; nothing was signed');
    }
    const keys = await openSigningKeys(ctx, dir, passphraseFile, NAME);
    let envelope;
    try {
      envelope = signApproval(ar, approver, keys, now, decision);
    } finally {
      wipeSecretKeys(keys);
    }
    const text = `${canonicalize(envelope)}\n`;
    if (out === undefined) {
      ctx.stdout(text);
    } else {
      await writeFileAtomic(out, new TextEncoder().encode(text), 0o644).catch((err: unknown) => {
        throw ioError(err, out, 'write');
      });
      ctx.stderr(`wrote ${out}\n`);
    }
    return EXIT.ok;
  },
};
