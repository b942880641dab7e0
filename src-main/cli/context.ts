/**
 * What a command may touch of the outside world. Commands never use `process` directly, so tests
 * can run them with captured streams, and the registry stays free of Node globals.
 */
export interface CliIo {
  /** Writes to standard output (text or raw bytes, unchanged). */
  readonly stdout: (data: string | Uint8Array) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Reads all of standard input, refusing more than `maxBytes` (QT_INPUT_TOO_LARGE). */
  readonly readStdin: (maxBytes: number) => Promise<Uint8Array>;
  /** True when standard input is a terminal (a person can be asked). */
  readonly isTTY: boolean;
  /** Asks on the terminal without echo; only called when isTTY. */
  readonly promptHidden: (prompt: string) => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Process exit codes (documented by `qtrust --help`). */
export const EXIT = Object.freeze({
  ok: 0,
  /** A signature or other check did not verify. */
  verifyFailed: 1,
  /** Bad usage or bad input: unknown option, unreadable or malformed file, wrong passphrase. */
  usage: 2,
  /** A bug: an unexpected internal error (EX_SOFTWARE, sysexits.h). */
  internal: 70,
  /** The user cancelled a prompt (128 + SIGINT). */
  cancelled: 130,
});
