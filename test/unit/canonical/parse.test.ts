import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize, MAX_DEPTH, parseJson, parseJsonBytes } from '../../../src-shared/canonical.js';
import { expectQtError } from './expect-error.js';

describe('parseJson: accepted input', () => {
  it('parses every kind of value', () => {
    expect(parseJson(' \t\r\n{"a":[1,-2.5,true,false,null,"x",{}],"b":[]} \n')).toEqual({
      a: [1, -2.5, true, false, null, 'x', {}],
      b: [],
    });
    expect(parseJson('"s"')).toBe('s');
    expect(parseJson('0')).toBe(0);
    expect(parseJson('true')).toBe(true);
    expect(parseJson('null')).toBeNull();
  });

  it('decodes every RFC 8259 escape', () => {
    expect(parseJson('"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u00C9 \\u0000 \\ud83d\\ude00"')).toBe(
      '" \\ / \b \f \n \r \t é É \u0000 😀',
    );
  });

  it('accepts well-formed raw non-ASCII text, including surrogate pairs and U+007F', () => {
    expect(parseJson('"é€😀\u007f\u2028"')).toBe('é€😀\u007f\u2028');
  });

  it('reads numbers as IEEE-754 doubles', () => {
    expect(parseJson('[4.50, 2e-3, 2E-3, 1e+2, 1E2, 0.000001, -0.5, 1e-400]')).toEqual([
      4.5, 0.002, 0.002, 100, 100, 0.000001, -0.5, 0,
    ]);
    expect(parseJson('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseJson('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseJson('9007199254740991.0')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseJson(`0.${'0'.repeat(2000)}1`)).toBe(0);
  });

  it('reads -0 as 0', () => {
    for (const t of ['-0', '-0.0', '-0e5', '-1e-400']) expect(Object.is(parseJson(t), 0)).toBe(true);
  });

  it('keeps a __proto__ member as an own property, never as the prototype', () => {
    const v = parseJson('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it(`accepts nesting up to MAX_DEPTH (${MAX_DEPTH})`, () => {
    expect(MAX_DEPTH).toBe(64);
    expect(() => parseJson('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).not.toThrow();
    expect(() => parseJson('{"a":'.repeat(MAX_DEPTH - 1) + '[]' + '}'.repeat(MAX_DEPTH - 1))).not.toThrow();
  });

  it('handles long inputs without recursion', () => {
    const big = `[${Array.from({ length: 200_000 }, (_, i) => i).join(',')}]`;
    expect((parseJson(big) as number[]).length).toBe(200_000);
  });
});

describe('parseJson: hostile input', () => {
  it('refuses a non-string argument', () => {
    for (const v of [undefined, null, 1, {}, utf8ToBytes('1')]) {
      expectQtError(() => parseJson(v as never), 'QT_TYPE', 'text');
    }
  });

  it.each([
    ['empty input', '', '$'],
    ['whitespace only', ' \n', '$'],
    ['trailing comma in array', '[1,]', '$[1]'],
    ['trailing comma in object', '{"a":1,}', '$'],
    ['leading comma', '[,1]', '$[0]'],
    ['missing comma', '[1 2]', '$[1]'],
    ['missing colon', '{"a" 1}', '$.a'],
    ['unquoted key', '{a:1}', '$'],
    ['number key', '{1:1}', '$'],
    ['single quotes', "{'a':1}", '$'],
    ['block comment', '/* c */ 1', '$'],
    ['line comment', '// c\n1', '$'],
    ['trailing comment', '[1] // c', '$'],
    ['comment inside', '[1,/* c */2]', '$[1]'],
    ['NaN literal', 'NaN', '$'],
    ['Infinity literal', '[Infinity]', '$[0]'],
    ['-Infinity literal', '{"a":-Infinity}', '$.a'],
    ['plus sign', '+1', '$'],
    ['bare fraction', '.5', '$'],
    ['dangling dot', '1.', '$'],
    ['dangling exponent', '1e', '$'],
    ['dangling exponent sign', '1e+', '$'],
    ['lone minus', '-', '$'],
    ['minus then letter', '-a', '$'],
    ['leading zero', '01', '$'],
    ['negative leading zero', '[-01]', '$[0]'],
    ['hex number', '0x10', '$'],
    ['truncated true', 'tru', '$'],
    ['capitalised literal', 'True', '$'],
    ['truncated null', '[nul]', '$[0]'],
    ['trailing garbage', '1 2', '$'],
    ['second document', '{}{}', '$'],
    ['unclosed array', '[1', '$[1]'],
    ['unclosed object', '{"a":1', '$.a'],
    ['unclosed empty array', '[', '$[0]'],
    ['unclosed empty object', '{', '$'],
    ['unterminated string', '"abc', '$'],
    ['unterminated key', '{"ab', '$'],
    ['non-breaking space as whitespace', '\u00a01', '$'],
    ['vertical tab as whitespace', '\u000b1', '$'],
    ['mismatched bracket', '[1}', '$[1]'],
    ['byte order mark', '\ufeff{}', '$'],
  ])('refuses %s', (_what, text, path) => {
    expectQtError(() => parseJson(text), 'QT_JSON_SYNTAX', path);
  });

  it('names the offset of a syntax error and the offending character', () => {
    const e = expectQtError(
      () => parseJson('{"approvals":[1,2,{"time":1,}]}'),
      'QT_JSON_SYNTAX',
      '$.approvals[2]',
    );
    expect(e.message).toBe("$.approvals[2]: unexpected character '}' at offset 28");
    const f = expectQtError(() => parseJson('[1,\u00a0]'), 'QT_JSON_SYNTAX', '$[1]');
    expect(f.message).toContain('U+00a0');
    expect(expectQtError(() => parseJson('[1'), 'QT_JSON_SYNTAX', '$[1]').message).toContain('end of input');
  });

  it.each([
    ['raw NUL', '"a\u0000b"', '$'],
    ['raw newline', '["a\nb"]', '$[0]'],
    ['raw U+001F', '{"k":"\u001f"}', '$.k'],
    ['unknown escape', '"\\x41"', '$'],
    ['escaped single quote', '"\\\'"', '$'],
    ['upper-case U escape', '"\\U0041"', '$'],
    ['short unicode escape', '"\\u12"', '$'],
    ['non-hex unicode escape', '"\\u12G4"', '$'],
    ['backslash at end of input', '"\\', '$'],
    ['escaped lone high surrogate', '"\\ud800"', '$'],
    ['escaped lone low surrogate', '["\\udc00"]', '$[0]'],
    ['escaped high then non-surrogate', '"\\ud800\\u0041"', '$'],
    ['escaped high then text', '"\\ud800x"', '$'],
    ['escaped high then high', '"\\ud800\\ud800"', '$'],
    ['escaped high then short escape', '"\\ud800\\n"', '$'],
    ['escaped high then broken escape', '"\\ud800\\uzzzz"', '$'],
    ['escaped low then high', '"\\ude00\\ud83d"', '$'],
    ['raw lone high surrogate', '{"a":"\ud800"}', '$.a'],
    ['raw lone low surrogate', '"\udc00"', '$'],
    ['raw high surrogate at end of string', '"a\ud83d"', '$'],
    ['raw reversed pair', '"\ude00\ud83d"', '$'],
    ['escaped high then raw low', '"\\ud83d\ude00"', '$'],
    ['lone surrogate in a key', '{"\\udfff":1}', '$'],
    ['control character in a key', '{"a\u0001":1}', '$'],
  ])('refuses a string with %s', (_what, text, path) => {
    expectQtError(() => parseJson(text), 'QT_JSON_STRING', path);
  });

  it.each([
    ['same key', '{"a":1,"a":2}', '$.a'],
    ['same key after unescaping', '{"a":1,"\\u0061":2}', '$.a'],
    ['nested', '{"x":[0,{"b":1,"c":2,"b":3}]}', '$.x[1].b'],
    ['__proto__ twice', '{"__proto__":1,"__proto__":2}', '$.__proto__'],
    ['key that needs quoting', '{"we ird":1,"we ird":{}}', '$["we ird"]'],
    ['empty key', '{"":1,"":1}', '$[""]'],
  ])('refuses duplicate keys: %s', (_what, text, path) => {
    expectQtError(() => parseJson(text), 'QT_JSON_DUPLICATE_KEY', path);
  });

  it.each([
    ['integer literal above 2^53 - 1', '9007199254740992', '$'],
    ['integer literal below -(2^53 - 1)', '[-9007199254740992]', '$[0]'],
    ['long integer literal', `{"n":1${'0'.repeat(30)}}`, '$.n'],
    ['fraction form of an unsafe integer', '9007199254740993.5', '$'],
    ['overflow to Infinity', '1e400', '$'],
    ['overflow to -Infinity', '{"a":[-1.8e308]}', '$.a[0]'],
  ])('refuses numbers: %s', (_what, text, path) => {
    expectQtError(() => parseJson(text), 'QT_JSON_NUMBER', path);
  });

  it('refuses nesting deeper than MAX_DEPTH, naming the path', () => {
    const deepArrays = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
    expectQtError(() => parseJson(deepArrays), 'QT_JSON_DEPTH', `$${'[0]'.repeat(MAX_DEPTH)}`);
    const deepObjects = '{"a":'.repeat(MAX_DEPTH) + '{}' + '}'.repeat(MAX_DEPTH);
    expectQtError(() => parseJson(deepObjects), 'QT_JSON_DEPTH', `$${'.a'.repeat(MAX_DEPTH)}`);
    // A hostile document far deeper than the limit fails fast, without exhausting the stack.
    expectQtError(() => parseJson('['.repeat(1_000_000)), 'QT_JSON_DEPTH', `$${'[0]'.repeat(MAX_DEPTH)}`);
  });

  it('writes paths as identifiers, brackets, and cut-down long keys', () => {
    const long = 'k'.repeat(100);
    expectQtError(() => parseJson(`{"${long}":[tru]}`), 'QT_JSON_SYNTAX', `$["${'k'.repeat(64)}"…][0]`);
    expectQtError(() => parseJson('{"1a":x}'), 'QT_JSON_SYNTAX', '$["1a"]');
    expectQtError(() => parseJson('{"$_b9":x}'), 'QT_JSON_SYNTAX', '$.$_b9');
    expectQtError(() => parseJson('{"a\\"b":x}'), 'QT_JSON_SYNTAX', '$["a\\"b"]');
  });
});

describe('parseJsonBytes', () => {
  it('decodes strict UTF-8 and parses', () => {
    expect(parseJsonBytes(utf8ToBytes('{"é":"😀"}'))).toEqual({ é: '😀' });
  });

  it('refuses a byte order mark', () => {
    expectQtError(() => parseJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x31])), 'QT_JSON_SYNTAX', '$');
  });

  it('refuses invalid UTF-8: overlong, truncated, encoded surrogate, stray continuation', () => {
    for (const bytes of [
      [0x22, 0xc0, 0xaf, 0x22],
      [0x22, 0xe2, 0x82, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0x22, 0x80, 0x22],
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22],
    ]) {
      expectQtError(() => parseJsonBytes(new Uint8Array(bytes)), 'QT_ENCODING', 'bytes');
    }
  });

  it('refuses values that are not a Uint8Array, including look-alikes', () => {
    for (const v of ['{}', [0x31], { length: 1, 0: 0x31 }, new Uint16Array([0x31]), null]) {
      expectQtError(() => parseJsonBytes(v as never), 'QT_TYPE', 'bytes');
    }
  });
});

describe('numbers written with a fraction or an exponent (RFC 8785 §3.2.2.3)', () => {
  it('follow IEEE-754 and round-trip when their canonical form is exact', () => {
    expect(parseJson('1E30')).toBe(1e30);
    expect(canonicalize(parseJson('[1E30, 1e21, -1.5e300, 4.50, 2e-3, 9007199254740991.0]'))).toBe(
      '[1e+30,1e+21,-1.5e+300,4.5,0.002,9007199254740991]',
    );
  });

  it.each([
    ['an unsafe integer literal', '[9007199254740992]', '$[0]'],
    ['an unsafe integer literal at or beyond 1e21', '[1000000000000000000000]', '$[0]'],
    ['a fraction literal whose value is an unsafe integer', '[9007199254740993.0]', '$[0]'],
    ['an exponent literal whose canonical form is an unsafe integer', '{"n":1.0e16}', '$.n'],
  ])('refuses %s', (_name, text, path) => {
    expectQtError(() => parseJson(text), 'QT_JSON_NUMBER', path);
  });
});
