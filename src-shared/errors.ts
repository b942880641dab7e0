/**
 * One error class for the whole trusted core. Every failure carries a stable code
 * (`QT_...`, documented in docs/errors.md) that scripts and the IPC layer can rely on,
 * and a message a person can act on. `path` names the offending JSON path or parameter.
 */
export type QtErrorCode = `QT_${string}`;

export interface QtErrorOptions {
  /** JSON path (`$.approvals[2].time`) or parameter name of the offending input. */
  readonly path?: string;
  readonly cause?: unknown;
}

export class QtError extends Error {
  readonly code: QtErrorCode;
  readonly path: string | undefined;

  constructor(code: QtErrorCode, message: string, options: QtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QtError';
    this.code = code;
    this.path = options.path;
  }

  /** A plain object safe to send across IPC or print as JSON. */
  toJSON(): { code: QtErrorCode; message: string; path?: string } {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }
}

export function isQtError(e: unknown): e is QtError {
  return e instanceof QtError;
}

/** Throws a QtError; handy in expression position. */
export function fail(code: QtErrorCode, message: string, options?: QtErrorOptions): never {
  throw new QtError(code, message, options);
}
