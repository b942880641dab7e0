/**
 * The demo generator's seeded pseudo-random numbers: xoshiro128** 1.1 (D. Blackman and S. Vigna,
 * "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021; reference C code
 * https://prng.di.unimi.it/xoshiro128starstar.c). 128 bits of state, 32-bit outputs, a period of
 * 2^128 - 1, and only 32-bit integer operations, so JavaScript computes it exactly (Math.imul and
 * `>>> 0`) and every platform produces the same sequence.
 *
 * Not a cryptographic generator: it shapes a demo log (who asks for what, when, who approves) so
 * that the log is reproducible from a seed. Key material and nonces that must be unpredictable in
 * production never come from here; in a demo, nonces come from here on purpose, so they repeat
 * with the seed. Math.random is never used.
 */
import { QtError } from '../../src-shared/errors.js';
import { abytes, aint } from '../../src-shared/bytes.js';

/** Bytes of state a generator is seeded with (four little-endian 32-bit words). */
export const PRNG_SEED_BYTES = 16;

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Xoshiro128ss {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** `seed`: 16 bytes, read as four little-endian words; all zeros is refused (a fixed point). */
  constructor(seed: Uint8Array) {
    abytes(seed, 'seed', PRNG_SEED_BYTES);
    const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    this.#s0 = view.getUint32(0, true);
    this.#s1 = view.getUint32(4, true);
    this.#s2 = view.getUint32(8, true);
    this.#s3 = view.getUint32(12, true);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) {
      throw new QtError('QT_RANGE', 'seed must not be all zeros (the generator would output only zeros)', {
        path: 'seed',
      });
    }
  }

  /** The state as four 32-bit words (for test vectors). */
  state(): [number, number, number, number] {
    return [this.#s0, this.#s1, this.#s2, this.#s3];
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 = (this.#s2 ^ this.#s0) >>> 0;
    this.#s3 = (this.#s3 ^ this.#s1) >>> 0;
    this.#s1 = (this.#s1 ^ this.#s2) >>> 0;
    this.#s0 = (this.#s0 ^ this.#s3) >>> 0;
    this.#s2 = (this.#s2 ^ t) >>> 0;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform integer in [0, n), 1 <= n <= 2^32, without modulo bias (rejection sampling). */
  int(n: number): number {
    aint(n, 'n', 1, 2 ** 32);
    // Accept only outputs below the largest multiple of n that fits in 32 bits.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in [min, max] (inclusive). */
  between(min: number, max: number): number {
    aint(min, 'min');
    aint(max, 'max', min);
    return min + this.int(max - min + 1);
  }

  /** True with probability p (0 <= p <= 1), in steps of 2^-32. */
  chance(p: number): boolean {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new QtError('QT_RANGE', 'p must be a probability from 0 to 1', { path: 'p' });
    }
    return this.nextU32() < p * 2 ** 32;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (!Array.isArray(items) || items.length === 0) {
      throw new QtError('QT_RANGE', 'items must be a non-empty array', { path: 'items' });
    }
    return items[this.int(items.length)] as T;
  }

  /** One of `choices` with probability proportional to its positive integer weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += aint(w, 'weight', 1);
    if (total === 0) throw new QtError('QT_RANGE', 'choices must not be empty', { path: 'choices' });
    let r = this.int(total);
    for (const [value, w] of choices) {
      if (r < w) return value;
      r -= w;
    }
    throw new QtError('QT_INTERNAL', 'unreachable: weighted choice out of range');
  }

  /** `k` distinct elements of `items` in random order (a partial Fisher-Yates shuffle of a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    aint(k, 'k', 0, items.length);
    const a = [...items];
    for (let i = 0; i < k; i++) {
      const j = i + this.int(a.length - i);
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a.slice(0, k);
  }

  /** `length` pseudo-random bytes (little-endian words). */
  bytes(length: number): Uint8Array {
    aint(length, 'length', 0, 1 << 20);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      let x = this.nextU32();
      for (let j = i; j < Math.min(i + 4, length); j++) {
        out[j] = x & 0xff;
        x >>>= 8;
      }
    }
    return out;
  }
}
