/**
 * Retry delays for a failing RPC: exponential backoff with bounded "full jitter" (the delay is drawn
 * uniformly from [cap/2, cap], cap = min(max, base * 2^attempt)), so many publishers that lost the
 * same RPC do not retry in lockstep, yet none waits less than half its step or more than `maxMs`.
 * Randomness is passed in (a number in [0, 1)), as the core reads no clock and no Math.random.
 */
import { aint } from '../bytes.js';
import { QtError } from '../errors.js';

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 500, maxMs: 60_000 });

export function backoffMs(
  attempt: number,
  random01: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  aint(attempt, 'attempt');
  const base = aint(policy.baseMs, 'policy.baseMs', 1);
  const max = aint(policy.maxMs, 'policy.maxMs', base);
  if (typeof random01 !== 'number' || !(random01 >= 0 && random01 < 1)) {
    throw new QtError('QT_RANGE', 'random01 must be a number in [0, 1)', { path: 'random01' });
  }
  // 2^attempt overflows to Infinity long after it passes any sane max; Math.min handles that.
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 60));
  return Math.floor(cap / 2 + (cap / 2) * random01);
}
