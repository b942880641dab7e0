/**
 * Time in approvals and grants. Documents carry RFC 3339 timestamps in one profile
 * (`YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds, upper-case `T` and `Z`) so each instant has
 * exactly one text form and canonical JSON stays canonical; code works in Unix seconds.
 * The core never reads a clock: every "now" is passed in.
 */
import { describe } from '../bytes.js';
import { QtError } from '../errors.js';

/** A time given to the API: Unix seconds (safe integer) or an RFC 3339 string in the profile above. */
export type TimeInput = number | string;

/** 9999-12-31T23:59:59Z: the last instant the four-digit year of the profile can write. */
export const MAX_TIME_SECONDS = 253_402_300_799;

// RFC 3339 §5.6 date-time, narrowed: no fractions, no offsets other than Z, no leap second 60.
const PROFILE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Formats Unix seconds as the profile's RFC 3339 text. */
export function formatTime(seconds: number, name = 'time'): string {
  checkSeconds(seconds, name);
  // new Date(x) with an argument is a pure conversion, not a clock read.
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parses the profile's RFC 3339 text into Unix seconds; anything else is refused. */
export function parseTime(text: unknown, name = 'time'): number {
  if (typeof text !== 'string') {
    throw new QtError('QT_TYPE', `${name} must be an RFC 3339 string, got ${describe(text)}`, { path: name });
  }
  const m = PROFILE.exec(text);
  if (m === null) {
    throw new QtError(
      'QT_ENCODING',
      `${name} must be RFC 3339 UTC with whole seconds (YYYY-MM-DDTHH:MM:SSZ)`,
      {
        path: name,
      },
    );
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls over out-of-range fields (2025-02-30 becomes March 2); the round trip catches that.
  if (y < 1970 || new Date(ms).toISOString() !== `${text.slice(0, 19)}.000Z`) {
    throw new QtError('QT_RANGE', `${name} "${text}" is not a valid date-time from 1970 on`, { path: name });
  }
  return ms / 1000;
}

/** Accepts Unix seconds or profile text; returns Unix seconds. */
export function toSeconds(value: unknown, name = 'time'): number {
  if (typeof value === 'number') return checkSeconds(value, name);
  return parseTime(value, name);
}

function checkSeconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new QtError('QT_TYPE', `${name} must be whole Unix seconds, got ${value}`, { path: name });
  }
  if (value < 0 || value > MAX_TIME_SECONDS) {
    throw new QtError('QT_RANGE', `${name} must be between 0 and ${MAX_TIME_SECONDS}, got ${value}`, {
      path: name,
    });
  }
  return value;
}
