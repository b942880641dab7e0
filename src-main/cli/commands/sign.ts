/** `qtrust sign`: an envelope over a file, signed by every key of a key set. */
import { canonicalize } from '../../../src-shared/canonical.js';
import { wipeSecretKeys, isSealed } from '../../../src-shared/keys/index.js';
import { signEnvelope, MAX_PAYLOAD_BYTES } from '../../../src-shared/sign/index.js';
import { nodeSuiteBackend } from '../../crypto/node-backend.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../../keys/keyfile.js';
import { EXIT } from '../context.js';
import { readInput, stringOption } from '../input.js';
import { obtainPassphrase } from '../passphrase-source.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust sign';

/**
 * The default payload type names "a file signed with the CLI, with no other meaning". It is
 * deliberately none of the types the protocol's own artifacts use, so a signature made with
 * `qtrust sign` can never be replayed as an approval, a grant or a checkpoint.
 */
export const DEFAULT_PAYLOAD_TYPE = 'application/vnd.qtrust.file';

export const signCommand: CommandSpec = {
  name: ['sign'],
  summary: 'sign a file with every key of a key set (prints an envelope)',
  usage: 'sign --key DIR [--passphrase-file F] [--payload-type T] [FILE|-]',
  description: `Reads DIR/secret.json, signs the file's bytes (as they are) in a DSSE-style envelope with one
signature per key, and prints the envelope as canonical JSON followed by a newline.
The payload type defaults to ${DEFAULT_PAYLOAD_TYPE}. A sealed key set needs a passphrase:
--passphrase-file F, or asked on the terminal.`,
  options: {
    key: { type: 'string', value: 'DIR', description: 'key directory holding secret.json' },
    'passphrase-file': {
      type: 'string',
      value: 'F',
      description: 'read the passphrase from the first line of F',
    },
    'payload-type': {
      type: 'string',
      value: 'T',
      description: `payload type (default ${DEFAULT_PAYLOAD_TYPE})`,
    },
  },
  positionals: { min: 0, max: 1 },
  json: false,
  async run(ctx) {
    const dir = stringOption(ctx.values, 'key', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const payloadType = stringOption(ctx.values, 'payload-type', NAME, true) ?? DEFAULT_PAYLOAD_TYPE;
    const { path, set } = await readSecretKeySetFile(dir);
    const input = await readInput(ctx, ctx.positionals[0], NAME, MAX_PAYLOAD_BYTES);
    let passphrase: Uint8Array | undefined;
    if (isSealed(set)) {
      passphrase = await obtainPassphrase(
        ctx,
        passphraseFile,
        'existing',
        NAME,
        `${path} is sealed: give --passphrase-file F`,
      );
    } else {
      ctx.stderr(`qtrust: warning: ${path} holds unencrypted secret keys\n`);
    }
    let keys;
    try {
      keys = (await openSecretKeySetFile(path, set, passphrase)).keys;
    } finally {
      passphrase?.fill(0);
    }
    try {
      const envelope = signEnvelope(payloadType, input.bytes, keys, nodeSuiteBackend);
      ctx.stdout(`${canonicalize(envelope)}\n`);
      return EXIT.ok;
    } finally {
      wipeSecretKeys(keys);
    }
  },
};
