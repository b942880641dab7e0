import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQtError } from '../../../src-shared/errors.js';
import { compareInstants, parseRfc3339 } from '../../../src-shared/policy/index.js';

const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../vectors/policy/rfc3339.json'), 'utf8'),
) as {
  valid: { text: string; seconds: number; nanos: number }[];
  invalid: { text: string }[];
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

describe('strict RFC 3339 parser', () => {
  it('parses the RFC 3339 §5.8 examples and edge cases', () => {
    for (const v of vectors.valid)
      expect(parse(v.text), v.text).toEqual({ seconds: v.seconds, nanos: v.nanos });
    for (const v of vectors.invalid) refused(v.text);
  });

  it('agrees with Date.UTC on every millisecond instant of years 0..9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parse(iso)).toEqual({
          seconds: Math.floor(ms / 1000),
          nanos: (((ms % 1000) + 1000) % 1000) * 1e6,
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every malformed shape, naming the reason', () => {
    const cases: [unknown, string][] = [
      [20260101, 'not a string'],
      ['2026-01-01T00:00Z', 'wrong length'],
      [`2026-01-01T00:00:00.${'1'.repeat(20)}Z`, 'wrong length'],
      ['2026/01/01T00:00:00Z', 'expected YYYY'],
      ['2026-01-01T00:00:0xZ', 'expected YYYY'],
      ['+026-01-01T00:00:00Z', 'expected YYYY'],
      ['2026-00-01T00:00:00Z', 'month'],
      ['2026-13-01T00:00:00Z', 'month'],
      ['2026-01-00T00:00:00Z', 'day'],
      ['2026-01-32T00:00:00Z', 'day'],
      ['2026-04-31T00:00:00Z', 'day'],
      ['2026-02-29T00:00:00Z', 'day'],
      ['2026-01-01T24:00:00Z', 'time out of range'],
      ['2026-01-01T00:60:00Z', 'time out of range'],
      ['2026-01-01T00:00:60Z', 'time out of range'],
      ['2026-01-01T00:00:00.Z', 'fraction'],
      ['2026-01-01T00:00:00.1234567890Z', 'fraction'],
      ['2026-01-01T00:00:00+24:00', 'offset out of range'],
      ['2026-01-01T00:00:00+00:60', 'offset out of range'],
      ['2026-01-01T00:00:00+0a:00', 'malformed offset'],
      ['2026-01-01T00:00:00+00-00', 'expected Z'],
      ['2026-01-01T00:00:00+0000', 'expected Z'],
      ['2026-01-01T00:00:00ZZ', 'expected Z'],
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
  });
});
