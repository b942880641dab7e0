/**
 * Byte helpers and input assertions in the noble style: every public function of the
 * core checks its inputs first. A wrong type is a QT_TYPE error, a wrong length or range
 * a QT_RANGE error, and the message names the parameter.
 */
import { base64urlnopad, hex } from '@scure/base';
import { QtError } from './errors.js';

/** True for a genuine Uint8Array (not a look-alike object, not a Buffer subclass check bypass). */
export function isBytes(a: unknown): a is Uint8Array {
  return a instanceof Uint8Array || (ArrayBuffer.isView(a) && a.constructor.name === 'Uint8Array');
}

/** Asserts `value` is a Uint8Array, optionally of one of the given lengths. */
export function abytes(value: unknown, name: string, ...lengths: number[]): Uint8Array {
  if (!isBytes(value)) {
    throw new QtError('QT_TYPE', `${name} must be a Uint8Array, got ${describe(value)}`, { path: name });
  }
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new QtError('QT_RANGE', `${name} must be ${lengths.join(' or ')} bytes long, got ${value.length}`, {
      path: name,
    });
  }
  return value;
}

/** Asserts `value` is a string (optionally non-empty and at most `maxLength` UTF-16 units). */
export function astring(
  value: unknown,
  name: string,
  opts: { nonEmpty?: boolean; maxLength?: number } = {},
): string {
  if (typeof value !== 'string') {
    throw new QtError('QT_TYPE', `${name} must be a string, got ${describe(value)}`, { path: name });
  }
  if (opts.nonEmpty === true && value.length === 0) {
    throw new QtError('QT_RANGE', `${name} must not be empty`, { path: name });
  }
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    throw new QtError(
      'QT_RANGE',
      `${name} must be at most ${opts.maxLength} characters, got ${value.length}`,
      {
        path: name,
      },
    );
  }
  return value;
}

/** Asserts `value` is a safe integer within [min, max]. */
export function aint(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new QtError('QT_TYPE', `${name} must be a safe integer, got ${describe(value)}`, { path: name });
  }
  if (value < min || value > max) {
    throw new QtError('QT_RANGE', `${name} must be between ${min} and ${max}, got ${value}`, { path: name });
  }
  return value;
}

/** Asserts `value` is a plain object (prototype Object.prototype or null), not an array or class instance. */
export function aplainObject(value: unknown, name: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new QtError('QT_TYPE', `${name} must be a plain object, got ${describe(value)}`, { path: name });
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short, safe description of a value's type for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isBytes(value)) return `Uint8Array(${value.length})`;
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return 'object';
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
  }
  return typeof value;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  parts.forEach((p, i) => {
    abytes(p, `parts[${i}]`);
    total += p.length;
  });
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Constant-time equality for equal-length inputs; different lengths return false at once. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'a');
  abytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Overwrites a secret buffer with zeros; callers wipe seeds and keys after use. */
export function wipe(...buffers: Uint8Array[]): void {
  for (const b of buffers) b.fill(0);
}

export function bytesToHex(bytes: Uint8Array): string {
  return hex.encode(abytes(bytes, 'bytes'));
}

export function hexToBytes(text: unknown, name = 'hex'): Uint8Array {
  const s = astring(text, name);
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) {
    throw new QtError('QT_ENCODING', `${name} must be lowercase hex with an even number of digits`, {
      path: name,
    });
  }
  return hex.decode(s);
}

/** Unpadded base64url (RFC 4648 §5), the only binary encoding used in Q-Trust JSON. */
export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(abytes(bytes, 'bytes'));
}

/** Strict unpadded base64url decode: padding, other alphabets and non-canonical trailing bits are refused. */
export function fromBase64url(text: unknown, name = 'base64url'): Uint8Array {
  const s = astring(text, name);
  if (!/^[A-Za-z0-9_-]*$/.test(s)) {
    throw new QtError('QT_ENCODING', `${name} must be unpadded base64url (A-Z a-z 0-9 - _)`, { path: name });
  }
  let out: Uint8Array;
  try {
    out = base64urlnopad.decode(s);
  } catch (cause) {
    throw new QtError('QT_ENCODING', `${name} is not valid unpadded base64url`, { path: name, cause });
  }
  // Reject non-canonical encodings (stray low bits in the last character) so one byte string has one text form.
  if (base64urlnopad.encode(out) !== s) {
    throw new QtError('QT_ENCODING', `${name} is not canonical base64url`, { path: name });
  }
  return out;
}

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8ToBytes(text: string): Uint8Array {
  return encoder.encode(astring(text, 'text'));
}

/** Strict UTF-8 decoding: invalid sequences are an error, never replaced with U+FFFD. */
export function bytesToUtf8(bytes: Uint8Array, name = 'bytes'): string {
  abytes(bytes, name);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new QtError('QT_ENCODING', `${name} is not valid UTF-8`, { path: name, cause });
  }
}

/** Big-endian fixed-width encodings used by length prefixes. */
export function u32be(n: number): Uint8Array {
  aint(n, 'n', 0, 0xffffffff);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

export function u64be(n: number): Uint8Array {
  aint(n, 'n', 0, Number.MAX_SAFE_INTEGER);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 0x100000000), false);
  view.setUint32(4, n >>> 0, false);
  return out;
}
