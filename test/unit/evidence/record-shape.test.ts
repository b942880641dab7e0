/**
 * The hand-written record checks of parseRecord's hot path (src-shared/evidence/record.ts) against
 * the zod schema they stand in for: isRecordValue must accept exactly the values recordSchema
 * accepts and whose prev is all zeros exactly for seq 0; isRecordTime exactly the texts
 * parseRecordTime accepts. Hostile values one member at a time, then fast-check on random values
 * and on mutations of valid records.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RECORD_KINDS,
  isRecordTime,
  isRecordValue,
  parseRecord,
  parseRecordTime,
  recordSchema,
} from '../../../src-shared/evidence/record.js';

const ZERO = '0'.repeat(64);
const GOOD = {
  v: 1,
  log: 'qtrust.local/acme/desktop-1',
  seq: 5,
  prev: 'ab'.repeat(32),
  time: '2026-11-26T12:00:00.000Z',
  kind: 'decision',
  body: { subject: 'a' },
};

/** The reference: zod, then the prev rule, as parseRecord applied them before the hand check. */
function reference(v: unknown): boolean {
  if (!recordSchema.safeParse(v).success) return false;
  const r = v as { seq: number; prev: string };
  return (r.seq === 0) === (r.prev === ZERO);
}

function timeOk(text: unknown): boolean {
  try {
    parseRecordTime(text);
    return true;
  } catch {
    return false;
  }
}

const jsonClone = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('isRecordValue', () => {
  it('agrees with the schema on each member, hostile values included', () => {
    const cases: unknown[] = [
      GOOD,
      { ...GOOD, seq: 0, prev: ZERO },
      { ...GOOD, seq: 0 },
      { ...GOOD, prev: ZERO },
      { ...GOOD, seq: Number.MAX_SAFE_INTEGER },
      { ...GOOD, seq: Number.MAX_SAFE_INTEGER + 1 },
      { ...GOOD, seq: -1 },
      { ...GOOD, seq: 1.5 },
      { ...GOOD, seq: '5' },
      { ...GOOD, v: 2 },
      { ...GOOD, v: '1' },
      { ...GOOD, log: 'has space' },
      { ...GOOD, log: '' },
      { ...GOOD, log: 7 },
      { ...GOOD, prev: 'AB'.repeat(32) },
      { ...GOOD, prev: 'ab' },
      { ...GOOD, prev: null },
      { ...GOOD, time: '2026-02-30T12:00:00.000Z' },
      { ...GOOD, time: '2026-11-26T12:00:00Z' },
      { ...GOOD, time: 0 },
      { ...GOOD, kind: 'nope' },
      { ...GOOD, kind: 'toString' },
      { ...GOOD, kind: 1 },
      { ...GOOD, body: [] },
      { ...GOOD, body: null },
      { ...GOOD, body: 'x' },
      { ...GOOD, body: {} },
      { ...GOOD, extra: 1 },
      JSON.parse(`{"__proto__":{},${JSON.stringify(GOOD).slice(1)}`),
      Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== 'body')),
      Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== 'v')),
      [GOOD],
      null,
      'record',
      5,
      undefined,
    ];
    for (const c of cases) expect(isRecordValue(c), JSON.stringify(c)).toBe(reference(c));
    expect(isRecordValue(GOOD)).toBe(true);
    for (const kind of RECORD_KINDS) expect(isRecordValue({ ...GOOD, kind })).toBe(true);
    // Outside JSON's values, a member inherited from a prototype: zod reads it, the hand check
    // does not; parseRecord never shows either one such a value (it canonicalizes objects first,
    // which refuses non-plain objects), and refuses it.
    const inherited = Object.assign(
      Object.create({ body: {} }) as object,
      Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== 'body')),
    );
    expect(isRecordValue(inherited)).toBe(false);
    expect(() => parseRecord(inherited)).toThrow(expect.objectContaining({ code: 'QT_RECORD_INVALID' }));
  });

  it('accepts exactly what the schema accepts, on random and mutated records (property)', () => {
    const member = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(1, 0, -0, 5, Number.MAX_SAFE_INTEGER, 2 ** 53, 1.5, -1, '1', ''),
      fc.constantFrom(...RECORD_KINDS, 'Decision', 'anchor '),
      fc.constantFrom(ZERO, 'ab'.repeat(32), 'AB'.repeat(32), `${ZERO}0`),
      fc.constantFrom('2026-11-26T12:00:00.000Z', '1969-12-31T23:59:59.999Z', '2024-02-29T23:59:59.999Z'),
      fc.constantFrom('qtrust.local/x', 'a+b', 'x'.repeat(256), {}, [], null),
    );
    const keys = fc.constantFrom('v', 'log', 'seq', 'prev', 'time', 'kind', 'body', 'extra', '__proto__');
    const mutated = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(keys, fc.option(member)), { maxLength: 3 }))
      .map(([zeroSeq, edits]) => {
        const o = jsonClone(zeroSeq ? { ...GOOD, seq: 0, prev: ZERO } : GOOD) as Record<string, unknown>;
        for (const [k, v] of edits) {
          if (v === null) delete o[k];
          else
            Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        return o;
      });
    fc.assert(
      fc.property(mutated, (o) => {
        expect(isRecordValue(o)).toBe(reference(o));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        expect(isRecordValue(v)).toBe(reference(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseRecord still names the fault the hand check refused', () => {
    expect(() => parseRecord({ ...GOOD, kind: 'nope' })).toThrow(
      expect.objectContaining({ code: 'QT_RECORD_INVALID', path: '$.kind' }),
    );
    expect(() => parseRecord({ ...GOOD, prev: ZERO })).toThrow(
      expect.objectContaining({ code: 'QT_RECORD_INVALID', path: '$.prev' }),
    );
  });
});

describe('isRecordTime', () => {
  it('agrees with parseRecordTime on edges of every field', () => {
    const texts: unknown[] = [
      '2026-11-26T12:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
      '2024-02-29T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '2026-01-01T23:59:59.999z',
      '2026-01-01t23:59:59.999Z',
      '2026-01-01T23:59:59.99Z',
      ' 2026-01-01T23:59:59.999Z',
      '2026-01-01T23:59:59.999Z\n',
      '+02026-01-01T23:59:59.999Z',
      '',
      null,
      1_700_000_000_000,
    ];
    for (const t of texts) expect(isRecordTime(t), String(t)).toBe(timeOk(t));
  });

  it('accepts exactly what parseRecordTime accepts (property)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.integer({ min: 1960, max: 9999 }),
        two(14),
        two(33),
        two(25),
        two(61),
        two(61),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`,
      );
    // Runs of one day first (the cache of the last valid day), then random days.
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (list) => {
        for (const t of list) expect(isRecordTime(t), t).toBe(timeOk(t));
        const day = list[0]?.slice(0, 11) ?? '';
        for (const t of list) {
          const same = day + t.slice(11);
          expect(isRecordTime(same), same).toBe(timeOk(same));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
