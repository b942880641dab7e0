import { describe, expect, it } from 'vitest';
import { MAX_TIME_SECONDS, formatTime, parseTime, toSeconds } from '../../../src-shared/approvals/time.js';
import { caught } from './fixtures.js';

describe('RFC 3339 profile', () => {
  it('round-trips whole seconds in UTC', () => {
    expect(formatTime(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatTime(1_800_000_000)).toBe('2027-01-15T08:00:00Z');
    expect(formatTime(MAX_TIME_SECONDS)).toBe('9999-12-31T23:59:59Z');
    expect(parseTime('2027-01-15T08:00:00Z')).toBe(1_800_000_000);
    expect(parseTime('2024-02-29T23:59:59Z')).toBe(1_709_251_199);
    expect(toSeconds('1970-01-01T00:00:00Z')).toBe(0);
    expect(toSeconds(42)).toBe(42);
  });

  it.each([
    '2027-01-15T08:00:00.000Z',
    '2027-01-15T08:00:00+00:00',
    '2027-01-15t08:00:00z',
    '2027-01-15 08:00:00Z',
    '27-01-15T08:00:00Z',
    '2027-01-15T08:00Z',
    ' 2027-01-15T08:00:00Z',
    '',
  ])('refuses %j outside the profile', (text) => {
    expect(caught(() => parseTime(text)).code).toBe('QT_ENCODING');
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2027-13-01T00:00:00Z',
    '2027-01-32T00:00:00Z',
    '2027-01-15T24:00:00Z',
    '2016-12-31T23:59:60Z',
    '1969-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
  ])('refuses the impossible or pre-1970 date %s', (text) => {
    expect(caught(() => parseTime(text, 'at')).code).toBe('QT_RANGE');
    expect(caught(() => parseTime(text, 'at')).path).toBe('at');
  });

  it('refuses wrong types and out-of-range seconds', () => {
    expect(caught(() => parseTime(1)).code).toBe('QT_TYPE');
    expect(caught(() => toSeconds(null)).code).toBe('QT_TYPE');
    expect(caught(() => toSeconds(1.5)).code).toBe('QT_TYPE');
    expect(caught(() => toSeconds(Number.NaN)).code).toBe('QT_TYPE');
    expect(caught(() => toSeconds(-1)).code).toBe('QT_RANGE');
    expect(caught(() => toSeconds(MAX_TIME_SECONDS + 1, 'now')).path).toBe('now');
    expect(caught(() => formatTime(2 ** 53)).code).toBe('QT_TYPE');
  });
});
