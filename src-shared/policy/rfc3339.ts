/**
 * A strict RFC 3339 `date-time` parser (RFC 3339 §5.6), written out by hand because `Date.parse`
 * accepts many other shapes, depends on the engine, and drops sub-millisecond digits.
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)`, upper-case `T` and `Z` only (§5.6 allows
 * lower case; we keep one spelling). Refused: a day that does not exist in its month (§5.7), hour > 23,
 * minute or second > 59 (a leap second cannot be placed on a timeline without a table, so `:60` is
 * refused), offset hour > 23 or minute > 59. `-00:00` (§4.3, unknown local offset) is read as UTC.
 */
import { QtError, type QtErrorCode } from '../errors.js';

/** An instant: whole seconds since 1970-01-01T00:00:00Z plus nanoseconds (0..999,999,999). */
export interface Instant {
  readonly seconds: number;
  readonly nanos: number;
}

/** `2026-01-01T00:00:00.123456789+00:00`: the longest accepted form. */
const MAX_LENGTH = 35;

function digits(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses an RFC 3339 date-time. Throws QtError(`code`) naming `path` on anything else.
 */
export function parseRfc3339(value: unknown, path: string, code: QtErrorCode): Instant {
  const bad = (why: string): never => {
    throw new QtError(code, `${path} must be an RFC 3339 date-time (${why})`, { path });
  };
  if (typeof value !== 'string') return bad('not a string');
  const t = value;
  if (t.length < 20 || t.length > MAX_LENGTH) return bad('wrong length');
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    t[4] !== '-' ||
    t[7] !== '-' ||
    t[10] !== 'T' ||
    t[13] !== ':' ||
    t[16] !== ':'
  ) {
    return bad('expected YYYY-MM-DDTHH:MM:SS');
  }
  if (month < 1 || month > 12) return bad('month out of range');
  const dim = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > dim) return bad('day out of range');
  if (hour > 23 || minute > 59 || second > 59) return bad('time out of range');
  let i = 19;
  let nanos = 0;
  if (t[i] === '.') {
    i++;
    const start = i;
    while (i < t.length && i - start < 10) {
      const c = t.charCodeAt(i) - 48;
      if (!(c >= 0 && c <= 9)) break;
      i++;
    }
    const count = i - start;
    if (count < 1 || count > 9) return bad('fraction must have 1 to 9 digits');
    nanos = digits(t, start, count) * 10 ** (9 - count);
  }
  let offsetSeconds = 0; // `Z`
  if (t[i] === 'Z' && i + 1 === t.length) {
    // UTC
  } else if ((t[i] === '+' || t[i] === '-') && i + 6 === t.length && t[i + 3] === ':') {
    const oh = digits(t, i + 1, 2);
    const om = digits(t, i + 4, 2);
    if (oh < 0 || om < 0) return bad('malformed offset');
    if (oh > 23 || om > 59) return bad('offset out of range');
    offsetSeconds = (oh * 3600 + om * 60) * (t[i] === '-' ? -1 : 1);
  } else {
    return bad('expected Z or +HH:MM or -HH:MM at the end');
  }
  const seconds =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return Object.freeze({ seconds, nanos });
}

/** Orders two instants: negative, zero or positive. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}
