/**
 * The core's one RFC 3339 `date-time` parser and formatter (RFC 3339 §5.6), written out by hand:
 * `Date.parse` accepts many other shapes, depends on the engine and drops sub-millisecond digits, and
 * the core never reads a clock, so nothing here does.
 *
 * General form (the policy engine's `time`, `after`, `before`):
 *   YYYY-MM-DD "T" HH:MM:SS [ "." 1*9DIGIT ] ( "Z" / ("+" / "-") HH:MM )
 * Upper-case `T` and `Z` only (§5.6 allows lower case; we keep one spelling). Refused: a day that does
 * not exist in its month (§5.7, Gregorian leap years), hour > 23, minute or second > 59 (a leap second
 * cannot be placed on a timeline without a table, so `:60` is refused), offset hour > 23 or minute
 * > 59. `-00:00` (§4.3, unknown local offset) is read as UTC. Years 0000..9999.
 *
 * Canonical form (approvals, grants, documents whose JSON must stay canonical):
 *   YYYY-MM-DD "T" HH:MM:SS "Z"
 * UTC, whole seconds: each instant has exactly one text. `isCanonicalTime` checks it and
 * `formatCanonicalTime` writes it. Callers narrow further through `Rfc3339Options` (no offset, no
 * fraction, a first year).
 */
import { describe } from './bytes.js';
import { QtError, type QtErrorCode } from './errors.js';

/** An instant: whole seconds since 1970-01-01T00:00:00Z plus nanoseconds (0..999,999,999). */
export interface Instant {
  readonly seconds: number;
  readonly nanos: number;
}

/** Narrowings of the general form. */
export interface Rfc3339Options {
  /** Accept `+HH:MM` / `-HH:MM` offsets; when false only `Z`. Default true. */
  readonly offsets?: boolean;
  /** Accept a fraction of 1 to 9 digits; when false whole seconds only. Default true. */
  readonly fraction?: boolean;
  /** The first year accepted, 0..9999. Default 0. */
  readonly minYear?: number;
}

/** Why a text was refused: `shape` (not of the form at all) or `range` (a field out of range). */
export interface Rfc3339Refusal {
  readonly kind: 'shape' | 'range';
  readonly reason: string;
}

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds: the four-digit years' bounds. */
export const MIN_RFC3339_SECONDS = -62_167_219_200;
export const MAX_RFC3339_SECONDS = 253_402_300_799;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The number written by `count` ASCII digits at `start`, or -1 if any of them is not a digit. */
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

/** Days from 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count from 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function refusal(kind: 'shape' | 'range', reason: string): Rfc3339Refusal {
  return { kind, reason };
}

/**
 * Reads an RFC 3339 date-time of the form above (narrowed by `opts`). Never throws: returns the
 * instant, or why the text was refused.
 */
export function readRfc3339(value: unknown, opts?: Rfc3339Options): Instant | Rfc3339Refusal {
  if (typeof value !== 'string') return refusal('shape', 'not a string');
  const t = value;
  const offsets = opts?.offsets !== false;
  const fraction = opts?.fraction !== false;
  // 20 = `YYYY-MM-DDTHH:MM:SSZ`; a fraction adds up to 10, an offset 5 instead of `Z`'s 1.
  if (t.length < 20 || t.length > 20 + (fraction ? 10 : 0) + (offsets ? 5 : 0))
    return refusal('shape', 'wrong length');
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
    t.charCodeAt(4) !== 45 || // '-'
    t.charCodeAt(7) !== 45 ||
    t.charCodeAt(10) !== 84 || // 'T'
    t.charCodeAt(13) !== 58 || // ':'
    t.charCodeAt(16) !== 58
  ) {
    return refusal('shape', 'expected YYYY-MM-DDTHH:MM:SS');
  }
  let i = 19;
  let nanos = 0;
  if (t.charCodeAt(i) === 46) {
    // '.'
    if (!fraction) return refusal('shape', 'no fraction allowed');
    const start = ++i;
    while (i < t.length && i - start < 10) {
      const c = t.charCodeAt(i) - 48;
      if (!(c >= 0 && c <= 9)) break;
      i++;
    }
    const count = i - start;
    if (count < 1 || count > 9) return refusal('shape', 'fraction must have 1 to 9 digits');
    nanos = digits(t, start, count) * 10 ** (9 - count);
  }
  let offsetSeconds = 0;
  const sign = t.charCodeAt(i);
  if (sign === 90 && i + 1 === t.length) {
    // 'Z': UTC
  } else if (offsets && (sign === 43 || sign === 45) && i + 6 === t.length && t.charCodeAt(i + 3) === 58) {
    const oh = digits(t, i + 1, 2);
    const om = digits(t, i + 4, 2);
    if (oh < 0 || om < 0) return refusal('shape', 'malformed offset');
    if (oh > 23 || om > 59) return refusal('range', 'offset out of range');
    offsetSeconds = (oh * 3600 + om * 60) * (sign === 45 ? -1 : 1);
  } else {
    return refusal('shape', offsets ? 'expected Z or +HH:MM or -HH:MM at the end' : 'expected Z at the end');
  }
  if (year < (opts?.minYear ?? 0)) return refusal('range', `year before ${opts?.minYear}`);
  if (month < 1 || month > 12) return refusal('range', 'month out of range');
  const dim = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > dim) return refusal('range', 'day out of range');
  if (hour > 23 || minute > 59 || second > 59) return refusal('range', 'time out of range');
  const seconds =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return { seconds, nanos };
}

/** True when `r` is a refusal rather than an instant. */
export function isRefusal(r: Instant | Rfc3339Refusal): r is Rfc3339Refusal {
  return (r as Partial<Rfc3339Refusal>).reason !== undefined;
}

/**
 * Parses an RFC 3339 date-time (general form, narrowed by `opts`) into a frozen instant. Throws
 * QtError(`code`) naming `path` and the reason on anything else.
 */
export function parseRfc3339(
  value: unknown,
  path: string,
  code: QtErrorCode,
  opts?: Rfc3339Options,
): Instant {
  const r = readRfc3339(value, opts);
  if (isRefusal(r)) throw new QtError(code, `${path} must be an RFC 3339 date-time (${r.reason})`, { path });
  return Object.freeze(r);
}

/** True when `text` is in the canonical form `YYYY-MM-DDTHH:MM:SSZ` and denotes a real instant. */
export function isCanonicalTime(text: unknown): text is string {
  return !isRefusal(readRfc3339(text, { offsets: false, fraction: false }));
}

/** Formats whole Unix seconds (years 0000..9999) in the canonical form `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatCanonicalTime(seconds: number, name = 'seconds'): string {
  if (!Number.isSafeInteger(seconds)) {
    throw new QtError('QT_TYPE', `${name} must be whole Unix seconds, got ${describe(seconds)}`, {
      path: name,
    });
  }
  if (seconds < MIN_RFC3339_SECONDS || seconds > MAX_RFC3339_SECONDS) {
    throw new QtError('QT_RANGE', `${name} must be within years 0000..9999, got ${seconds}`, { path: name });
  }
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  const hh = Math.floor(rest / 3600);
  const mm = Math.floor((rest % 3600) / 60);
  return `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(hh)}:${two(mm)}:${two(rest % 60)}Z`;
}

/** Unix milliseconds of an instant (the fraction truncated to whole milliseconds). */
export function instantToMillis(instant: Instant): number {
  return instant.seconds * 1000 + Math.floor(instant.nanos / 1e6);
}

/** Orders two instants: negative, zero or positive. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}
