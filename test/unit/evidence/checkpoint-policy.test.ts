import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECKPOINT_SCHEDULE,
  checkSchedule,
  msUntilDue,
  shouldCheckpoint,
} from '../../../src-shared/evidence/checkpoint-policy.js';

const s = checkSchedule({ every: 10, seconds: 5 });
const at = (pending: number, substantive: number, oldest = 1000) => ({
  pending,
  substantive,
  oldestSubstantiveMs: oldest,
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('checkpoint policy', () => {
  it('defaults to 1,000 records or 60 s', () => {
    expect(checkSchedule()).toEqual(DEFAULT_CHECKPOINT_SCHEDULE);
    expect(DEFAULT_CHECKPOINT_SCHEDULE).toEqual({ every: 1000, seconds: 60 });
  });

  it('is due at N substantive records or T seconds, whichever first', () => {
    expect(shouldCheckpoint(s, at(9, 9), 1000)).toBe(false);
    expect(shouldCheckpoint(s, at(10, 10), 1000)).toBe(true);
    expect(shouldCheckpoint(s, at(1, 1), 5999)).toBe(false);
    expect(shouldCheckpoint(s, at(1, 1), 6000)).toBe(true);
  });

  it('never checkpoints for bookkeeping records alone', () => {
    expect(shouldCheckpoint(s, at(500, 0), 10_000_000)).toBe(false);
    expect(shouldCheckpoint(s, at(500, 9), 1000)).toBe(false);
  });

  it('forced: due when anything at all is uncovered', () => {
    expect(shouldCheckpoint(s, at(0, 0), 0, true)).toBe(false);
    expect(shouldCheckpoint(s, at(1, 0), 0, true)).toBe(true);
  });

  it('a clock that went backwards does not make a checkpoint due', () => {
    expect(shouldCheckpoint(s, at(1, 1, 10_000), 2_000)).toBe(false);
  });

  it('reports the wait until the time bound', () => {
    expect(msUntilDue(s, at(3, 0), 0)).toBeUndefined();
    expect(msUntilDue(s, at(3, 1, 1000), 2000)).toBe(4000);
    expect(msUntilDue(s, at(3, 1, 1000), 9000)).toBe(0);
  });

  it('refuses bad schedules and states', () => {
    expect(code(() => checkSchedule({ every: 0 }))).toBe('QT_RANGE');
    expect(code(() => checkSchedule({ seconds: 0 }))).toBe('QT_RANGE');
    expect(code(() => checkSchedule({ every: 1.5 }))).toBe('QT_TYPE');
    expect(code(() => checkSchedule({ seconds: '5' as never }))).toBe('QT_TYPE');
    expect(code(() => shouldCheckpoint(s, at(1, 2), 0))).toBe('QT_RANGE');
    expect(code(() => shouldCheckpoint(s, at(-1, 0), 0))).toBe('QT_RANGE');
    expect(code(() => shouldCheckpoint(s, at(1, 1), NaN))).toBe('QT_TYPE');
  });
});
