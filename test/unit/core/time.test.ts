/** src-shared/time.ts: the core's one RFC 3339 parser, its canonical form and its formatter. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQtError } from '../../../src-shared/errors.js';
import {
  compareInstants,
  formatCanonicalTime,
  instantToMillis,
  isCanonicalTime,
  isRefusal,
  MAX_RFC3339_SECONDS,
  MIN_RFC3339_SECONDS,
  parseRfc3339,
  readRfc3339,
} from '../../../src-shared/time.js';

const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../vectors/time/rfc3339.json'), 'utf8'),
) as {
  valid: { text: string; seconds: number; nanos: number }[];
  invalid: { text: string }[];
  canonical: { valid: { text: string; seconds: number }[]; notCanonical: { text: string }[] };
};
const parse = (t: unknown) => parseRfc3339(t, '$.time', 'QT_REQUEST_INVALID');

function refused(t: unknown): string {
  try {
    parse(t);
  } catch (e) {
    expect(isQtError(e) && e.code === 'QT_REQUEST_INVALID' && e.path === '$.time').toBe(true);
    return (e as Error).message;
  }
  throw new Error(`accepted ${String(t)}`);
}

const throwsQt = (fn: () => unknown, code: string, path: string): void => {
  expect(fn).toThrow(expect.objectContaining({ code, path }));
};

describe('parseRfc3339 (general form)', () => {
  it('parses the RFC 3339 §5.8 examples and edge cases', () => {
    for (const v of vectors.valid) {
      expect(parse(v.text), v.text).toEqual({ seconds: v.seconds, nanos: v.nanos });
      expect(Object.isFrozen(parse(v.text))).toBe(true);
    }
    for (const v of vectors.invalid) refused(v.text);
  });

  it('agrees with Date.UTC on every millisecond instant of years 0..9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        const iso = new Date(ms).toISOString();
        const instant = parse(iso);
        expect(instant).toEqual({
          seconds: Math.floor(ms / 1000),
          nanos: (((ms % 1000) + 1000) % 1000) * 1e6,
        });
        expect(instantToMillis(instant)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every malformed shape, naming the reason', () => {
    const cases: [unknown, string][] = [
      [20260101, 'not a string'],
      [new String('2026-01-01T00:00:00Z'), 'not a string'],
      ['2026-01-01T00:00Z', 'wrong length'],
      [`2026-01-01T00:00:00.${'1'.repeat(20)}Z`, 'wrong length'],
      ['2026/01/01T00:00:00Z', 'expected YYYY'],
      ['2026-01-01T00:00:0xZ', 'expected YYYY'],
      ['+026-01-01T00:00:00Z', 'expected YYYY'],
      ['2026-01-01t00:00:00Z', 'expected YYYY'],
      ['2026-01-01T00-00:00Z', 'expected YYYY'],
      ['2026-01-01T00:00-00Z', 'expected YYYY'],
      ['2026-01-01T00:00:0０Z', 'expected YYYY'],
      ['2026-00-01T00:00:00Z', 'month'],
      ['2026-13-01T00:00:00Z', 'month'],
      ['2026-01-00T00:00:00Z', 'day'],
      ['2026-01-32T00:00:00Z', 'day'],
      ['2026-04-31T00:00:00Z', 'day'],
      ['2026-02-29T00:00:00Z', 'day'],
      ['1900-02-29T00:00:00Z', 'day'],
      ['2026-01-01T24:00:00Z', 'time out of range'],
      ['2026-01-01T00:60:00Z', 'time out of range'],
      ['2026-01-01T00:00:60Z', 'time out of range'],
      ['2026-01-01T00:00:00.Z', 'fraction'],
      ['2026-01-01T00:00:00.1234567890Z', 'fraction'],
      ['2026-01-01T00:00:00+24:00', 'offset out of range'],
      ['2026-01-01T00:00:00+00:60', 'offset out of range'],
      ['2026-01-01T00:00:00+0a:00', 'malformed offset'],
      ['2026-01-01T00:00:00+00:0a', 'malformed offset'],
      ['2026-01-01T00:00:00+00-00', 'expected Z'],
      ['2026-01-01T00:00:00+0000', 'expected Z'],
      ['2026-01-01T00:00:00ZZ', 'expected Z'],
      ['2026-01-01T00:00:00z', 'expected Z'],
      ['2026-01-01T00:00:00 ', 'expected Z'],
    ];
    for (const [t, why] of cases) expect(refused(t), String(t)).toContain(why);
  });

  it('accepts leap days and fractions of every length, and orders instants', () => {
    expect(parse('2024-02-29T12:00:00Z').seconds).toBe(Date.UTC(2024, 1, 29, 12) / 1000);
    expect(parse('2026-01-01T00:00:00.1Z').nanos).toBe(100_000_000);
    expect(parse('2026-01-01T00:00:00.000000001+23:59').nanos).toBe(1);
    const a = parse('2026-01-01T00:00:00.1Z');
    const b = parse('2026-01-01T01:00:00.2+01:00');
    expect(compareInstants(a, b)).toBeLessThan(0);
    expect(compareInstants(b, a)).toBeGreaterThan(0);
    expect(compareInstants(a, parse('2025-12-31T23:00:00.1-01:00'))).toBe(0);
    expect(compareInstants(parse('2026-01-01T00:00:01Z'), a)).toBeGreaterThan(0);
    expect(instantToMillis(parse('1969-12-31T23:59:59.9995Z'))).toBe(-1);
  });
});

describe('readRfc3339 narrowings', () => {
  it('refuses offsets, fractions and early years when asked, telling shape from range', () => {
    expect(readRfc3339('2026-01-01T00:00:00+01:00', { offsets: false })).toEqual({
      kind: 'shape',
      reason: 'expected Z at the end',
    });
    expect(readRfc3339('2026-01-01T00:00:00+01:00', { offsets: false, fraction: false })).toEqual({
      kind: 'shape',
      reason: 'wrong length',
    });
    expect(readRfc3339('2026-01-01T00:00:00.5+01:00', { offsets: false, fraction: true })).toMatchObject({
      kind: 'shape',
      reason: 'expected Z at the end',
    });
    expect(readRfc3339('2026-01-01T00:00:00.5Z', { fraction: false })).toEqual({
      kind: 'shape',
      reason: 'no fraction allowed',
    });
    expect(readRfc3339('0000-01-01T00:00:00Z', { minYear: 1 })).toEqual({
      kind: 'range',
      reason: 'year before 1',
    });
    expect(readRfc3339('2026-02-30T00:00:00Z', { offsets: false, fraction: false })).toMatchObject({
      kind: 'range',
    });
    expect(readRfc3339('2026-01-01T00:00:00+01:00', { offsets: true, fraction: false })).toEqual({
      seconds: 1767222000,
      nanos: 0,
    });
    expect(isRefusal(readRfc3339('2026-01-01T00:00:00Z', { minYear: 2026 }))).toBe(false);
  });

  it('checks the canonical form YYYY-MM-DDTHH:MM:SSZ', () => {
    for (const v of vectors.canonical.valid) {
      expect(isCanonicalTime(v.text), v.text).toBe(true);
      expect(parse(v.text).seconds).toBe(v.seconds);
      expect(formatCanonicalTime(v.seconds)).toBe(v.text);
    }
    for (const v of vectors.canonical.notCanonical) {
      expect(isCanonicalTime(v.text), v.text).toBe(false);
      expect(() => parse(v.text)).not.toThrow();
    }
    for (const v of vectors.invalid) expect(isCanonicalTime(v.text)).toBe(false);
    for (const bad of [
      undefined,
      null,
      0,
      ['1970-01-01T00:00:00Z'],
      { toString: () => '1970-01-01T00:00:00Z' },
    ])
      expect(isCanonicalTime(bad)).toBe(false);
  });
});

describe('formatCanonicalTime', () => {
  it('round-trips every second of years 0000..9999 and agrees with Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_RFC3339_SECONDS, max: MAX_RFC3339_SECONDS }), (s) => {
        const text = formatCanonicalTime(s);
        expect(text).toBe(new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
        expect(isCanonicalTime(text)).toBe(true);
        expect(parse(text)).toEqual({ seconds: s, nanos: 0 });
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses non-integers and instants outside years 0000..9999', () => {
    throwsQt(() => formatCanonicalTime(1.5), 'QT_TYPE', 'seconds');
    throwsQt(() => formatCanonicalTime(Number.NaN, 'at'), 'QT_TYPE', 'at');
    throwsQt(() => formatCanonicalTime('0' as never), 'QT_TYPE', 'seconds');
    throwsQt(() => formatCanonicalTime(MAX_RFC3339_SECONDS + 1), 'QT_RANGE', 'seconds');
    throwsQt(() => formatCanonicalTime(MIN_RFC3339_SECONDS - 1, 'at'), 'QT_RANGE', 'at');
  });
});
