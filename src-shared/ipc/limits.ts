/**
 * Shape and size limits applied to every raw IPC request before any schema runs. A request is
 * plain JSON-like data: plain objects, arrays, strings, finite numbers, booleans and null. The
 * walk stops as soon as a limit is crossed, so a hostile sender cannot make main do work in
 * proportion to an oversized payload, and cycles are cut by the depth limit.
 */
import { QtError } from '../errors.js';
import { isPlainObject } from '../bytes.js';

/** Largest request accepted, in UTF-16 code units of string content plus one unit per value. */
export const MAX_REQUEST_SIZE = 64 * 1024;
/** Deepest nesting of objects and arrays accepted in a request. */
export const MAX_REQUEST_DEPTH = 16;

function bad(message: string, path: string): never {
  throw new QtError('QT_BAD_REQUEST', message, { path });
}

/**
 * Throws `QT_BAD_REQUEST` unless `value` is plain data within the limits. Returns the measured
 * size (an approximation of its JSON length, enough to bound work and memory).
 */
export function checkRequestShape(value: unknown, maxSize = MAX_REQUEST_SIZE): number {
  let size = 0;
  const add = (n: number, path: string): void => {
    size += n;
    if (size > maxSize) bad(`request exceeds ${maxSize} size units`, path);
  };
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > MAX_REQUEST_DEPTH) bad(`request nests deeper than ${MAX_REQUEST_DEPTH}`, path);
    if (v === null || typeof v === 'boolean') return add(1, path);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bad('request numbers must be finite', path);
      return add(1, path);
    }
    if (typeof v === 'string') return add(v.length + 2, path);
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) bad('request arrays must be plain arrays', path);
      add(2 + v.length, path);
      for (let i = 0; i < v.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(v, i)) bad('request arrays must not have holes', path);
        walk(v[i], `${path}[${i}]`, depth + 1);
      }
      return;
    }
    if (!isPlainObject(v)) bad(`request values must be plain data, got ${typeof v}`, path);
    if (Object.getOwnPropertySymbols(v).length > 0) bad('request objects must not have symbol keys', path);
    const keys = Object.keys(v);
    if (Object.getOwnPropertyNames(v).length !== keys.length)
      bad('request objects must not hide properties', path);
    add(2 + keys.length, path);
    for (const key of keys) {
      add(key.length + 3, path);
      const desc = Object.getOwnPropertyDescriptor(v, key);
      // An accessor could run code or answer differently on each read (time-of-check/time-of-use).
      if (desc === undefined || !('value' in desc))
        bad('request objects must hold data properties only', path);
      walk(desc.value, `${path}.${key}`, depth + 1);
    }
  };
  walk(value, '$', 0);
  return size;
}
