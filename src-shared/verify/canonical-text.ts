/**
 * The verifier's fast reading of canonical JSON: the engine's JSON.parse and JSON.stringify (native
 * code) in place of the strict parser and serializer of canonical.ts, for text that must be exactly
 * RFC 8785 canonical. It answers only when it is sure; `null` means "not decided here", and the
 * caller then runs the strict path (parseJson + canonicalize), which also names the fault. So a
 * caller's acceptance is exactly the strict path's; this only makes the common case cheap.
 *
 * Why the answer is the strict path's when it is not null: `text` is strict UTF-8 (no lone
 * surrogates, a byte order mark kept and so refused by JSON.parse), `JSON.stringify(JSON.parse(text))`
 * is `text` itself, and then the walk checks what JSON.stringify does not:
 * - duplicate keys, whitespace, non-minimal escapes, number forms (`1.0`, `1e2`, `-0`) cannot survive
 *   the round trip: JSON.stringify writes each key once, no whitespace, escapes only what RFC 8785
 *   §3.2.2.2 escapes and numbers by Number::toString, the form RFC 8785 §3.2.2.3 requires;
 * - a lone surrogate written as an escape is the one string JSON.stringify and RFC 8785 write
 *   differently (ES2019 well-formed stringify escapes it as `\udxxx`): text holding `\ud` is left
 *   to the strict path, which refuses lone surrogates;
 * - members must be sorted by UTF-16 code units (RFC 8785 §3.2.3): JSON.stringify keeps the parsed
 *   order, so the walk checks that each object's keys are strictly increasing (objects with
 *   integer-like keys, which engines enumerate first, may be left to the strict path);
 * - numbers must be in the domain of canonical.ts: magnitude at most 2^53 - 1, or at least 10^21;
 * - nesting at most MAX_DEPTH containers, as canonical.ts counts them.
 * Under those conditions canonicalize(value) and JSON.stringify(value) are the same string, and the
 * strict parser reads `text` to a value equal to JSON.parse's.
 */
import { bytesToUtf8 } from '../bytes.js';
import { MAX_DEPTH } from '../canonical.js';

export interface CanonicalText {
  readonly text: string;
  readonly value: unknown;
}

/** Whether `v` and everything in it is in canonical.ts's domain, at container depth `depth`. */
function inDomain(v: unknown, depth: number): boolean {
  if (typeof v === 'number') {
    const m = Math.abs(v);
    // JSON.parse never yields NaN or Infinity from text that round-trips ("1e999" becomes null).
    return m <= Number.MAX_SAFE_INTEGER || m >= 1e21;
  }
  if (typeof v !== 'object' || v === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!inDomain(x, depth + 1)) return false;
    return true;
  }
  const o = v as Record<string, unknown>;
  let last: string | undefined;
  for (const k in o) {
    if (last !== undefined && !(last < k)) return false;
    last = k;
    if (!inDomain(o[k], depth + 1)) return false;
  }
  return true;
}

/**
 * `bytes` read as canonical JSON, or null when it is not, or not sure to be: the caller must then
 * decide with the strict path. Never throws.
 */
export function readCanonical(bytes: Uint8Array): CanonicalText | null {
  let text: string;
  let value: unknown;
  try {
    text = bytesToUtf8(bytes);
    value = JSON.parse(text);
    if (JSON.stringify(value) !== text) return null;
  } catch {
    return null;
  }
  if (text.includes('\\ud') || !inDomain(value, 0)) return null;
  return { text, value };
}
