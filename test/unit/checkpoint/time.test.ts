import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { artc3339Utc, isRfc3339Utc } from '../../../src-shared/checkpoint/index.js';

describe('RFC 3339 UTC timestamps', () => {
  it.each([
    '2026-11-26T13:45:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2024-02-29T00:00:00Z',
    '2000-02-29T12:00:00Z',
    '2026-11-26T13:45:00.1Z',
    '2026-11-26T13:45:00.123456789Z',
  ])('accepts %s', (s) => {
    expect(isRfc3339Utc(s)).toBe(true);
    expect(artc3339Utc(s)).toBe(s);
  });

  it.each([
    ['', 'empty'],
    ['2026-11-26', 'date only'],
    ['2026-11-26T13:45:00', 'no zone'],
    ['2026-11-26T13:45:00+00:00', 'offset instead of Z'],
    ['2026-11-26t13:45:00Z', 'lower-case t'],
    ['2026-11-26T13:45:00z', 'lower-case z'],
    ['2026-11-26 13:45:00Z', 'space separator'],
    ['2026-11-26T13:45Z', 'no seconds'],
    ['2026-11-26T13:45:60Z', 'leap second'],
    ['2026-11-26T24:00:00Z', 'hour 24'],
    ['2026-11-26T13:60:00Z', 'minute 60'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-00-01T00:00:00Z', 'month 0'],
    ['2026-11-00T00:00:00Z', 'day 0'],
    ['2026-11-31T00:00:00Z', 'November 31'],
    ['2023-02-29T00:00:00Z', 'Feb 29 in a common year'],
    ['1900-02-29T00:00:00Z', 'Feb 29 in a century year'],
    ['0000-01-01T00:00:00Z', 'year 0'],
    ['2026-11-26T13:45:00.Z', 'empty fraction'],
    ['2026-11-26T13:45:00.1234567890Z', 'ten fraction digits'],
    ['2026-11-26T13:45:00,5Z', 'comma fraction'],
    ['2026-11-26T13:45:00.5aZ', 'letter in fraction'],
    ['+2026-11-26T13:45:00Z', 'sign'],
    ['２026-11-26T13:45:00Z', 'full-width digit'],
    ['2026-1a-26T13:45:00Z', 'letter in month'],
    ['2026-11-26T13:45:00Z ', 'trailing space'],
    ['2026/11/26T13:45:00Z', 'slashes'],
  ])('refuses %j (%s)', (s) => {
    expect(isRfc3339Utc(s)).toBe(false);
    expect(() => artc3339Utc(s)).toThrow(expect.objectContaining({ code: 'QT_TIME_FORMAT' }));
  });

  it('refuses non-strings with QT_TYPE', () => {
    for (const bad of [undefined, null, 0, new Date(0), ['2026-11-26T13:45:00Z']]) {
      expect(() => artc3339Utc(bad)).toThrow(QtError);
      expect(() => artc3339Utc(bad)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    }
  });

  it('agrees with Date on every valid instant it generates', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const iso = d.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
          expect(isRfc3339Utc(iso)).toBe(true);
          expect(isRfc3339Utc(iso.replace('.', ','))).toBe(false);
        },
      ),
    );
  });
});
