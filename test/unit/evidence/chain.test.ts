import { describe, expect, it } from 'vitest';
import { ChainVerifier } from '../../../src-shared/evidence/chain.js';
import { ZERO_HASH, createRecord, type SealedRecord } from '../../../src-shared/evidence/record.js';

const LOG = 'qtrust.local/t/log';

function chain(n: number, log = LOG): SealedRecord[] {
  const out: SealedRecord[] = [];
  let prev = ZERO_HASH;
  for (let seq = 0; seq < n; seq++) {
    const r = createRecord({
      log,
      seq,
      prev,
      time: 1_700_000_000_000 + seq,
      kind: 'decision',
      body: { seq },
    });
    out.push(r);
    prev = r.hash;
  }
  return out;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('ChainVerifier', () => {
  it('verifies a chain in order and tracks its head', () => {
    const rs = chain(20);
    const v = new ChainVerifier();
    expect(v.state).toBe('ready');
    for (const r of rs) expect(v.push(r.bytes).hash).toEqual(r.hash);
    expect(v.state).toBe('running');
    expect(v.count).toBe(20);
    expect(v.head).toEqual({ log: LOG, seq: 19, hash: rs[19]?.hash });
  });

  it('resumes after a trusted head', () => {
    const rs = chain(10);
    const r4 = rs[4] as SealedRecord;
    const v = new ChainVerifier({ after: { log: LOG, seq: 4, hash: r4.hash } });
    for (const r of rs.slice(5)) v.push(r.bytes);
    expect(v.count).toBe(5);
    expect(code(() => new ChainVerifier({ log: 'x', after: { log: LOG, seq: 4, hash: r4.hash } }))).toBe(
      'QT_RANGE',
    );
    expect(code(() => new ChainVerifier({ log: 'has space' }))).toBe('QT_RECORD_INVALID');
  });

  it('fails on a gap, a reorder, a tampered record or another log, then stays failed', () => {
    const rs = chain(6);
    const gap = new ChainVerifier();
    gap.push(rs[0]?.bytes);
    gap.push(rs[1]?.bytes);
    expect(code(() => gap.push(rs[3]?.bytes))).toBe('QT_CHAIN_BROKEN');
    expect(gap.state).toBe('failed');
    expect(gap.failure?.message).toMatch(/seq 3/);
    expect(code(() => gap.push(rs[2]?.bytes))).toBe('QT_CHAIN_FAILED');

    const tampered = new ChainVerifier();
    tampered.push(rs[0]?.bytes);
    const text = new TextDecoder().decode(rs[1]?.bytes).replace('"seq":1}', '"seq":2}');
    tampered.push(text); // body changed: record 1 itself parses, its hash changes
    expect(code(() => tampered.push(rs[2]?.bytes))).toBe('QT_CHAIN_BROKEN');

    const mixed = new ChainVerifier({ log: LOG });
    expect(code(() => mixed.push(chain(1, 'other.log')[0]?.bytes))).toBe('QT_CHAIN_BROKEN');

    const garbage = new ChainVerifier();
    expect(code(() => garbage.push('not json'))).toBe('QT_RECORD_INVALID');
    expect(garbage.state).toBe('failed');
  });
});
