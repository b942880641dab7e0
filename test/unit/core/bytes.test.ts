import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abytes,
  aint,
  aplainObject,
  astring,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  describe as describeValue,
  equalBytes,
  fromBase64url,
  hexToBytes,
  isBytes,
  isPlainObject,
  toBase64url,
  u32be,
  u64be,
  utf8ToBytes,
  wipe,
} from '../../../src-shared/bytes.js';
import { fail, isQtError, QtError } from '../../../src-shared/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isQtError(e) ? e.code : 'not-a-QtError';
  }
  return undefined;
}

describe('assertions', () => {
  it('abytes accepts Uint8Array of allowed lengths and names the parameter otherwise', () => {
    expect(abytes(new Uint8Array(32), 'key', 32)).toHaveLength(32);
    expect(abytes(new Uint8Array(3), 'x')).toHaveLength(3);
    expect(codeOf(() => abytes(new Uint8Array(31), 'key', 32))).toBe('QT_RANGE');
    expect(() => abytes(new Uint8Array(31), 'key', 32, 64)).toThrow(
      /key must be 32 or 64 bytes long, got 31/,
    );
    for (const v of [
      null,
      undefined,
      'ab',
      [1],
      { length: 1, 0: 1 },
      new Uint16Array(1),
      new ArrayBuffer(1),
      new DataView(new ArrayBuffer(1)),
    ]) {
      expect(codeOf(() => abytes(v, 'key'))).toBe('QT_TYPE');
    }
    expect(() => abytes(5, 'signature')).toThrow(/signature must be a Uint8Array, got number/);
  });

  it('isBytes rejects look-alikes but accepts subclasses such as Buffer', () => {
    expect(isBytes(Buffer.from('a'))).toBe(true);
    expect(isBytes(Object.create(Uint8Array.prototype))).toBe(
      true === Object.create(Uint8Array.prototype) instanceof Uint8Array,
    );
    expect(isBytes({ constructor: { name: 'Uint8Array' } })).toBe(false);
  });

  it('astring, aint and aplainObject check type and range', () => {
    expect(astring('a', 's')).toBe('a');
    expect(codeOf(() => astring(1, 's'))).toBe('QT_TYPE');
    expect(codeOf(() => astring('', 's', { nonEmpty: true }))).toBe('QT_RANGE');
    expect(codeOf(() => astring('abc', 's', { maxLength: 2 }))).toBe('QT_RANGE');
    expect(aint(3, 'n', 0, 3)).toBe(3);
    for (const v of [1.5, NaN, Infinity, 2 ** 53, '1', null])
      expect(codeOf(() => aint(v, 'n'))).toBe('QT_TYPE');
    expect(codeOf(() => aint(-1, 'n'))).toBe('QT_RANGE');
    expect(codeOf(() => aint(4, 'n', 0, 3))).toBe('QT_RANGE');
    expect(aplainObject({ a: 1 }, 'o')).toEqual({ a: 1 });
    expect(aplainObject(Object.create(null), 'o')).toEqual({});
    for (const v of [[], new Date(0), new Map(), null, 1, new (class X {})()]) {
      expect(codeOf(() => aplainObject(v, 'o'))).toBe('QT_TYPE');
    }
    expect(isPlainObject({})).toBe(true);
  });

  it('describe never reveals content', () => {
    expect(describeValue('secret')).toBe('string');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('array');
    expect(describeValue(new Uint8Array(2))).toBe('Uint8Array(2)');
    expect(describeValue(new Map())).toBe('Map');
    expect(describeValue({})).toBe('object');
    expect(describeValue(Object.create(null))).toBe('object');
    expect(describeValue(Object.create({}))).toBe('Object');
    const anon = Object.create({ constructor: { name: '' } });
    expect(describeValue(anon)).toBe('object');
  });
});

describe('encodings', () => {
  it('round-trips hex and base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(hexToBytes(bytesToHex(b))).toEqual(b);
        expect(fromBase64url(toBase64url(b))).toEqual(b);
      }),
    );
  });

  it('refuses malformed hex', () => {
    for (const h of ['a', 'AB', 'zz', '0x00', ' 00']) expect(codeOf(() => hexToBytes(h))).toBe('QT_ENCODING');
    expect(codeOf(() => hexToBytes(1))).toBe('QT_TYPE');
  });

  it('refuses padding, foreign alphabets and non-canonical base64url', () => {
    expect(toBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    for (const s of ['AA==', 'AA=', '+/8', 'A', 'AB', 'A B', 'Zm9v\n']) {
      expect(codeOf(() => fromBase64url(s, 'sig'))).toBe('QT_ENCODING');
    }
    // 'AB' decodes to 0x00 with stray low bits set in the second character: not canonical.
    expect(() => fromBase64url('AB', 'sig')).toThrow(/sig/);
    expect(fromBase64url('AA')).toEqual(new Uint8Array([0]));
    expect(codeOf(() => fromBase64url(null))).toBe('QT_TYPE');
  });

  it('decodes UTF-8 strictly', () => {
    expect(bytesToUtf8(utf8ToBytes('héllo €'))).toBe('héllo €');
    expect(codeOf(() => bytesToUtf8(new Uint8Array([0xc3])))).toBe('QT_ENCODING');
    expect(codeOf(() => bytesToUtf8(new Uint8Array([0xed, 0xa0, 0x80])))).toBe('QT_ENCODING'); // encoded surrogate
    expect(codeOf(() => utf8ToBytes(3 as unknown as string))).toBe('QT_TYPE');
  });

  it('encodes fixed-width integers big-endian', () => {
    expect(bytesToHex(u32be(0x01020304))).toBe('01020304');
    expect(bytesToHex(u64be(2 ** 53 - 1))).toBe('001fffffffffffff');
    expect(bytesToHex(u64be(0x1_0000_0001))).toBe('0000000100000001');
    expect(codeOf(() => u32be(2 ** 32))).toBe('QT_RANGE');
    expect(codeOf(() => u64be(-1))).toBe('QT_RANGE');
  });
});

describe('buffers', () => {
  it('concatenates, compares and wipes', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(codeOf(() => concatBytes(new Uint8Array(1), [1] as unknown as Uint8Array))).toBe('QT_TYPE');
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
    expect(codeOf(() => equalBytes('a' as unknown as Uint8Array, new Uint8Array(1)))).toBe('QT_TYPE');
    const secret = new Uint8Array([9, 9]);
    wipe(secret);
    expect(secret).toEqual(new Uint8Array(2));
  });
});

describe('QtError', () => {
  it('carries a stable code, a path and serializes without a stack', () => {
    const e = new QtError('QT_X', 'bad thing', { path: '$.a', cause: new Error('inner') });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('QtError');
    expect(e.toJSON()).toEqual({ code: 'QT_X', message: 'bad thing', path: '$.a' });
    expect(new QtError('QT_Y', 'm').toJSON()).toEqual({ code: 'QT_Y', message: 'm' });
    expect(e.cause).toBeInstanceOf(Error);
    expect(() => fail('QT_Z', 'nope')).toThrow(expect.objectContaining({ code: 'QT_Z' }));
    expect(isQtError(new Error('x'))).toBe(false);
  });
});
