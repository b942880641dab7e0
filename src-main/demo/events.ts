/**
 * The demo's simulated time: a queue of future events ordered by (time, scheduling order), so that
 * concurrent flows interleave as they would in a real log (requests keep arriving while earlier ones
 * wait for approvals) and ties are broken the same way on every run. A binary min-heap.
 */
import { aint } from '../../src-shared/bytes.js';

export interface SimEvent {
  /** Unix milliseconds. */
  readonly time: number;
  readonly run: (time: number) => void;
}

interface Entry extends SimEvent {
  readonly order: number;
}

const before = (a: Entry, b: Entry): boolean => a.time < b.time || (a.time === b.time && a.order < b.order);

export class EventQueue {
  readonly #heap: Entry[] = [];
  #order = 0;

  get size(): number {
    return this.#heap.length;
  }

  schedule(time: number, run: (time: number) => void): void {
    aint(time, 'time');
    const h = this.#heap;
    h.push({ time, run, order: this.#order++ });
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Entry, h[parent] as Entry)) break;
      [h[i], h[parent]] = [h[parent] as Entry, h[i] as Entry];
      i = parent;
    }
  }

  /** Removes and returns the earliest event (undefined when empty). */
  pop(): SimEvent | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
      i = m;
    }
    return top;
  }
}
