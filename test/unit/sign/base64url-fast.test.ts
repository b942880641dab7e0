/**
 * decodeBase64urlFast (src-shared/sign/base64url-fast.ts) answers only where bytes.ts's strict
 * fromBase64url accepts, with the same bytes, and answers for every canonical encoding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../src-shared/bytes.js';
import { decodeBase64urlFast } from '../../../src-shared/sign/base64url-fast.js';

function strict(s: string): Uint8Array | undefined {
  try {
    return fromBase64url(s);
  } catch {
    return undefined;
  }
}

function agrees(s: string): void {
  const fast = decodeBase64urlFast(s);
  expect(fast === null ? undefined : fast, s).toEqual(strict(s));
}

describe('decodeBase64urlFast', () => {
  it('RFC 4648 §10 vectors (base64url alphabet, no padding)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, b64] of vectors) {
      expect(decodeBase64urlFast(b64)).toEqual(new TextEncoder().encode(text));
    }
    expect(decodeBase64urlFast('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('refuses what the strict decoder refuses', () => {
    for (const bad of [
      'Z',
      'Zg==',
      'Zh',
      'Zm9',
      'Zm+v',
      'Zm/v',
      'Zm9v Yg',
      'Zm9vYé',
      'Zm9vY\u0100',
      'Zm9v\u{1F600}',
      '!m9v',
      'Z!9v',
      'Zm!v',
      'Zm9!',
      'Z!',
      '!g',
      'Zm!',
    ]) {
      expect(decodeBase64urlFast(bad), bad).toBeNull();
      expect(strict(bad), bad).toBeUndefined();
    }
  });

  it('decodes every canonical encoding (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64urlFast(toBase64url(bytes))).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the strict decoder on random and mutated texts (property)', () => {
    const letters = fc.stringMatching(/^[A-Za-z0-9_\-+/= ]{0,24}$/);
    fc.assert(fc.property(letters, agrees), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 12 }), agrees), { numRuns: 2000 });
    const mutated = fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 127 }))
      .map(([bytes, at, c]) => {
        const s = toBase64url(bytes);
        const i = at % s.length;
        return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
      });
    fc.assert(fc.property(mutated, agrees), { numRuns: 5000 });
  });
});
