/**
 * Internal: strict readers for untrusted JSON-shaped input, shared by the policy and request parsers.
 * They accept only plain objects and arrays with own data properties (no getters, no symbols, no
 * class instances or look-alikes), refuse unknown keys, and copy what they read, so a caller cannot
 * change a parsed value afterwards or make two reads of one field disagree.
 */
import { describe, isPlainObject } from '../bytes.js';
import { QtError, type QtErrorCode } from '../errors.js';

export class Reader {
  constructor(readonly code: QtErrorCode) {}

  fail(path: string, message: string): never {
    throw new QtError(this.code, `${path}: ${message}`, { path });
  }

  /**
   * The keys of a plain object whose own properties are all enumerable, string-keyed data properties,
   * checked against `allowed`. Read the values with `value()`, which refuses accessors: together they
   * read each property once, from its descriptor, without calling any code of the caller's.
   */
  keys(value: unknown, path: string, allowed?: readonly string[], maxKeys = Infinity): string[] {
    if (!isPlainObject(value)) this.fail(path, `must be an object, got ${describe(value)}`);
    const keys = Object.keys(value);
    if (keys.length > maxKeys) this.fail(path, `has ${keys.length} keys, more than ${maxKeys}`);
    // Object.keys lists the enumerable string keys only: anything else is refused. Counting is far
    // cheaper than Reflect.ownKeys, so the precise error is looked for only when the counts differ.
    if (
      Object.getOwnPropertyNames(value).length !== keys.length ||
      Object.getOwnPropertySymbols(value).length !== 0
    ) {
      this.hidden(value, path);
    }
    if (allowed !== undefined) {
      for (const key of keys) {
        if (!allowed.includes(key)) this.fail(path, `unknown key ${JSON.stringify(key.slice(0, 64))}`);
      }
    }
    return keys;
  }

  /** The value of the own enumerable data property `key` of `obj` (an accessor is refused). */
  value(obj: object, key: string, path: string): unknown {
    return this.dataValue(Object.getOwnPropertyDescriptor(obj, key), key, path);
  }

  /** The value of the descriptor of `key`, read by the caller: it must be an enumerable data property. */
  dataValue(desc: PropertyDescriptor | undefined, key: string, path: string): unknown {
    if (desc === undefined || !('value' in desc) || desc.enumerable !== true) {
      this.fail(`${path}.${key}`, 'must be an enumerable data property, not an accessor');
    }
    return desc.value;
  }

  /** Names the own property that Object.keys does not list (a symbol key or a non-enumerable one). */
  private hidden(value: object, path: string): never {
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key !== 'string') this.fail(path, 'must not have symbol keys');
      this.value(value, key, path);
    }
    // Only a Proxy whose traps answer differently from one call to the next gets here.
    return this.fail(path, 'must have stable own properties');
  }

  /** The own data properties of a plain object, checked against the allowed keys. */
  object(
    value: unknown,
    path: string,
    allowed?: readonly string[],
    maxKeys = Infinity,
  ): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const key of this.keys(value, path, allowed, maxKeys)) {
      out.set(key, this.value(value as object, key, path));
    }
    return out;
  }

  /** A genuine array of at most `max` items, copied. */
  array(value: unknown, path: string, max: number): unknown[] {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) {
      this.fail(path, `must be an array, got ${describe(value)}`);
    }
    const arr = value as unknown[];
    if (arr.length > max) this.fail(path, `must have at most ${max} items, got ${arr.length}`);
    const out: unknown[] = [];
    for (let i = 0; i < arr.length; i++) {
      const desc = Object.getOwnPropertyDescriptor(arr, i);
      if (desc === undefined || !('value' in desc) || desc.enumerable !== true)
        this.fail(`${path}[${i}]`, 'must be a data element');
      out.push(desc.value);
    }
    return out;
  }

  required(map: Map<string, unknown>, key: string, path: string): unknown {
    if (!map.has(key)) this.fail(path, `missing required key "${key}"`);
    return map.get(key);
  }

  /**
   * A string of `min..max` UTF-16 units, well-formed (no lone surrogates) and, unless `data` is set
   * (free-form context data), without control characters.
   */
  text(value: unknown, path: string, max: number, min = 1, data = false): string {
    if (typeof value !== 'string') this.fail(path, `must be a string, got ${describe(value)}`);
    const s = value as string;
    if (s.length < min || s.length > max)
      this.fail(path, `must be ${min} to ${max} characters, got ${s.length}`);
    if (!isCleanText(s, data))
      this.fail(path, `must not contain ${data ? '' : 'control characters or '}lone surrogates`);
    return s;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(path, `must be an integer, got ${describe(value)}`);
    }
    const n = value as number;
    if (n < min || n > max) this.fail(path, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be a boolean, got ${describe(value)}`);
    return value as boolean;
  }
}

/** True when `s` has no unpaired surrogate and (unless `controls`) no C0/C1 control character or DEL. */
export function isCleanText(s: string, controls = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!controls && (c < 0x20 || (c >= 0x7f && c <= 0x9f))) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
