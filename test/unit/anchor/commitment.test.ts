import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { concat, keccak256, toBytes, toHex, numberToHex } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  anchorCommitment,
  anchorCommitmentHex,
  commitmentInput,
  word32,
} from '../../../src-shared/anchor/commitment.js';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { TAGS } from '../../../src-shared/hash.js';

const file = JSON.parse(
  readFileSync(new URL('../../vectors/anchor/commitments.json', import.meta.url), 'utf8'),
) as {
  tag: string;
  vectors: { salt: string; origin: string; treeSize: number; input: string; commitment: string }[];
};

/** An independent implementation of the encoding (docs/formats.md), on viem's primitives. */
function reference(salt: Uint8Array, origin: string, treeSize: number): string {
  const data = concat([
    toHex(salt),
    numberToHex(origin.length, { size: 1 }),
    toHex(origin),
    numberToHex(treeSize, { size: 8 }),
  ]);
  const tag = TAGS.anchorCommitment;
  const dataLen = (data.length - 2) / 2;
  return keccak256(
    concat([numberToHex(tag.length, { size: 1 }), toHex(tag), numberToHex(dataLen, { size: 8 }), data]),
  );
}

const salt = (b: number) => new Uint8Array(32).fill(b);

describe('anchor commitments', () => {
  it('matches the vectors and the independent implementation', () => {
    expect(file.tag).toBe(TAGS.anchorCommitment);
    for (const v of file.vectors) {
      const s = toBytes(`0x${v.salt}`);
      expect(bytesToHex(commitmentInput(s, v.origin, v.treeSize))).toBe(v.input);
      expect(anchorCommitmentHex(s, v.origin, v.treeSize)).toBe(v.commitment);
      expect(reference(s, v.origin, v.treeSize)).toBe(v.commitment);
    }
  });

  it('is injective on its input: length prefix and fixed widths keep fields apart (property)', () => {
    const origin = fc.stringMatching(/^[\x21-\x2a\x2c-\x7e]{1,40}$/);
    fc.assert(
      fc.property(
        origin,
        origin,
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (o1, o2, n1, n2) => {
          const a = bytesToHex(commitmentInput(salt(1), o1, n1));
          const b = bytesToHex(commitmentInput(salt(1), o2, n2));
          expect(a === b).toBe(o1 === o2 && n1 === n2);
        },
      ),
    );
  });

  it('differs with the salt, the origin and the tree size', () => {
    const base = anchorCommitmentHex(salt(1), 'log', 5);
    expect(anchorCommitmentHex(salt(2), 'log', 5)).not.toBe(base);
    expect(anchorCommitmentHex(salt(1), 'log2', 5)).not.toBe(base);
    expect(anchorCommitmentHex(salt(1), 'log', 6)).not.toBe(base);
    expect(anchorCommitment(salt(1), 'log', 5)).toHaveLength(32);
  });

  it('rejects hostile inputs with codes naming the parameter', () => {
    const bad: [unknown, unknown, unknown, string][] = [
      [new Uint8Array(31), 'log', 1, 'QT_RANGE'],
      [new Uint8Array(33), 'log', 1, 'QT_RANGE'],
      [Array.from(salt(1)), 'log', 1, 'QT_TYPE'],
      [{ length: 32 }, 'log', 1, 'QT_TYPE'],
      [salt(1), '', 1, 'QT_ANCHOR_INPUT'],
      [salt(1), 'has space', 1, 'QT_ANCHOR_INPUT'],
      [salt(1), 'a+b', 1, 'QT_ANCHOR_INPUT'],
      [salt(1), 'x'.repeat(256), 1, 'QT_ANCHOR_INPUT'],
      [salt(1), 'é', 1, 'QT_ANCHOR_INPUT'],
      [salt(1), 7, 1, 'QT_TYPE'],
      [salt(1), 'log', 0, 'QT_RANGE'],
      [salt(1), 'log', -1, 'QT_RANGE'],
      [salt(1), 'log', 1.5, 'QT_TYPE'],
      [salt(1), 'log', 2 ** 53, 'QT_TYPE'],
      [salt(1), 'log', 1n, 'QT_TYPE'],
      [salt(1), 'log', '1', 'QT_TYPE'],
    ];
    for (const [s, o, n, code] of bad) {
      expect(
        () => commitmentInput(s as Uint8Array, o as string, n as number),
        `${String(o)} ${String(n)}`,
      ).toThrow(expect.objectContaining({ code }));
    }
  });

  it('word32 accepts exactly 0x + 64 hex digits', () => {
    expect(word32(`0x${'Ab'.repeat(32)}`, 'w')).toEqual(new Uint8Array(32).fill(0xab));
    for (const v of [
      `0x${'a'.repeat(63)}`,
      `0x${'a'.repeat(65)}`,
      'a'.repeat(64),
      `0x${'g'.repeat(64)}`,
      5,
      null,
    ]) {
      expect(() => word32(v, 'w')).toThrow(expect.objectContaining({ code: 'QT_ANCHOR_INPUT', path: 'w' }));
    }
  });
});
