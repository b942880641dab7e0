/**
 * Trust-boundary parsing shared by approvals and grants: inputs become plain JSON first (strict
 * RFC 8785 rules via canonical.ts, so look-alike objects, undefined, NaN and duplicate keys never
 * reach a schema), then one strict zod schema; every failure is a QtError naming the JSON path.
 */
import { z } from 'zod';
import { equalBytes } from '../bytes.js';
import { canonicalBytes, canonicalize, parseJson, parseJsonBytes, type JsonValue } from '../canonical.js';
import { QtError, type QtErrorCode } from '../errors.js';
import { parseTime } from './time.js';

/** Lowercase hex of a 32-byte digest, as policy and request hashes are written. */
export const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** An identifier for a person, group, rule, roster or audience: printable, no surrounding space. */
export const identifier = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'must be printable with no leading or trailing space');

/** Unpadded base64url of 16 to 64 bytes (22 to 86 characters, canonical form checked by the caller). */
export const nonceText = z
  .string()
  .min(22)
  .max(86)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');

/** RFC 3339 in the profile of time.ts; refined so a bad date reports its JSON path. */
export const timestamp = z.string().superRefine((value, ctx) => {
  try {
    parseTime(value, 'timestamp');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/** `$.a.b[2]["odd key"]`: the JSON path of a zod issue. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/**
 * Turns `input` (JSON text or a JSON-shaped value) into plain JSON, refusing anything canonical
 * JSON refuses. The error keeps canonical's message and path but carries `code`.
 */
export function toJson(input: unknown, code: QtErrorCode, what: string): JsonValue {
  try {
    return typeof input === 'string' ? parseJson(input) : parseJson(canonicalize(input));
  } catch (cause) {
    // canonical.ts fails only with QtErrors that name the JSON path.
    const e = cause as QtError;
    throw new QtError(code, `${what} is not valid JSON: ${e.message}`, { path: e.path, cause });
  }
}

/** Parses with `schema`; the first issue becomes a QtError with `code` and its JSON path. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, code: QtErrorCode, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = jsonPath(issue.path);
  throw new QtError(code, `${what}: ${path}: ${issue.message}`, { path, cause: result.error });
}

/**
 * Decodes a signed payload that must be canonical JSON: one document has one byte form, so
 * hashes and replay ids derived from the payload cannot be varied by re-encoding it.
 */
export function canonicalPayload(payload: Uint8Array, code: QtErrorCode, what: string): JsonValue {
  let json: JsonValue;
  try {
    json = parseJsonBytes(payload);
  } catch (cause) {
    const e = cause as QtError;
    throw new QtError(code, `${what} payload is not valid JSON: ${e.message}`, { path: e.path, cause });
  }
  if (!equalBytes(canonicalBytes(json), payload)) {
    throw new QtError(code, `${what} payload is not canonical JSON (RFC 8785)`, { path: '$' });
  }
  return json;
}
