/**
 * Opening a key directory's secret keys for a signing command: reads DIR/secret.json, asks for the
 * passphrase when the set is sealed (--passphrase-file F, or the terminal), and warns about a
 * plaintext set. The caller wipes the keys (wipeSecretKeys) when done.
 */
import { isSealed } from '../../src-shared/keys/index.js';
import type { SecretKeyEntry } from '../../src-shared/sign/index.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../keys/keyfile.js';
import type { CliIo } from './context.js';
import { obtainPassphrase } from './passphrase-source.js';
import type { OptionSpec } from './registry.js';

export const KEY_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  key: { type: 'string', value: 'DIR', description: 'key directory holding secret.json' },
  'passphrase-file': {
    type: 'string',
    value: 'F',
    description: 'read the passphrase from the first line of F',
  },
});

export async function openSigningKeys(
  io: CliIo,
  dir: string,
  passphraseFile: string | undefined,
  command: string,
): Promise<SecretKeyEntry[]> {
  const { path, set } = await readSecretKeySetFile(dir);
  let passphrase: Uint8Array | undefined;
  if (isSealed(set)) {
    passphrase = await obtainPassphrase(
      io,
      passphraseFile,
      'existing',
      command,
      `${path} is sealed: give --passphrase-file F`,
    );
  } else {
    io.stderr(`qtrust: warning: ${path} holds unencrypted secret keys\n`);
  }
  try {
    return (await openSecretKeySetFile(path, set, passphrase)).keys;
  } finally {
    passphrase?.fill(0);
  }
}
