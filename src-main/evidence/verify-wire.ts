/**
 * The messages between the verifier's main thread and its workers (verify-pool.ts,
 * verify-worker.ts), packed so that a batch crosses the thread boundary as a few transferable
 * buffers instead of hundreds of small objects: structured cloning allocates and copies every
 * Uint8Array and object separately, which cost as much as a record's own checks.
 *
 * A batch of lines: all line bytes back to back in one buffer, the end offset of each line, its
 * number and its flags (complete, too long). A batch of results: per line its number, flags
 * (record present, about, inclusion checked), envelope count, seq and prev, the record hash and leaf
 * hash back to back (64 bytes a line), and the failures only for the lines that have some.
 * Decoding gives back exactly the RawLine and LineResult values that were encoded.
 */
import type { RawLine } from '../../src-shared/bundle/split.js';
import type { LineResult } from '../../src-shared/verify/record-line.js';
import type { FailureInput } from '../../src-shared/verify/report.js';

export interface WireLines {
  readonly bytes: Uint8Array;
  /** End offset of each line in `bytes` (its start is the previous line's end). */
  readonly ends: Uint32Array;
  readonly numbers: Float64Array;
  /** Bit 0: complete; bit 1: too long. */
  readonly flags: Uint8Array;
}

export interface WireResults {
  readonly numbers: Float64Array;
  /** Bit 0: a record; bit 1: about the subject; bit 2: an inclusion proof was checked. */
  readonly flags: Uint8Array;
  readonly envelopes: Uint32Array;
  readonly seqs: Float64Array;
  readonly prevs: readonly string[];
  /** Record hash then leaf hash, 64 bytes a line (zeros when there is no record). */
  readonly digests: Uint8Array;
  /** [index, failures] for the lines that have failures. */
  readonly failures: readonly (readonly [number, readonly FailureInput[]])[];
}

const COMPLETE = 1;
const TOO_LONG = 2;
const RECORD = 1;
const ABOUT = 2;
const INCLUSION = 4;
const NONE: readonly FailureInput[] = Object.freeze([]);

export function encodeLines(lines: readonly RawLine[]): WireLines {
  let total = 0;
  for (const l of lines) total += l.bytes.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(lines.length);
  const numbers = new Float64Array(lines.length);
  const flags = new Uint8Array(lines.length);
  let at = 0;
  lines.forEach((l, i) => {
    bytes.set(l.bytes, at);
    at += l.bytes.length;
    ends[i] = at;
    numbers[i] = l.number;
    flags[i] = (l.complete ? COMPLETE : 0) | (l.tooLong ? TOO_LONG : 0);
  });
  return { bytes, ends, numbers, flags };
}

export function decodeLines(w: WireLines): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  for (let i = 0; i < w.ends.length; i++) {
    const end = w.ends[i] as number;
    const f = w.flags[i] as number;
    out.push({
      number: w.numbers[i] as number,
      bytes: w.bytes.subarray(start, end),
      complete: (f & COMPLETE) !== 0,
      tooLong: (f & TOO_LONG) !== 0,
    });
    start = end;
  }
  return out;
}

export function encodeResults(results: readonly LineResult[]): WireResults {
  const n = results.length;
  const numbers = new Float64Array(n);
  const flags = new Uint8Array(n);
  const envelopes = new Uint32Array(n);
  const seqs = new Float64Array(n);
  const prevs: string[] = [];
  const digests = new Uint8Array(64 * n);
  const failures: [number, readonly FailureInput[]][] = [];
  results.forEach((r, i) => {
    numbers[i] = r.line;
    envelopes[i] = r.envelopes;
    if (r.failures.length > 0) failures.push([i, r.failures]);
    const rec = r.record;
    let f = r.inclusion ? INCLUSION : 0;
    if (rec !== undefined) {
      f |= RECORD | (rec.about ? ABOUT : 0);
      seqs[i] = rec.seq;
      digests.set(rec.hash, 64 * i);
      digests.set(rec.leaf, 64 * i + 32);
    }
    prevs.push(rec?.prev ?? '');
    flags[i] = f;
  });
  return { numbers, flags, envelopes, seqs, prevs, digests, failures };
}

export function decodeResults(w: WireResults): LineResult[] {
  const failures = new Map(w.failures);
  const out: LineResult[] = [];
  for (let i = 0; i < w.numbers.length; i++) {
    const f = w.flags[i] as number;
    const base = {
      line: w.numbers[i] as number,
      failures: failures.get(i) ?? NONE,
      envelopes: w.envelopes[i] as number,
      inclusion: (f & INCLUSION) !== 0,
    };
    out.push(
      (f & RECORD) === 0
        ? base
        : {
            ...base,
            record: {
              seq: w.seqs[i] as number,
              prev: w.prevs[i] as string,
              hash: w.digests.subarray(64 * i, 64 * i + 32),
              leaf: w.digests.subarray(64 * i + 32, 64 * i + 64),
              about: (f & ABOUT) !== 0,
            },
          },
    );
  }
  return out;
}

/** The buffers of a message that can be moved to the other thread instead of copied. */
export function transferList(w: WireLines | WireResults): ArrayBuffer[] {
  const list = [w.numbers.buffer, w.flags.buffer] as ArrayBuffer[];
  if ('ends' in w) list.push(w.bytes.buffer as ArrayBuffer, w.ends.buffer as ArrayBuffer);
  else
    list.push(
      w.envelopes.buffer as ArrayBuffer,
      w.seqs.buffer as ArrayBuffer,
      w.digests.buffer as ArrayBuffer,
    );
  return list;
}
