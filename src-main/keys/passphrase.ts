/**
 * Passphrases from a file: the first line, without its line ending (LF or CRLF), as strict UTF-8,
 * NFC-normalized (src-shared/keys/kdf.ts). An empty first line is refused: it would seal the keys
 * under a guessable passphrase while looking protected.
 */
import { passphraseFromBytes } from '../../src-shared/keys/index.js';
import { readFileLimited } from '../io/read-file.js';

export const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

/** The passphrase bytes of the first line of `bytes` (which the caller wipes). */
export function passphraseFromFileBytes(bytes: Uint8Array, name: string): Uint8Array {
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  return passphraseFromBytes(bytes.subarray(0, end), name);
}

export async function readPassphraseFile(path: string): Promise<Uint8Array> {
  const bytes = await readFileLimited(path, MAX_PASSPHRASE_FILE_BYTES);
  try {
    return passphraseFromFileBytes(bytes, `${path} (first line)`);
  } finally {
    bytes.fill(0);
  }
}
