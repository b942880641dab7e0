/**
 * Where a command's passphrase comes from: --passphrase-file F, or a prompt without echo when
 * stdin is a terminal (twice when a new passphrase is being set, so a typo does not lock the keys
 * away). Without either, a usage error: a script must never hang waiting for a person.
 */
import { QtError } from '../../src-shared/errors.js';
import { passphraseFromText } from '../../src-shared/keys/index.js';
import { readPassphraseFile } from '../keys/passphrase.js';
import type { CliIo } from './context.js';

export async function obtainPassphrase(
  io: CliIo,
  file: string | undefined,
  mode: 'new' | 'existing',
  command: string,
  missingHint: string,
): Promise<Uint8Array> {
  if (file !== undefined) return readPassphraseFile(file);
  if (!io.isTTY) {
    throw new QtError(
      'QT_USAGE',
      `${command}: ${missingHint} (stdin is not a terminal, so no passphrase can be asked for)`,
    );
  }
  const first = await io.promptHidden(mode === 'new' ? 'New passphrase: ' : 'Passphrase: ');
  const passphrase = passphraseFromText(first, 'passphrase');
  if (mode === 'new') {
    const again = await io.promptHidden('Repeat passphrase: ');
    if (again.normalize('NFC') !== first.normalize('NFC')) {
      passphrase.fill(0);
      throw new QtError('QT_PASSPHRASE', 'the two passphrases differ');
    }
  }
  return passphrase;
}
