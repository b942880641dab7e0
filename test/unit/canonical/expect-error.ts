/** Asserts that `fn` throws a QtError with exactly `code` and `path`, and that the message names the path. */
import { expect } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';

export function expectQtError(fn: () => unknown, code: string, path: string): QtError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a QtError').toBeInstanceOf(QtError);
  const e = caught as QtError;
  expect({ code: e.code, path: e.path }).toEqual({ code, path });
  expect(e.message.startsWith(`${path}: `) || e.message.includes(path)).toBe(true);
  return e;
}
