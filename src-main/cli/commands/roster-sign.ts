/** `qtrust roster sign`: sign a roster document with the roster administrators' keys. */
import { canonicalize } from '../../../src-shared/canonical.js';
import { wipeSecretKeys } from '../../../src-shared/keys/index.js';
import { parseRoster, signRoster } from '../../../src-shared/approvals/index.js';
import { writeFileAtomic } from '../../keys/atomic-write.js';
import { ioError } from '../../io/read-file.js';
import { MAX_POLICY_FILE_BYTES, readDocumentFile } from '../../policy/policy-file.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { KEY_OPTIONS, openSigningKeys } from '../open-keys.js';
import { inFile } from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust roster sign';

export const rosterSignCommand: CommandSpec = {
  name: ['roster', 'sign'],
  summary: 'sign a roster of approvers (who may approve, with which keys)',
  usage: 'roster sign --key DIR [--out FILE] [--passphrase-file F] ROSTER_FILE',
  description: `Validates the roster document (docs/approvals.md, "Roster"; JSON, or YAML for .yaml/.yml
files) and signs its canonical JSON with every key of DIR (the roster administrators' set; verifiers
pin its public.json with --roster-trust). Writes the envelope to --out (or stdout) and prints the
roster's name, version and approvers on stderr.`,
  options: {
    ...KEY_OPTIONS,
    out: { type: 'string', value: 'FILE', description: 'write the roster envelope here (default stdout)' },
  },
  positionals: { min: 1, max: 1 },
  json: false,
  async run(ctx) {
    const dir = stringOption(ctx.values, 'key', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const out = stringOption(ctx.values, 'out', NAME, true);
    const path = ctx.positionals[0] as string;
    const doc = await readDocumentFile(path, 'QT_ROSTER_INVALID', MAX_POLICY_FILE_BYTES);
    const roster = inFile(path, () => parseRoster(doc));
    const keys = await openSigningKeys(ctx, dir, passphraseFile, NAME);
    let envelope;
    try {
      envelope = signRoster(doc, keys);
    } finally {
      wipeSecretKeys(keys);
    }
    ctx.stderr(
      `roster ${roster.roster} version ${roster.version}: ${roster.approvers.map((a) => `${a.id} [${a.groups.join(', ')}]`).join('; ')}\n`,
    );
    const text = `${canonicalize(envelope)}\n`;
    if (out === undefined) ctx.stdout(text);
    else {
      await writeFileAtomic(out, new TextEncoder().encode(text), 0o644).catch((err: unknown) => {
        throw ioError(err, out, 'write');
      });
      ctx.stderr(`wrote ${out}\n`);
    }
    return EXIT.ok;
  },
};
