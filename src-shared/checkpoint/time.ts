/**
 * Strict RFC 3339 UTC timestamps for checkpoint `time` lines, parsed character by character (no
 * regular expression, no Date: the core never reads a clock, and Date.parse is lenient).
 *
 * Accepted form (RFC 3339 §5.6 restricted to one spelling per instant's precision):
 *   YYYY-MM-DD "T" hh:mm:ss [ "." 1*9DIGIT ] "Z"
 * Upper-case T and Z only, UTC only (no offsets), year 0001-9999, a real calendar day (leap years
 * by the Gregorian rule), hours 00-23, minutes 00-59, seconds 00-59 (leap second 60 refused: a
 * log timestamp never needs one and refusing it keeps comparisons simple).
 */
import { astring } from '../bytes.js';
import { QtError } from '../errors.js';

const MAX_LENGTH = 30; // "YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ"

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `s` is a timestamp of the accepted form. */
export function isRfc3339Utc(s: string): boolean {
  if (s.length < 20 || s.length > MAX_LENGTH) return false;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return false;
  if (s[s.length - 1] !== 'Z') return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (s.length === 20) return true;
  // A fraction: "." and 1 to 9 digits before the Z.
  return s[19] === '.' && s.length >= 22 && digits(s, 20, s.length - 21) >= 0;
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
