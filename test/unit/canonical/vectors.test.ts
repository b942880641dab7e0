import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { canonicalBytes, canonicalize, parseJson } from '../../../src-shared/canonical.js';
import { expectQtError } from './expect-error.js';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/canonical/${name}`, import.meta.url), 'utf8')) as T;
}

interface Case {
  name: string;
  input: string;
  output?: string;
  rfcOutput?: string;
  code?: string;
  path?: string;
  outhex?: string;
}
interface NumberRow {
  ieee754: string;
  output: string | null;
  qtrust: string;
}
const rfc = load<{
  serialization: Case[];
  numbers: NumberRow[];
  es6SampleLines: NumberRow[];
}>('rfc8785.json');
const cyberphone = load<{ cases: Case[] }>('cyberphone.json');

/** The IEEE-754 double with the given big-endian bit pattern (1 to 16 hex digits). */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 examples', () => {
  it.each(rfc.serialization.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(canonicalize(parseJson(c.input))).toBe(c.output);
  });

  it('has all 26 Appendix B rows', () => {
    expect(rfc.numbers).toHaveLength(26);
  });

  it.each([...rfc.numbers, ...rfc.es6SampleLines].map((r) => [r.ieee754, r] as const))(
    'number %s',
    (_hex, r) => {
      const x = double(r.ieee754);
      if (r.qtrust === 'ok') {
        expect(canonicalize(x)).toBe(r.output);
        expect(canonicalize([x])).toBe(`[${r.output}]`);
        // The canonical text parses back to the same double (-0 comes back as 0).
        expect(parseJson(r.output as string)).toBe(x === 0 ? 0 : x);
      } else {
        expectQtError(() => canonicalize(x), r.qtrust, '$');
        expectQtError(() => canonicalize({ n: x }), r.qtrust, '$.n');
        // ECMAScript Number::toString still agrees with the RFC for the refused finite values.
        if (r.output !== null) {
          expect(String(x)).toBe(r.output);
          expectQtError(() => parseJson(r.output as string), 'QT_JSON_NUMBER', '$');
        }
      }
    },
  );
});

describe('cyberphone/json-canonicalization testdata', () => {
  it.each(cyberphone.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.code !== undefined) {
      expectQtError(() => parseJson(c.input), c.code, c.path as string);
      return;
    }
    const value = parseJson(c.input);
    expect(canonicalize(value)).toBe(c.output);
    // Canonical output is a fixed point.
    expect(canonicalize(parseJson(c.output as string))).toBe(c.output);
    if (c.outhex !== undefined) {
      expect(bytesToHex(canonicalBytes(value))).toBe(c.outhex.replaceAll(' ', '').toLowerCase());
    }
  });
});
