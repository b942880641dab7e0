import { describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { checkRequestShape, MAX_REQUEST_DEPTH, MAX_REQUEST_SIZE } from '../../../src-shared/ipc/index.js';

function nest(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('checkRequestShape', () => {
  it('accepts plain JSON-like data and returns a size', () => {
    expect(checkRequestShape({ a: 'xy', b: [1, true, null], c: { d: -0.5 } })).toBeGreaterThan(0);
    expect(checkRequestShape({})).toBe(2);
  });

  it('accepts data right at the limits', () => {
    expect(() => checkRequestShape(nest(MAX_REQUEST_DEPTH))).not.toThrow();
    expect(() => checkRequestShape('x'.repeat(MAX_REQUEST_SIZE - 2))).not.toThrow();
  });

  it('refuses one past each limit', () => {
    expect(() => checkRequestShape(nest(MAX_REQUEST_DEPTH + 1))).toThrow(/deeper/);
    expect(() => checkRequestShape('x'.repeat(MAX_REQUEST_SIZE - 1))).toThrow(/exceeds/);
  });

  it('honours a smaller size limit', () => {
    expect(() => checkRequestShape({ a: 'x'.repeat(20) }, 10)).toThrow(QtError);
  });

  it('stops early on a huge array instead of walking it', () => {
    const huge = new Array(1_000_000).fill(0);
    expect(() => checkRequestShape({ huge })).toThrow(/exceeds/);
  });

  it('throws QtError QT_BAD_REQUEST with a JSON path', () => {
    try {
      checkRequestShape({ a: [0, { b: undefined }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QtError);
      expect((e as QtError).code).toBe('QT_BAD_REQUEST');
      expect((e as QtError).path).toBe('$.a[1].b');
    }
  });

  it.each([
    ['undefined', undefined],
    ['NaN', NaN],
    ['-Infinity', -Infinity],
    ['bigint', 1n],
    ['symbol', Symbol('x')],
    ['function', () => 0],
    ['Uint8Array', new Uint8Array(1)],
    ['array subclass', new (class extends Array {})()],
  ])('refuses %s', (_what, value) => {
    expect(() => checkRequestShape({ v: value })).toThrow(QtError);
  });
});
