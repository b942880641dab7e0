/**
 * Time in approvals and grants. Documents carry RFC 3339 timestamps in the canonical form of
 * src-shared/time.ts (`YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds, upper-case `T` and `Z`) so each
 * instant has exactly one text form and canonical JSON stays canonical; code works in Unix seconds
 * from 1970 on. The core never reads a clock: every "now" is passed in.
 */
import { describe } from '../bytes.js';
import { QtError } from '../errors.js';
import { formatCanonicalTime, isRefusal, MAX_RFC3339_SECONDS, readRfc3339 } from '../time.js';

/** A time given to the API: Unix seconds (safe integer) or an RFC 3339 string in the profile above. */
export type TimeInput = number | string;

/** 9999-12-31T23:59:59Z: the last instant the four-digit year of the profile can write. */
export const MAX_TIME_SECONDS = MAX_RFC3339_SECONDS;

/** Formats Unix seconds as the profile's RFC 3339 text. */
export function formatTime(seconds: number, name = 'time'): string {
  return formatCanonicalTime(checkSeconds(seconds, name), name);
}

/**
 * Parses the profile's RFC 3339 text into Unix seconds. Not a string: QT_TYPE; not of the form:
 * QT_ENCODING; a field out of range (a day that does not exist, hour 24, second 60) or a time
 * before 1970: QT_RANGE.
 */
export function parseTime(text: unknown, name = 'time'): number {
  if (typeof text !== 'string') {
    throw new QtError('QT_TYPE', `${name} must be an RFC 3339 string, got ${describe(text)}`, { path: name });
  }
  const r = readRfc3339(text, { offsets: false, fraction: false });
  if (isRefusal(r) && r.kind === 'shape') {
    throw new QtError(
      'QT_ENCODING',
      `${name} must be RFC 3339 UTC with whole seconds (YYYY-MM-DDTHH:MM:SSZ)`,
      {
        path: name,
      },
    );
  }
  if (isRefusal(r) || r.seconds < 0) {
    throw new QtError('QT_RANGE', `${name} "${text}" is not a valid date-time from 1970 on`, { path: name });
  }
  return r.seconds;
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
