import { describe, expect, it } from 'vitest';
import { MemoryReplayCache, checkReplayArgs } from '../../../src-shared/grants/replay.js';
import { caught } from '../approvals/fixtures.js';

describe('MemoryReplayCache', () => {
  it('accepts an id once', () => {
    const c = new MemoryReplayCache();
    expect(c.checkAndRemember('a', 100)).toBe(true);
    expect(c.checkAndRemember('a', 100)).toBe(false);
    expect(c.checkAndRemember('a', 999)).toBe(false);
    expect(c.checkAndRemember('b', 100)).toBe(true);
    expect(c.size).toBe(2);
  });

  it('prunes only ids whose retention ended', () => {
    const c = new MemoryReplayCache();
    c.checkAndRemember('old', 100);
    c.checkAndRemember('edge', 200);
    c.checkAndRemember('new', 300);
    expect(c.prune(200)).toBe(1);
    expect(c.checkAndRemember('edge', 200)).toBe(false);
    expect(c.checkAndRemember('old', 100)).toBe(true);
  });

  it('fails closed when full instead of forgetting', () => {
    const c = new MemoryReplayCache(2);
    c.checkAndRemember('a', 1);
    c.checkAndRemember('b', 1);
    expect(c.checkAndRemember('a', 1)).toBe(false);
    expect(caught(() => c.checkAndRemember('c', 1)).code).toBe('QT_REPLAY_CACHE_FULL');
    expect(c.prune(2)).toBe(2);
    expect(c.checkAndRemember('c', 1)).toBe(true);
  });

  it('checks its arguments', () => {
    const c = new MemoryReplayCache();
    expect(caught(() => c.checkAndRemember('', 1)).code).toBe('QT_RANGE');
    expect(caught(() => c.checkAndRemember('x'.repeat(129), 1)).code).toBe('QT_RANGE');
    expect(caught(() => c.checkAndRemember(1 as never, 1)).code).toBe('QT_TYPE');
    expect(caught(() => c.checkAndRemember('a', -1)).code).toBe('QT_RANGE');
    expect(caught(() => c.checkAndRemember('a', 1.5)).code).toBe('QT_TYPE');
    expect(caught(() => c.prune(Number.NaN)).code).toBe('QT_TYPE');
    expect(caught(() => new MemoryReplayCache(0)).code).toBe('QT_RANGE');
    expect(() => checkReplayArgs('f'.repeat(64), 0)).not.toThrow();
  });
});
