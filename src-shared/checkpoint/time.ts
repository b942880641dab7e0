/**
 * Strict RFC 3339 UTC timestamps for checkpoint `time` lines, read by the core's one parser
 * (src-shared/time.ts; no Date: the core never reads a clock, and Date.parse is lenient).
 *
 * Accepted form (RFC 3339 §5.6 restricted to one spelling per instant's precision):
 *   YYYY-MM-DD "T" hh:mm:ss [ "." 1*9DIGIT ] "Z"
 * Upper-case T and Z only, UTC only (no offsets), year 0001-9999, a real calendar day (leap years
 * by the Gregorian rule), hours 00-23, minutes 00-59, seconds 00-59 (leap second 60 refused: a
 * log timestamp never needs one and refusing it keeps comparisons simple).
 */
import { astring } from '../bytes.js';
import { QtError } from '../errors.js';
import { isRefusal, readRfc3339 } from '../time.js';

/** True when `s` is a timestamp of the accepted form. */
export function isRfc3339Utc(s: string): boolean {
  return !isRefusal(readRfc3339(s, { offsets: false, minYear: 1 }));
}

/** Asserts `value` is a strict RFC 3339 UTC timestamp (QT_TIME_FORMAT otherwise) and returns it. */
export function artc3339Utc(value: unknown, name = 'time'): string {
  const s = astring(value, name);
  if (!isRfc3339Utc(s)) {
    throw new QtError(
      'QT_TIME_FORMAT',
      `${name} must be an RFC 3339 UTC timestamp like 2026-11-26T13:45:00Z (optional .fraction of 1-9 digits, upper-case T and Z)`,
      { path: name },
    );
  }
  return s;
}
