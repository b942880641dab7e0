/**
 * Asking for a passphrase on a terminal without echoing it: raw mode, read until Enter, honour
 * Backspace, cancel on Ctrl-C or Ctrl-D (QT_CANCELLED, exit 130). The terminal is restored on every
 * path, including errors.
 */
import { QtError } from '../../src-shared/errors.js';

export interface TtyInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export function promptHidden(
  input: TtyInput,
  output: { write(text: string): unknown },
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    const chars: string[] = [];
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err === undefined) resolve(chars.join(''));
      else reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || (ch === '\u0004' && chars.length === 0)) {
          return done(new QtError('QT_CANCELLED', 'cancelled at the passphrase prompt'));
        }
        if (ch === '\u007f' || ch === '\b') chars.pop();
        else if (ch >= ' ') chars.push(ch);
      }
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
