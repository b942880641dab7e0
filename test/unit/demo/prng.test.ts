import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../../src-shared/bytes.js';
import { Xoshiro128ss } from '../../../src-main/demo/prng.js';

interface Step {
  output: string;
  state?: string[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/demo/xoshiro128ss.json', import.meta.url), 'utf8'),
) as { cases: { seed: string; state: string[]; steps: Step[] }[] };

const hex = (x: number) => x.toString(16).padStart(8, '0');
const seeded = (n: number) => {
  const s = new Uint8Array(16);
  s[0] = n;
  s[5] = 7;
  return new Xoshiro128ss(s);
};

describe('xoshiro128** (vectors)', () => {
  for (const [i, c] of vectors.cases.entries()) {
    it(`case ${i + 1}: states and outputs of the reference implementation`, () => {
      const r = new Xoshiro128ss(hexToBytes(c.seed));
      expect(r.state().map(hex)).toEqual(c.state);
      for (const step of c.steps) {
        expect(hex(r.nextU32())).toBe(step.output);
        if (step.state !== undefined) expect(r.state().map(hex)).toEqual(step.state);
      }
    });
  }
});

describe('xoshiro128** (inputs)', () => {
  it('refuses a seed that is not 16 bytes, not bytes, or all zeros', () => {
    expect(() => new Xoshiro128ss(new Uint8Array(15))).toThrow(expect.objectContaining({ path: 'seed' }));
    expect(() => new Xoshiro128ss(new Uint8Array(17))).toThrow(expect.objectContaining({ path: 'seed' }));
    expect(() => new Xoshiro128ss(Array(16).fill(1) as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
    expect(() => new Xoshiro128ss(new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'QT_RANGE' }));
  });

  it('reads a seed from a subarray at its own offset', () => {
    const buf = new Uint8Array(20);
    buf.set(hexToBytes(vectors.cases[0]!.seed), 4);
    expect(new Xoshiro128ss(buf.subarray(4)).nextU32()).toBe(0xf1391922);
  });

  it('refuses bad arguments to its helpers', () => {
    const r = seeded(1);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => r.int(n)).toThrow(/n must be|n must/);
    expect(() => r.int('3' as unknown as number)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    expect(() => r.between(5, 4)).toThrow(expect.objectContaining({ path: 'max' }));
    for (const p of [-0.1, 1.1, Number.NaN, '0.5' as unknown as number]) {
      expect(() => r.chance(p)).toThrow(expect.objectContaining({ path: 'p' }));
    }
    expect(() => r.pick([])).toThrow(expect.objectContaining({ path: 'items' }));
    expect(() => r.pick('abc' as unknown as string[])).toThrow(expect.objectContaining({ path: 'items' }));
    expect(() => r.weighted([])).toThrow(expect.objectContaining({ path: 'choices' }));
    expect(() => r.weighted([['a', 0]])).toThrow(expect.objectContaining({ path: 'weight' }));
    expect(() => r.weighted([['a', 1.5]])).toThrow(expect.objectContaining({ path: 'weight' }));
    expect(() => r.sample([1, 2], 3)).toThrow(expect.objectContaining({ path: 'k' }));
    expect(() => r.bytes(-1)).toThrow(expect.objectContaining({ path: 'length' }));
  });
});

describe('xoshiro128** (helpers)', () => {
  it('is reproducible: the same seed gives the same sequence, another seed another one', () => {
    const a = seeded(1);
    const b = seeded(1);
    const c = seeded(2);
    const sa = Array.from({ length: 64 }, () => a.nextU32());
    expect(Array.from({ length: 64 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 64 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('int(n) stays in [0, n) and covers it about evenly, including n = 2^32 and n = 1', () => {
    const r = seeded(3);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const x = r.int(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
      counts[x]!++;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
    expect(r.int(1)).toBe(0);
    const big = r.int(2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
  });

  it('between is inclusive; chance(0) never and chance(1) always', () => {
    const r = seeded(4);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.between(3, 5));
    expect([...seen].sort()).toEqual([3, 4, 5]);
    for (let i = 0; i < 200; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it('weighted follows the weights; sample returns distinct elements of the input', () => {
    const r = seeded(5);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++)
      if (
        r.weighted([
          ['a', 9],
          ['b', 1],
        ] as const) === 'a'
      )
        heavy++;
    expect(heavy).toBeGreaterThan(8_700);
    expect(heavy).toBeLessThan(9_300);
    const items = ['a', 'b', 'c', 'd', 'e'];
    for (let k = 0; k <= items.length; k++) {
      const s = r.sample(items, k);
      expect(s).toHaveLength(k);
      expect(new Set(s).size).toBe(k);
      for (const x of s) expect(items).toContain(x);
    }
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('bytes are the little-endian output words, for any length', () => {
    const a = seeded(6);
    const b = seeded(6);
    const bytes = a.bytes(7);
    const w0 = b.nextU32();
    const w1 = b.nextU32();
    expect([...bytes]).toEqual([
      w0 & 0xff,
      (w0 >>> 8) & 0xff,
      (w0 >>> 16) & 0xff,
      w0 >>> 24,
      w1 & 0xff,
      (w1 >>> 8) & 0xff,
      (w1 >>> 16) & 0xff,
    ]);
    expect(a.bytes(0)).toHaveLength(0);
  });
});
