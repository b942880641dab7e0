/** Reading a command's input: a file named on the command line, or standard input for `-`. */
import { QtError } from '../../src-shared/errors.js';
import { readFileLimited } from '../io/read-file.js';
import type { CliIo } from './context.js';

/** The default cap on a command's input (files to hash, sign or canonicalize). */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/**
 * Reads FILE, or stdin for `-`. With no FILE, stdin is read only when it is not a terminal:
 * a command waiting silently on a terminal looks hung, so that is a usage error instead.
 */
export async function readInput(
  io: CliIo,
  file: string | undefined,
  command: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<{ name: string; bytes: Uint8Array }> {
  if (file === undefined && io.isTTY) {
    throw new QtError(
      'QT_USAGE',
      `${command}: no input; give a FILE, pipe data in, or use - to read the terminal`,
    );
  }
  if (file === undefined || file === '-') return { name: '<stdin>', bytes: await io.readStdin(maxBytes) };
  return { name: file, bytes: await readFileLimited(file, maxBytes) };
}

/** The string value of option `name`, or a usage error naming it when it is required and missing. */
export function stringOption(
  values: Readonly<Record<string, unknown>>,
  name: string,
  command: string,
): string;
export function stringOption(
  values: Readonly<Record<string, unknown>>,
  name: string,
  command: string,
  optional: true,
): string | undefined;
export function stringOption(
  values: Readonly<Record<string, unknown>>,
  name: string,
  command: string,
  optional = false,
): string | undefined {
  const v = values[name];
  if (typeof v === 'string') {
    if (v === '')
      throw new QtError('QT_USAGE', `${command}: --${name} must not be empty`, { path: `--${name}` });
    return v;
  }
  if (optional) return undefined;
  throw new QtError('QT_USAGE', `${command}: --${name} is required; see '${command} --help'`, {
    path: `--${name}`,
  });
}
