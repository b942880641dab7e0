/** `qtrust key generate`: a new hybrid key set in a directory (public.json, secret.json). */
import { QtError } from '../../../src-shared/errors.js';
import {
  DEFAULT_SCRYPT,
  encodePublicKeySet,
  generateKeySet,
  plaintextSecretKeySet,
  sealSecretKeySet,
  wipeSecretKeys,
} from '../../../src-shared/keys/index.js';
import { parseSuiteSet } from '../../../src-shared/sign/index.js';
import { nodeSuiteBackend } from '../../crypto/node-backend.js';
import { assertKeyDirWritable, writeKeyDir } from '../../keys/keyfile.js';
import { nodeScryptKdf } from '../../keys/node-kdf.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { obtainPassphrase } from '../passphrase-source.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust key generate';

export const keyGenerateCommand: CommandSpec = {
  name: ['key', 'generate'],
  summary: 'generate a key set (one key per suite) into a directory',
  usage: 'key generate --suite SET --out DIR (--passphrase-file F | --insecure-plaintext) [--force]',
  description: `Writes DIR/public.json (mode 0644) and DIR/secret.json (mode 0600, sealed with scrypt
N=2^${Math.log2(DEFAULT_SCRYPT.N)} r=${DEFAULT_SCRYPT.r} p=${DEFAULT_SCRYPT.p} and XChaCha20-Poly1305). SET joins suites with '+', e.g.
ed25519+ml-dsa-65. With neither --passphrase-file nor --insecure-plaintext the passphrase is asked
twice on the terminal; without a terminal that is a usage error. Prints the key ids, or with
--json the public key set.`,
  options: {
    suite: { type: 'string', value: 'SET', description: "suites joined by '+', e.g. ed25519+ml-dsa-65" },
    out: { type: 'string', value: 'DIR', description: 'directory for public.json and secret.json' },
    'passphrase-file': {
      type: 'string',
      value: 'F',
      description: 'read the passphrase from the first line of F',
    },
    'insecure-plaintext': {
      type: 'boolean',
      description: 'store the secret keys unencrypted (tests and demos only)',
    },
    force: { type: 'boolean', description: 'replace an existing key set in DIR' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const suites = stringOption(ctx.values, 'suite', NAME);
    const out = stringOption(ctx.values, 'out', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const insecure = ctx.values['insecure-plaintext'] === true;
    if (insecure && passphraseFile !== undefined) {
      throw new QtError('QT_USAGE', `${NAME}: --passphrase-file and --insecure-plaintext exclude each other`);
    }
    const force = ctx.values.force === true;
    const ids = parseSuiteSet(suites);
    // Refuse an occupied directory before generating keys or asking anyone for a passphrase.
    await assertKeyDirWritable(out, force);
    const keys = generateKeySet(ids.join('+'));
    let passphrase: Uint8Array | undefined;
    try {
      const publicSet = encodePublicKeySet(keys);
      let secretSet;
      if (insecure) {
        secretSet = plaintextSecretKeySet(keys, nodeSuiteBackend);
      } else {
        passphrase = await obtainPassphrase(
          ctx,
          passphraseFile,
          'new',
          NAME,
          'give --passphrase-file F, or --insecure-plaintext to store the keys unencrypted',
        );
        secretSet = await sealSecretKeySet(keys, passphrase, {
          kdf: nodeScryptKdf,
          backend: nodeSuiteBackend,
        });
      }
      const written = await writeKeyDir(out, publicSet, secretSet, { force });
      if (insecure) ctx.stderr(`qtrust: warning: ${written.secretPath} holds the secret keys unencrypted\n`);
      if (ctx.json) {
        ctx.stdout(`${JSON.stringify(publicSet)}\n`);
      } else {
        ctx.stdout(`wrote ${written.publicPath} and ${written.secretPath}\n`);
        for (const k of publicSet.keys) ctx.stdout(`${k.keyid}\n`);
      }
      return EXIT.ok;
    } finally {
      wipeSecretKeys(keys);
      passphrase?.fill(0);
    }
  },
};
