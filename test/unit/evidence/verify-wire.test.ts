/**
 * The packed messages between the verifier's main thread and its workers (src-main/evidence/
 * verify-wire.ts): decoding gives back exactly the lines and results that were encoded, whatever
 * their mix (empty, too long, cut short, failures with and without a record, partial bundles).
 */
import { describe, expect, it } from 'vitest';
import type { RawLine } from '../../../src-shared/bundle/split.js';
import type { LineResult } from '../../../src-shared/verify/record-line.js';
import {
  decodeLines,
  decodeResults,
  encodeLines,
  encodeResults,
  transferList,
} from '../../../src-main/evidence/verify-wire.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const digest = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

describe('verify wire format', () => {
  it('round-trips lines of every kind', () => {
    const lines: RawLine[] = [
      { number: 1, bytes: bytes(0x7b, 0x7d), complete: true, tooLong: false },
      { number: 2, bytes: bytes(), complete: true, tooLong: true },
      { number: 3, bytes: bytes(), complete: true, tooLong: false },
      { number: 9_007_199_254_740_991, bytes: bytes(1, 2, 3), complete: false, tooLong: false },
    ];
    const wire = encodeLines(lines);
    expect(decodeLines(wire)).toEqual(lines);
    expect(decodeLines(encodeLines([]))).toEqual([]);
    // Every buffer of the message is its own, so it can be moved to the worker.
    const buffers = transferList(wire);
    expect(buffers).toHaveLength(4);
    expect(new Set(buffers).size).toBe(4);
  });

  it('round-trips results: clean records, failures, lines without a record, partial bundles', () => {
    const results: LineResult[] = [
      {
        line: 1,
        failures: [],
        record: { seq: 0, prev: '00'.repeat(32), hash: digest(1), leaf: digest(2), about: true },
        envelopes: 0,
        inclusion: false,
      },
      {
        line: 2,
        failures: [{ code: 'QT_VERIFY_LINE', seq: null, file: 'records.jsonl', line: 2, message: 'bad' }],
        envelopes: 0,
        inclusion: false,
      },
      {
        line: 3,
        failures: [
          { code: 'QT_VERIFY_EMBEDDED_SIGNATURE', seq: 2, file: 'records.jsonl', line: 3, message: 'x' },
          { code: 'QT_VERIFY_INCLUSION', seq: 2, file: 'records.jsonl', line: 3, message: 'y' },
        ],
        record: { seq: 2, prev: 'ab'.repeat(32), hash: digest(3), leaf: digest(4), about: false },
        envelopes: 2,
        inclusion: true,
      },
    ];
    const wire = encodeResults(results);
    expect(decodeResults(wire)).toEqual(results);
    expect(transferList(wire)).toHaveLength(5);
    // The decoded hashes are 32-byte views, as the sequencer and the tree expect.
    const [first] = decodeResults(encodeResults(results));
    expect(first?.record?.hash).toHaveLength(32);
    expect(first?.record?.leaf).toEqual(digest(2));
  });
});
