/**
 * JSON Lines framing with a bounded buffer: chunks of bytes in, lines out (without their LF), in
 * order, each with its 1-based number. A line longer than `maxLine` is reported (`tooLong`) and
 * skipped up to its LF without being buffered, so memory stays bounded whatever the input. The last
 * line of a file that does not end in LF is reported with `complete: false`: a file cut short.
 *
 * A line that lies within one chunk is yielded as a view of that chunk, not a copy: a copy per line
 * is an ArrayBuffer of its own, and on a million-line bundle those dominated the verifier's heap
 * growth. So the source must not reuse a chunk's memory once it has yielded it (Node's file read
 * streams allocate a fresh buffer per read). Lines spanning chunks are copied into one buffer.
 */

export interface RawLine {
  /** 1-based line number. */
  readonly number: number;
  /** The line's bytes without the LF (empty when `tooLong`). */
  readonly bytes: Uint8Array;
  /** False for a final line without its LF. */
  readonly complete: boolean;
  /** True when the line exceeded the limit and was skipped. */
  readonly tooLong: boolean;
}

export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLine: number,
): AsyncGenerator<RawLine> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let skipping = false;
  let number = 0;
  const take = (): Uint8Array => {
    if (parts.length === 1) {
      const only = parts[0] as Uint8Array;
      parts = [];
      length = 0;
      return only;
    }
    const out = new Uint8Array(length);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    parts = [];
    length = 0;
    return out;
  };
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf < 0 ? chunk.length : lf;
      if (!skipping) {
        if (length + end - start > maxLine) {
          skipping = true;
          parts = [];
          length = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          length += end - start;
        }
      }
      if (lf < 0) break;
      number++;
      yield skipping
        ? { number, bytes: new Uint8Array(0), complete: true, tooLong: true }
        : { number, bytes: take(), complete: true, tooLong: false };
      skipping = false;
      start = lf + 1;
    }
  }
  if (skipping || length > 0) {
    number++;
    yield { number, bytes: skipping ? new Uint8Array(0) : take(), complete: false, tooLong: skipping };
  }
}
