/**
 * Internal: the shape of RFC 9162 proofs, independent of any hash values.
 *
 * Every proof element is the Merkle Tree Hash of a contiguous leaf range [start, end). Ranges
 * that are perfect subtrees (a power-of-two size at an aligned start) are read from storage as
 * node (level, index); the others lie on the right border of the tree and are recomputed from
 * the perfect subtrees that make them up.
 */

/** A leaf range [start, end) whose Merkle Tree Hash is one proof element. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

const TWO_32 = 0x1_0000_0000;

/** The largest power of two that is at most x (x >= 1, a safe integer). */
export function floorPow2(x: number): number {
  if (x < TWO_32) return 2 ** (31 - Math.clz32(x));
  return 2 ** (63 - Math.clz32(Math.floor(x / TWO_32)));
}

/** The largest power of two strictly below x (x >= 2): the split point k of RFC 9162 §2.1.1. */
export function splitPoint(x: number): number {
  return floorPow2(x - 1);
}

/** log2 of a power of two. */
export function log2(p: number): number {
  return Math.round(Math.log2(p));
}

/**
 * PATH(index, D[0:size]) of RFC 9162 §2.1.3.1 as leaf ranges, leaf to root. Requires index < size.
 * The recursion is unrolled from the root down, so the list is built root first and reversed.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const mid = start + splitPoint(end - start);
    if (index < mid) {
      out.push({ start: mid, end });
      end = mid;
    } else {
      out.push({ start, end: mid });
      start = mid;
    }
  }
  return out.reverse();
}

/**
 * PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) of RFC 9162 §2.1.4.1 as leaf ranges, for 0 < m < n.
 * `m` stays absolute: SUBPROOF(m - start, D[start:end], b) in the RFC's relative terms.
 */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  let start = 0;
  let end = n;
  let complete = true; // the RFC's flag b: true while D[0:m] is still the left edge of the subtree
  while (m !== end) {
    const mid = start + splitPoint(end - start);
    if (m <= mid) {
      out.push({ start: mid, end });
      end = mid;
    } else {
      out.push({ start, end: mid });
      start = mid;
      complete = false;
    }
  }
  if (!complete) out.push({ start, end });
  return out.reverse();
}
