import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../../src-shared/bytes.js';
import { QtError } from '../../../src-shared/errors.js';
import {
  atag,
  hashTagged,
  keccakTagged,
  nobleHashes,
  TAGS,
  taggedInput,
  type Tag,
} from '../../../src-shared/hash.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/hash/tagged.json', import.meta.url), 'utf8'),
) as {
  cases: { tag: Tag; data_hex: string; input_hex: string; sha256: string }[];
};

describe('hashTagged', () => {
  it.each(vectors.cases.map((c, i) => [i, c] as const))('matches vector %i', (_i, c) => {
    const data = hexToBytes(c.data_hex);
    expect(bytesToHex(taggedInput(c.tag, data))).toBe(c.input_hex);
    expect(bytesToHex(hashTagged(c.tag, data))).toBe(c.sha256);
  });

  it('agrees with node:crypto on random data', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(TAGS)), fc.uint8Array({ maxLength: 300 }), (tag, data) => {
        const expected = createHash('sha256').update(taggedInput(tag, data)).digest('hex');
        expect(bytesToHex(hashTagged(tag, data))).toBe(expected);
      }),
    );
  });

  it('never hashes the same data alike under two tags', () => {
    const data = utf8ToBytes('same data');
    const digests = Object.values(TAGS).map((t) => bytesToHex(hashTagged(t, data)));
    expect(new Set(digests).size).toBe(digests.length);
  });

  it('has an injective encoding: distinct (tag, data) pairs give distinct inputs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(TAGS)),
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom(...Object.values(TAGS)),
        fc.uint8Array({ maxLength: 40 }),
        (t1, d1, t2, d2) => {
          const same = t1 === t2 && bytesToHex(d1) === bytesToHex(d2);
          expect(bytesToHex(taggedInput(t1, d1)) === bytesToHex(taggedInput(t2, d2))).toBe(same);
        },
      ),
    );
  });

  it('refuses a tag/data boundary shift that a plain concatenation would allow', () => {
    // "qtrust/file/v1" + "x" vs a hypothetical tag ending in "x": with length prefixes they differ.
    const a = taggedInput(TAGS.file, utf8ToBytes('1abc'));
    const b = taggedInput(TAGS.json, utf8ToBytes('abc'));
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
  });

  it('computes Keccak-256 over the same encoding', () => {
    // Reference: keccak256("") and keccak256("abc") as used by Ethereum.
    expect(bytesToHex(nobleHashes.keccak256(new Uint8Array(0)))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    expect(bytesToHex(nobleHashes.keccak256(utf8ToBytes('abc')))).toBe(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    );
    const data = utf8ToBytes('anchor');
    expect(keccakTagged(TAGS.anchorCommitment, data)).toEqual(
      nobleHashes.keccak256(taggedInput(TAGS.anchorCommitment, data)),
    );
    expect(bytesToHex(keccakTagged(TAGS.file, data))).not.toBe(bytesToHex(hashTagged(TAGS.file, data)));
  });

  it('uses injected primitives', () => {
    const calls: number[] = [];
    const fake = {
      sha256: (d: Uint8Array) => (calls.push(d.length), new Uint8Array(32)),
      keccak256: (d: Uint8Array) => (calls.push(-d.length), new Uint8Array(32).fill(1)),
    };
    expect(hashTagged(TAGS.file, new Uint8Array(3), fake)).toEqual(new Uint8Array(32));
    expect(keccakTagged(TAGS.file, new Uint8Array(3), fake)).toEqual(new Uint8Array(32).fill(1));
    expect(calls).toEqual([1 + TAGS.file.length + 8 + 3, -(1 + TAGS.file.length + 8 + 3)]);
  });
});

describe('hostile inputs', () => {
  const bad: unknown[] = [
    undefined,
    null,
    1,
    'x',
    [1, 2],
    {},
    { length: 3 },
    new Uint16Array(2),
    new ArrayBuffer(4),
  ];
  it.each(bad.map((b) => [Object.prototype.toString.call(b), b]))('refuses data %s', (_n, b) => {
    expect(() => hashTagged(TAGS.file, b as Uint8Array)).toThrow(QtError);
    try {
      hashTagged(TAGS.file, b as Uint8Array);
    } catch (e) {
      expect((e as QtError).code).toBe('QT_TYPE');
      expect((e as QtError).message).toMatch(/data/);
    }
  });

  it.each(['', 'qtrust/unknown/v1', 'QTRUST/FILE/V1', 'qtrust/file/v1 ', 5, null])('refuses tag %j', (t) => {
    expect(() => hashTagged(t as Tag, new Uint8Array(1))).toThrow(QtError);
    expect(() => keccakTagged(t as Tag, new Uint8Array(1))).toThrow(QtError);
  });

  it('names the known tags when refusing one', () => {
    expect(() => atag('qtrust/nope/v1')).toThrow(/qtrust\/file\/v1/);
    expect(() => atag('qtrust/nope/v1')).toThrow(expect.objectContaining({ code: 'QT_UNKNOWN_TAG' }));
    expect(atag('qtrust/file/v1', 'the tag')).toBe('qtrust/file/v1');
  });

  it('keeps the registry frozen', () => {
    expect(Object.isFrozen(TAGS)).toBe(true);
    expect(() => {
      (TAGS as Record<string, string>).evil = 'x';
    }).toThrow(TypeError);
  });
});
