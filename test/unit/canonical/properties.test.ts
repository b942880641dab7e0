/**
 * Property tests: differential against the `canonicalize` package (5.1.0) and the platform's
 * JSON.parse on the domain all of them accept, round trips, and random hostile text.
 */
import peer from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, parseJson } from '../../../src-shared/canonical.js';
import { QtError } from '../../../src-shared/errors.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Well-formed strings, with controls, quotes, backslashes and astral characters well represented. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '/', '\u0000', '\u001f', '\u007f', 'é', '😀', '\u2028', 'a'),
  }),
);

/** The canonical JSON domain: what both implementations must accept and agree on. */
const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -MAX, max: MAX }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -MAX, max: MAX }),
    text,
    fc.array(tie('value')),
    fc.dictionary(text, tie('value')),
  ),
}));

describe('differential and round-trip properties', () => {
  it('agrees byte for byte with the canonicalize package', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        expect(canonicalize(v)).toBe(peer(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('parses canonical and pretty-printed text exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const c = canonicalize(v);
        expect(parseJson(c)).toEqual(JSON.parse(c));
        const pretty = JSON.stringify(v, null, 2);
        expect(parseJson(pretty)).toEqual(JSON.parse(pretty));
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips: canonicalize is idempotent through parseJson', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const c = canonicalize(v);
        const back = parseJson(c);
        expect(canonicalize(back)).toBe(c);
        expect(canonicalize(parseJson(JSON.stringify(v, null, 1)))).toBe(c);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hostile text', () => {
  const jsonish = fc.string({
    unit: fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'u',
      'd',
      '8',
      '0',
      '1',
      '9',
      'e',
      'E',
      '+',
      '-',
      '.',
      ' ',
      '\n',
      'a',
      't',
      'r',
      'n',
      'l',
      'f',
      '\ud800',
      '\udc00',
      '\u0001',
      '/',
      '*',
    ),
    maxLength: 40,
  });

  /** JSON.parse, the platform's reference, with -0 and duplicates as its only leniencies to account for. */
  function reference(t: string): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(t) as unknown };
    } catch {
      return { ok: false };
    }
  }

  function check(t: string): void {
    let ours: unknown;
    try {
      ours = parseJson(t);
    } catch (e) {
      // Every failure is a QtError: attacker input never crashes the parser in another way.
      expect(e).toBeInstanceOf(QtError);
      return;
    }
    // Whatever we accept, JSON.parse accepts with the same meaning (we are strictly stricter).
    const ref = reference(t);
    expect(ref.ok).toBe(true);
    if (ref.ok) expect(canonicalize(ours)).toBe(peer(ref.value));
  }

  it('random JSON-like text: stricter than JSON.parse, never a non-QtError', () => {
    fc.assert(fc.property(jsonish, check), { numRuns: 5000 });
  });

  it('single-character mutations of valid documents', () => {
    const mutated = fc
      .tuple(
        jsonValue,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('', ',', '"', '\\', '}', ']', '-', '0', 'e', '\ud800', ' '),
      )
      .map(([v, i, j, insert]) => {
        const t = JSON.stringify(v);
        const at = t.length === 0 ? 0 : i % t.length;
        return j % 2 === 0
          ? t.slice(0, at) + insert + t.slice(at + 1)
          : t.slice(0, at) + insert + t.slice(at);
      });
    fc.assert(fc.property(mutated, check), { numRuns: 3000 });
  });
});
