/**
 * The one shape every IPC answer takes: a value, or a stable error code with a message a person
 * can act on. Errors are data here, never thrown across the bridge, so the renderer cannot be
 * handed a stack trace or an exception object from main.
 */
import { z } from 'zod';

export type IpcErrorCode = `QT_${string}`;

export type IpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: IpcErrorCode; readonly message: string };

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function err<T = never>(code: IpcErrorCode, message: string): IpcResult<T> {
  return { ok: false, code, message };
}

/** Error messages are short by construction; a longer one is refused as malformed. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;

const errorSchema = z.strictObject({
  ok: z.literal(false),
  code: z.string().regex(/^QT_[A-Z0-9_]{1,60}$/) as z.ZodType<IpcErrorCode>,
  message: z.string().max(MAX_ERROR_MESSAGE_LENGTH),
});

/** Schema of `IpcResult<T>` for a given value schema (used by the client to check answers). */
export function resultSchema<S extends z.ZodType>(value: S) {
  return z.union([z.strictObject({ ok: z.literal(true), value }), errorSchema]);
}
