/**
 * readCanonical (src-shared/verify/canonical-text.ts): the native reading of canonical JSON must
 * never say yes where the strict path (parseJson, then canonicalize equal to the text) says no,
 * and must give the strict path's value. Hostile texts one rule at a time, then fast-check: random
 * JSON values in canonical form (accepted, same value) and random and mutated texts (whenever the
 * native reading answers, the strict path agrees).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { MAX_DEPTH, canonicalize, parseJson } from '../../../src-shared/canonical.js';
import { readCanonical } from '../../../src-shared/verify/canonical-text.js';

/** The strict verdict: the value when `bytes` is canonical JSON, else undefined. */
function strict(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    const value = parseJson(text);
    return canonicalize(value) === text ? { value } : undefined;
  } catch {
    return undefined;
  }
}

function agrees(bytes: Uint8Array): void {
  const fast = readCanonical(bytes);
  if (fast === null) return;
  const s = strict(bytes);
  expect(s).toBeDefined();
  expect(fast.value).toStrictEqual(s?.value);
}

const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('readCanonical', () => {
  it('reads canonical text to the strict value', () => {
    for (const text of [
      '{"a":1,"b":[true,false,null],"c":{"d":"e\\n\\u0001\\"\\\\"}}',
      '-1.5',
      '9007199254740991',
      '-9007199254740991',
      '1e+21',
      '1.5e-7',
      '"😀 é"',
      '{"":0,"a":{},"b":[]}',
      '{"__proto__":1}',
      nest(MAX_DEPTH),
    ]) {
      const r = readCanonical(utf8ToBytes(text));
      expect(r, text).not.toBeNull();
      expect(r?.text).toBe(text);
      expect(r?.value).toStrictEqual(parseJson(text));
    }
    const proto = readCanonical(utf8ToBytes('{"__proto__":1}'))?.value as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('declines every kind of non-canonical or out-of-domain text', () => {
    const declined: [string, Uint8Array][] = [
      ['invalid UTF-8', new Uint8Array([0x22, 0xff, 0x22])],
      ['byte order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x31])],
      ['not JSON', utf8ToBytes('{')],
      ['whitespace', utf8ToBytes('{"a": 1}')],
      ['duplicate key', utf8ToBytes('{"a":1,"a":1}')],
      ['unsorted keys', utf8ToBytes('{"b":1,"a":2}')],
      ['unsorted nested keys', utf8ToBytes('[{"b":1,"a":2}]')],
      ['fraction zero', utf8ToBytes('1.0')],
      ['exponent', utf8ToBytes('1e2')],
      ['minus zero', utf8ToBytes('-0')],
      ['escaped slash', utf8ToBytes('"\\/"')],
      ['upper-case escape', utf8ToBytes('"\\u001F"')],
      ['lone surrogate escape', utf8ToBytes('"\\ud800"')],
      ['lone low surrogate escape', utf8ToBytes('["\\udc00"]')],
      ['unsafe integer', utf8ToBytes('9007199254740992')],
      ['unsafe integer in an array', utf8ToBytes('[1,9007199254740992]')],
      ['unsafe integer in an object', utf8ToBytes('{"a":-9007199254740992}')],
      ['a double written as an integer', utf8ToBytes('100000000000000000000')],
      ['overflow', utf8ToBytes('1e999')],
      ['too deep', utf8ToBytes(nest(MAX_DEPTH + 1))],
      ['too deep in an object', utf8ToBytes(`{"a":${nest(MAX_DEPTH)}}`)],
    ];
    for (const [name, bytes] of declined) {
      expect(readCanonical(bytes), name).toBeNull();
      expect(strict(bytes), name).toBeUndefined();
    }
    // Declining is not refusing: text with a literal backslash before "ud" is canonical, and the
    // strict path (which the caller runs on null) accepts it.
    const backslash = utf8ToBytes('"\\\\ud800"');
    expect(readCanonical(backslash)).toBeNull();
    expect(strict(backslash)).toEqual({ value: '\\ud800' });
    // So is an object whose integer-like keys the engine enumerates in numeric order.
    const numeric = utf8ToBytes('{"10":1,"9":2}');
    expect(readCanonical(numeric)).toBeNull();
    expect(strict(numeric)).toEqual({ value: { 10: 1, 9: 2 } });
  });

  it('never throws, even on hostile nesting', () => {
    expect(readCanonical(utf8ToBytes('['.repeat(200_000)))).toBeNull();
    expect(readCanonical(utf8ToBytes(nest(100_000)))).toBeNull();
  });

  it('accepts the canonical form of any JSON value, with the strict value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        let text: string;
        try {
          text = canonicalize(v);
        } catch {
          return; // outside the domain (unsafe integers): nothing to read
        }
        const r = readCanonical(utf8ToBytes(text));
        // Engines enumerate integer-like keys first: such objects may be declined, never misread.
        if (r === null) {
          expect(strict(utf8ToBytes(text))).toBeDefined();
          return;
        }
        expect(r.value).toStrictEqual(parseJson(text));
      }),
      { numRuns: 500 },
    );
  });

  it('answers only where the strict path accepts, on random and mutated texts (property)', () => {
    const mutated = fc
      .tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(3))
      .map(([v, at, byte, op]) => {
        let text: string;
        try {
          text = canonicalize(v);
        } catch {
          text = JSON.stringify(v);
        }
        const b = utf8ToBytes(text);
        const i = b.length === 0 ? 0 : at % b.length;
        if (op === 0) b[i] = byte; // replace a byte
        if (op === 1) return new Uint8Array([...b.subarray(0, i), byte, ...b.subarray(i)]); // insert one
        if (op === 2) return new Uint8Array([...b.subarray(0, i), ...b.subarray(i + 1)]); // delete one
        return utf8ToBytes(JSON.stringify(v, null, op)); // re-indented
      });
    fc.assert(fc.property(mutated, agrees), { numRuns: 3000 });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => agrees(utf8ToBytes(s))),
      { numRuns: 2000 },
    );
    const jsonish = fc.stringMatching(/^[[\]{}",:0-9.eE+\-a-z\\ ]{0,30}$/);
    fc.assert(
      fc.property(jsonish, (s) => agrees(utf8ToBytes(s))),
      { numRuns: 3000 },
    );
  });
});
