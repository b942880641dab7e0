import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { TAGS, hashTagged } from '../../../src-shared/hash.js';
import {
  RECORD_KINDS,
  ZERO_HASH,
  createRecord,
  encodeRecord,
  formatRecordTime,
  parseRecord,
  parseRecordTime,
  recordBytes,
  recordHash,
  verifyChainLink,
  type CreateRecordInput,
} from '../../../src-shared/evidence/record.js';

const T0 = Date.UTC(2026, 10, 26, 13, 0, 0, 123);
const base: CreateRecordInput = {
  log: 'qtrust.local/acme/desktop-1',
  seq: 0,
  prev: ZERO_HASH,
  time: T0,
  kind: 'decision',
  body: { action: 'deploy', allow: true, n: 3 },
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

function pathOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { path?: string }).path;
  }
  return undefined;
}

describe('createRecord', () => {
  it('produces the documented canonical bytes and the tagged hash', () => {
    const sealed = createRecord(base);
    const text =
      '{"body":{"action":"deploy","allow":true,"n":3},"kind":"decision","log":"qtrust.local/acme/desktop-1",' +
      `"prev":"${'0'.repeat(64)}","seq":0,"time":"2026-11-26T13:00:00.123Z","v":1}`;
    expect(new TextDecoder().decode(sealed.bytes)).toBe(text);
    expect(bytesToHex(sealed.hash)).toBe(bytesToHex(hashTagged(TAGS.evidence, utf8ToBytes(text))));
    expect(recordHash(sealed.record)).toEqual(sealed.hash);
    expect(recordHash(sealed.bytes)).toEqual(sealed.hash);
    expect(recordBytes(sealed.record)).toEqual(sealed.bytes);
    expect(encodeRecord(base)).toEqual({ bytes: sealed.bytes, hash: sealed.hash });
  });

  it('copies the body: later changes to the input reach neither the record nor its bytes', () => {
    const body: Record<string, unknown> = { a: 1 };
    const sealed = createRecord({ ...base, body });
    body.a = 2;
    expect(sealed.record.body).toEqual({ a: 1 });
    expect(parseRecord(sealed.bytes).hash).toEqual(sealed.hash);
  });

  it('refuses hostile inputs with codes and paths', () => {
    expect(code(() => createRecord(null as never))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, log: 'has space' }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, log: 'a+b' }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, log: '' }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, log: 7 as never }))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, seq: -1 }))).toBe('QT_RANGE');
    expect(code(() => createRecord({ ...base, seq: 1.5 }))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, prev: new Uint8Array(31) }))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, prev: [...ZERO_HASH] as never }))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, prev: new Uint8Array(32).fill(1) }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, seq: 1, prev: ZERO_HASH }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, time: -1 }))).toBe('QT_RANGE');
    expect(code(() => createRecord({ ...base, time: 1e20 }))).toBe('QT_TYPE');
    expect(code(() => createRecord({ ...base, kind: 'nope' as never }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, body: [] }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, body: new Map() }))).toBe('QT_RECORD_INVALID');
    expect(code(() => createRecord({ ...base, body: { x: undefined } }))).toBe('QT_RECORD_INVALID');
    expect(pathOf(() => createRecord({ ...base, body: { x: [1, NaN] } }))).toBe('$.body.x[1]');
    expect(code(() => createRecord({ ...base, body: { big: 'x'.repeat(1 << 20) } }))).toBe(
      'QT_RECORD_INVALID',
    );
  });
});

describe('record time', () => {
  it('round-trips the profile and refuses other forms', () => {
    expect(formatRecordTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(parseRecordTime('2026-11-26T13:00:00.123Z')).toBe(T0);
    for (const bad of [
      '2026-11-26T13:00:00Z',
      '2026-11-26T13:00:00.1234Z',
      '2026-11-26t13:00:00.123Z',
      '2026-11-26T13:00:00.123+00:00',
      '2026-02-30T13:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      7,
    ]) {
      expect(code(() => parseRecordTime(bad))).toBe('QT_RECORD_INVALID');
    }
  });
});

describe('parseRecord', () => {
  const sealed = createRecord(base);
  const text = new TextDecoder().decode(sealed.bytes);

  it('accepts canonical bytes, text and values, with the same hash', () => {
    expect(parseRecord(sealed.bytes).hash).toEqual(sealed.hash);
    expect(parseRecord(text).hash).toEqual(sealed.hash);
    expect(parseRecord(JSON.parse(text)).hash).toEqual(sealed.hash);
  });

  it('refuses non-canonical text (whitespace, key order, escapes)', () => {
    expect(code(() => parseRecord(JSON.stringify(JSON.parse(text), null, 1)))).toBe('QT_RECORD_INVALID');
    const reordered = JSON.stringify({ v: 1, ...JSON.parse(text) });
    expect(code(() => parseRecord(reordered))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(text.replace('deploy', 'd\\u0065ploy')))).toBe('QT_RECORD_INVALID');
  });

  const tamper = (f: (o: Record<string, unknown>) => void): Record<string, unknown> => {
    const o = JSON.parse(text) as Record<string, unknown>;
    f(o);
    return o;
  };
  const cases: [string, (o: Record<string, unknown>) => void, string][] = [
    ['extra member', (o) => (o.extra = 1), '$'],
    ['missing body', (o) => delete o.body, '$.body'],
    ['version 2', (o) => (o.v = 2), '$.v'],
    ['seq string', (o) => (o.seq = '0'), '$.seq'],
    ['seq negative', (o) => (o.seq = -1), '$.seq'],
    ['seq fraction', (o) => (o.seq = 0.5), '$.seq'],
    ['prev upper hex', (o) => (o.prev = 'A'.repeat(64)), '$.prev'],
    ['prev short', (o) => (o.prev = '0'.repeat(62)), '$.prev'],
    ['prev zero after 0', (o) => (o.seq = 5), '$.prev'],
    ['prev nonzero at 0', (o) => (o.prev = '1'.repeat(64)), '$.prev'],
    ['time seconds only', (o) => (o.time = '2026-11-26T13:00:00Z'), '$.time'],
    ['time number', (o) => (o.time = T0), '$.time'],
    ['unknown kind', (o) => (o.kind = 'Decision'), '$.kind'],
    ['body array', (o) => (o.body = []), '$.body'],
    ['body null', (o) => (o.body = null), '$.body'],
    ['log with space', (o) => (o.log = 'a b'), '$.log'],
  ];
  for (const [name, f, path] of cases) {
    it(`refuses ${name} (${path})`, () => {
      const bad = tamper(f);
      expect(code(() => parseRecord(bad))).toBe('QT_RECORD_INVALID');
      expect(pathOf(() => parseRecord(bad))).toBe(path);
      expect(code(() => parseRecord(canonicalize(bad)))).toBe('QT_RECORD_INVALID');
    });
  }

  it('refuses malformed JSON, bad UTF-8, duplicate keys, look-alikes and oversize input', () => {
    expect(code(() => parseRecord('{"v":1'))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(text.replace('{"body"', '{"v":1,"body"')))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(new Map()))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(Object.create({ v: 1 }) as unknown))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(undefined))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(new Uint8Array((1 << 20) + 1)))).toBe('QT_RECORD_INVALID');
    expect(code(() => parseRecord(' '.repeat((1 << 20) + 1)))).toBe('QT_RECORD_INVALID');
  });

  it('round-trips arbitrary bodies (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>).filter((b) => {
          try {
            canonicalize(b);
            return true;
          } catch {
            return false;
          }
        }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom(...RECORD_KINDS),
        (body, seq, kind) => {
          const prev = seq === 0 ? ZERO_HASH : new Uint8Array(32).fill(7);
          const s = createRecord({
            ...base,
            seq,
            prev,
            kind,
            body: JSON.parse(JSON.stringify(body)) as unknown,
          });
          const p = parseRecord(s.bytes);
          expect(p.hash).toEqual(s.hash);
          expect(p.record).toEqual(s.record);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('verifyChainLink', () => {
  const r0 = createRecord(base);
  const r1 = createRecord({ ...base, seq: 1, prev: r0.hash, kind: 'approval' });
  const head0 = { log: base.log, seq: 0, hash: r0.hash };

  it('accepts a genesis record and a correct link', () => {
    expect(() => verifyChainLink(null, r0.record)).not.toThrow();
    expect(() => verifyChainLink(head0, r1.record)).not.toThrow();
  });

  it('names the seq and field of a broken link', () => {
    expect(code(() => verifyChainLink(null, r1.record))).toBe('QT_CHAIN_BROKEN');
    expect(pathOf(() => verifyChainLink(null, r1.record))).toBe('$.seq');
    expect(pathOf(() => verifyChainLink({ ...head0, hash: new Uint8Array(32).fill(9) }, r1.record))).toBe(
      '$.prev',
    );
    expect(pathOf(() => verifyChainLink({ ...head0, seq: 1 }, r1.record))).toBe('$.seq');
    expect(pathOf(() => verifyChainLink({ ...head0, log: 'other' }, r1.record))).toBe('$.log');
    expect(() => verifyChainLink(head0, r0.record)).toThrow(/seq 0/);
    const genesisBadPrev = { ...r0.record, prev: '1'.repeat(64) };
    expect(pathOf(() => verifyChainLink(null, genesisBadPrev))).toBe('$.prev');
  });
});
