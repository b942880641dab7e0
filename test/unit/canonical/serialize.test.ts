import { describe, expect, it } from 'vitest';
import { bytesToUtf8 } from '../../../src-shared/bytes.js';
import { canonicalBytes, canonicalize, MAX_DEPTH, toJsonValue } from '../../../src-shared/canonical.js';
import { expectQtError } from './expect-error.js';

/** A value nested `n` arrays deep. */
function nest(n: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

describe('canonicalize: RFC 8785 output', () => {
  it('writes primitives, arrays and objects without whitespace', () => {
    expect(canonicalize(null)).toBe('null');
    expect(canonicalize(true)).toBe('true');
    expect(canonicalize(false)).toBe('false');
    expect(canonicalize([])).toBe('[]');
    expect(canonicalize({})).toBe('{}');
    expect(canonicalize({ b: [1, 'x', null], a: { d: false, c: true } })).toBe(
      '{"a":{"c":true,"d":false},"b":[1,"x",null]}',
    );
  });

  it('writes -0 as 0 and numbers per Number::toString', () => {
    expect(canonicalize([-0, 0, 1.5, -2, 1e-7, 123456789012345, 0.1 + 0.2])).toBe(
      '[0,0,1.5,-2,1e-7,123456789012345,0.30000000000000004]',
    );
    expect(canonicalize(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(canonicalize(-Number.MAX_SAFE_INTEGER)).toBe('-9007199254740991');
  });

  it('escapes exactly ", \\ and controls below U+0020, with short forms and lowercase hex', () => {
    let all = '';
    for (let c = 0; c < 0x20; c++) all += String.fromCharCode(c);
    expect(canonicalize(all)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalize('"\\/\u007f\u0080\u2028\u2029é😀')).toBe('"\\"\\\\/\u007f\u0080\u2028\u2029é😀"');
    expect(canonicalize({ 'a"b\n': 1 })).toBe('{"a\\"b\\n":1}');
  });

  it('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB33 although its code point is larger.
    expect(canonicalize({ '\ufb33': 1, '😀': 2, é: 3, e: 4, E: 5, '10': 6, '9': 7, '': 8 })).toBe(
      '{"":8,"10":6,"9":7,"E":5,"e":4,"é":3,"😀":2,"\ufb33":1}',
    );
  });

  it('accepts null-prototype objects and shared (acyclic) references', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o['b'] = 1;
    o['a'] = 2;
    expect(canonicalize(o)).toBe('{"a":2,"b":1}');
    const shared = { x: 1 };
    expect(canonicalize([shared, shared, { s: shared }])).toBe('[{"x":1},{"x":1},{"s":{"x":1}}]');
  });

  it('sorts like-shaped objects correctly when keys repeat, differ or change order', () => {
    expect(
      canonicalize([
        { b: 1, a: 2 },
        { b: 3, a: 4 },
        { a: 5, b: 6 },
        { b: 7, c: 8 },
        { b: 9 },
        {},
        { z: 0, y: 1 },
      ]),
    ).toBe('[{"a":2,"b":1},{"a":4,"b":3},{"a":5,"b":6},{"b":7,"c":8},{"b":9},{},{"y":1,"z":0}]');
  });

  it('quotes many distinct and long keys consistently (key cache churn)', () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) o[`key-${i}`] = i;
    const long = `${'x'.repeat(100)}\n`;
    o[long] = -1;
    const expected = `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${o[k]}`)
      .join(',')}}`;
    expect(canonicalize(o)).toBe(expected);
    expect(canonicalize(o)).toBe(expected);
    expect(canonicalize({ [long]: 1, 'a\u0001': 2 })).toBe(`{"a\\u0001":2,${JSON.stringify(long)}:1}`);
  });

  it('reads an accessor property exactly once (accessors are accepted, see docs/formats.md)', () => {
    let reads = 0;
    const o = {
      get t() {
        reads++;
        return 7;
      },
    };
    expect(canonicalize(o)).toBe('{"t":7}');
    expect(reads).toBe(1);
  });

  it('ignores non-enumerable properties, as JSON.stringify does', () => {
    const o = { a: 1 };
    Object.defineProperty(o, 'hidden', { value: 2, enumerable: false });
    expect(canonicalize(o)).toBe('{"a":1}');
  });

  it(`accepts nesting up to MAX_DEPTH (${MAX_DEPTH})`, () => {
    expect(canonicalize(nest(MAX_DEPTH))).toBe('['.repeat(MAX_DEPTH) + '0' + ']'.repeat(MAX_DEPTH));
  });

  it('canonicalBytes is the UTF-8 of canonicalize', () => {
    const v = { z: 'é😀', a: [1.5] };
    const bytes = canonicalBytes(v);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytesToUtf8(bytes)).toBe('{"a":[1.5],"z":"é😀"}');
    expect(bytes.length).toBe(24);
  });

  it('toJsonValue returns the very value it checked', () => {
    const v = { a: [1, { b: 'c' }] };
    expect(toJsonValue(v)).toBe(v);
    expect(toJsonValue('x')).toBe('x');
  });
});

class Point {
  x = 1;
}
class List extends Array<number> {}
const symbolKeyed = { a: 1, [Symbol('s')]: 2 };
const withToJson = { toJSON: () => 'x' };
const inheritsFromPlain = Object.create({ inherited: 1 }) as object;

describe('canonicalize and toJsonValue: hostile values', () => {
  const cases: [string, unknown, string, string][] = [
    ['undefined', undefined, 'QT_TYPE', '$'],
    ['undefined property', { a: undefined }, 'QT_TYPE', '$.a'],
    ['undefined element', [1, undefined], 'QT_TYPE', '$[1]'],
    // eslint-disable-next-line no-sparse-arrays
    ['array hole', [1, , 3], 'QT_TYPE', '$[1]'],
    ['array with length only', new Array(2), 'QT_TYPE', '$[0]'],
    ['function', { f: () => 1 }, 'QT_TYPE', '$.f'],
    ['symbol', [Symbol('s')], 'QT_TYPE', '$[0]'],
    ['bigint', { n: 1n }, 'QT_TYPE', '$.n'],
    ['toJSON is not honoured', withToJson, 'QT_TYPE', '$.toJSON'],
    ['Date', { when: new Date(0) }, 'QT_TYPE', '$.when'],
    ['Map', new Map(), 'QT_TYPE', '$'],
    ['Set', [new Set([1])], 'QT_TYPE', '$[0]'],
    ['RegExp', { r: /x/ }, 'QT_TYPE', '$.r'],
    ['Uint8Array', { b: new Uint8Array(2) }, 'QT_TYPE', '$.b'],
    ['boxed String', new String('x'), 'QT_TYPE', '$'],
    ['boxed Number', { n: new Number(1) }, 'QT_TYPE', '$.n'],
    ['class instance', { p: new Point() }, 'QT_TYPE', '$.p'],
    ['Array subclass', { l: List.from([1]) }, 'QT_TYPE', '$.l'],
    ['object with a non-Object prototype', { o: inheritsFromPlain }, 'QT_TYPE', '$.o'],
    ['symbol keys', { s: symbolKeyed }, 'QT_TYPE', '$.s'],
    ['NaN', Number.NaN, 'QT_JSON_NUMBER', '$'],
    ['Infinity', { a: [Infinity] }, 'QT_JSON_NUMBER', '$.a[0]'],
    ['-Infinity', -Infinity, 'QT_JSON_NUMBER', '$'],
    ['2^53', { approvals: [0, 1, { time: 2 ** 53 }] }, 'QT_JSON_NUMBER', '$.approvals[2].time'],
    ['-(2^53)', -(2 ** 53), 'QT_JSON_NUMBER', '$'],
    ['2^60 (an integer literal beyond 2^53 - 1)', { 'we ird': 2 ** 60 }, 'QT_JSON_NUMBER', '$["we ird"]'],
    ['10^21 - 2^17 (just below exponent notation)', 1e21 - 131072, 'QT_JSON_NUMBER', '$'],
    ['lone high surrogate', '\ud800', 'QT_JSON_STRING', '$'],
    ['lone low surrogate', ['a\udc00b'], 'QT_JSON_STRING', '$[0]'],
    ['high surrogate at the end', { s: 'ok\ud83d' }, 'QT_JSON_STRING', '$.s'],
    ['reversed pair', '\ude00\ud83d', 'QT_JSON_STRING', '$'],
    ['two highs', '\ud83d\ud83d', 'QT_JSON_STRING', '$'],
    ['lone surrogate in a key', { '\ud800': 1 }, 'QT_JSON_STRING', '$["\\ud800"]'],
    ['nesting deeper than MAX_DEPTH', nest(MAX_DEPTH + 1), 'QT_JSON_DEPTH', `$${'[0]'.repeat(MAX_DEPTH)}`],
  ];

  it.each(cases)('canonicalize refuses %s', (_what, value, code, path) => {
    expectQtError(() => canonicalize(value), code, path);
    expectQtError(() => canonicalBytes(value), code, path);
    expectQtError(() => toJsonValue(value), code, path);
  });

  it('refuses cycles, naming where the cycle closes', () => {
    const self: Record<string, unknown> = {};
    self['me'] = self;
    expectQtError(() => canonicalize(self), 'QT_JSON_CYCLE', '$.me');
    const a: unknown[] = [];
    const b = { a };
    a.push(1, b);
    expectQtError(() => canonicalize({ root: a }), 'QT_JSON_CYCLE', '$.root[1].a');
    expectQtError(() => toJsonValue(a), 'QT_JSON_CYCLE', '$[1].a');
  });

  it('names error messages with the path and the reason', () => {
    const e = expectQtError(() => canonicalize({ x: [2 ** 53] }), 'QT_JSON_NUMBER', '$.x[0]');
    expect(e.message).toBe(
      '$.x[0]: number 9007199254740992 would be written as an integer literal outside the safe range ±(2^53 - 1)',
    );
    expect(expectQtError(() => canonicalize(NaN), 'QT_JSON_NUMBER', '$').message).toBe(
      '$: number NaN is not finite',
    );
    expect(expectQtError(() => canonicalize({ d: new Date(0) }), 'QT_TYPE', '$.d').message).toBe(
      '$.d: Date is not a plain object',
    );
  });

  it('cuts long keys in paths', () => {
    const key = 'k'.repeat(200);
    expectQtError(() => canonicalize({ [key]: undefined }), 'QT_TYPE', `$["${'k'.repeat(64)}"…]`);
  });
});
