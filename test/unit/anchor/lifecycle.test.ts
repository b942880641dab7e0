import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../src-shared/anchor/backoff.js';
import {
  advance,
  confirmationsOf,
  isFinal,
  newEntry,
  submitted,
  type AnchorEntry,
  type Hex,
} from '../../../src-shared/anchor/lifecycle.js';

const h = (c: string) => `0x${c.repeat(64)}` as Hex;
const base = newEntry({ checkpointHash: h('a'), root: h('b'), treeSize: 10, commitment: h('c') }).entry;
const rule = { confirmations: 3 };
const B1 = { number: 100, hash: h('1') };
const B1b = { number: 100, hash: h('2') };

function sent(): AnchorEntry {
  return submitted(base, { hash: h('d'), nonce: 4, atBlock: 99 }).entry;
}
function included(): AnchorEntry {
  return advance(sent(), { head: 100, finalized: null, receipt: { status: 'success', block: B1 } }, rule)
    .entry;
}

describe('anchor lifecycle (pure)', () => {
  it('new entries are queued and want a submission', () => {
    const s = newEntry({ checkpointHash: h('a'), root: h('b'), treeSize: 10, commitment: h('c') });
    expect(s.entry.state).toBe('queued');
    expect(s.transitions.map((t) => t.event)).toEqual(['queued']);
    expect(s.action.type).toBe('submit');
    expect(() => newEntry({ checkpointHash: h('a'), root: h('b'), treeSize: 0, commitment: h('c') })).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
  });

  it('queued -> submitted -> included -> final, with N confirmations', () => {
    const s1 = submitted(base, { hash: h('d'), nonce: 4, atBlock: 99 });
    expect(s1.entry).toMatchObject({ state: 'submitted', attempts: 1, tx: { nonce: 4 } });
    expect(
      advance(s1.entry, { head: 99, finalized: null, receipt: null, txKnown: true }, rule).transitions,
    ).toEqual([]);
    const s2 = advance(
      s1.entry,
      { head: 100, finalized: null, receipt: { status: 'success', block: B1 } },
      rule,
    );
    expect(s2.entry.state).toBe('included');
    expect(s2.transitions.map((t) => t.event)).toEqual(['included']);
    const s3 = advance(s2.entry, { head: 101, finalized: null, canonicalHash: B1.hash }, rule);
    expect(s3.entry.state).toBe('included');
    const s4 = advance(s2.entry, { head: 102, finalized: null, canonicalHash: B1.hash }, rule);
    expect(s4.entry.state).toBe('final');
    expect(s4.entry.wasFinal).toBe(true);
    expect(s4.action.type).toBe('done');
  });

  it('the stricter of confirmations and the finalized block wins', () => {
    expect(isFinal(100, 200, 99, 3)).toBe(false);
    expect(isFinal(100, 200, 100, 3)).toBe(true);
    expect(isFinal(100, 101, 150, 3)).toBe(false);
    expect(isFinal(100, 102, null, 3)).toBe(true);
    expect(isFinal(100, 99, null, 1)).toBe(false);
    expect(confirmationsOf(100, 100)).toBe(1);
    expect(confirmationsOf(100, 99)).toBe(0);
    const s = advance(included(), { head: 500, finalized: 99, canonicalHash: B1.hash }, rule);
    expect(s.entry.state).toBe('included');
  });

  it('a reorg of an included anchor re-queues it (reorged), without an incident', () => {
    const s = advance(included(), { head: 101, finalized: null, canonicalHash: B1b.hash }, rule);
    expect(s.entry).toMatchObject({ state: 'queued', reorgs: 1 });
    expect(s.entry.tx).toBeUndefined();
    expect(s.entry.block).toBeUndefined();
    expect(s.transitions).toEqual([
      expect.objectContaining({ event: 'reorged', from: 'included', block: B1 }),
    ]);
    expect(s.transitions[0]?.incident).toBeUndefined();
    expect(s.action.type).toBe('submit');
    // A block that no longer exists at all (the chain got shorter) is a reorg too.
    expect(advance(included(), { head: 99, finalized: null, canonicalHash: null }, rule).entry.state).toBe(
      'queued',
    );
  });

  it('a reorg of a final anchor is an incident; finding it again on the new branch re-includes it', () => {
    const fin = advance(included(), { head: 110, finalized: null, canonicalHash: B1.hash }, rule).entry;
    const s = advance(fin, { head: 111, finalized: null, canonicalHash: B1b.hash }, rule);
    expect(s.transitions[0]).toMatchObject({ event: 'reorged', incident: true, from: 'final' });
    const again = advance(
      fin,
      {
        head: 106,
        finalized: null,
        canonicalHash: B1b.hash,
        existing: { txHash: h('d'), block: { number: 105, hash: h('5') } },
      },
      rule,
    );
    expect(again.transitions.map((t) => t.event)).toEqual(['reorged', 'included']);
    expect(again.entry).toMatchObject({ state: 'included', block: { number: 105 }, reorgs: 1 });
  });

  it('adopts an anchor already on chain instead of submitting again', () => {
    const s = advance(base, { head: 120, finalized: null, existing: { txHash: h('e'), block: B1 } }, rule);
    expect(s.entry.state).toBe('final');
    expect(s.entry.tx).toEqual({ hash: h('e'), nonce: null, atBlock: 100 });
    expect(s.transitions.map((t) => t.event)).toEqual(['included', 'final']);
  });

  it('re-queues a reverted or long-unseen transaction, but waits for a pending one', () => {
    expect(
      advance(sent(), { head: 100, finalized: null, receipt: { status: 'reverted', block: B1 } }, rule).entry
        .state,
    ).toBe('queued');
    expect(
      advance(sent(), { head: 200, finalized: null, receipt: null, txKnown: true }, rule).entry.state,
    ).toBe('submitted');
    expect(
      advance(sent(), { head: 110, finalized: null, receipt: null, txKnown: false }, rule).entry.state,
    ).toBe('submitted');
    expect(
      advance(sent(), { head: 131, finalized: null, receipt: null, txKnown: false }, rule).entry.state,
    ).toBe('queued');
    // A revert because someone else (or an earlier attempt) anchored it: the existing event wins.
    const s = advance(
      sent(),
      {
        head: 100,
        finalized: null,
        receipt: { status: 'reverted', block: B1 },
        existing: { txHash: h('f'), block: B1 },
      },
      rule,
    );
    expect(s.entry.state).toBe('included');
  });

  it('refuses to submit twice and bad observations', () => {
    expect(() => submitted(sent(), { hash: h('d'), nonce: 1, atBlock: 1 })).toThrow(
      expect.objectContaining({ code: 'QT_ANCHOR_STATE' }),
    );
    expect(() => advance(base, { head: -1, finalized: null }, rule)).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
    expect(() => advance(base, { head: 1.5, finalized: null }, rule)).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
    expect(() => advance(base, { head: 1, finalized: null }, { confirmations: 0 })).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
  });
});

describe('backoff', () => {
  it('grows exponentially, stays within [cap/2, cap] and never exceeds max', () => {
    const p = { baseMs: 100, maxMs: 5000 };
    expect(backoffMs(0, 0, p)).toBe(50);
    expect(backoffMs(0, 0.999, p)).toBeLessThanOrEqual(100);
    expect(backoffMs(3, 0, p)).toBe(400);
    expect(backoffMs(3, 0.5, p)).toBe(600);
    for (const a of [10, 100, 10_000]) {
      expect(backoffMs(a, 0.999999, p)).toBeLessThanOrEqual(5000);
      expect(backoffMs(a, 0, p)).toBe(2500);
    }
  });

  it('refuses bad randomness and policies', () => {
    for (const r of [1, -0.1, Number.NaN, '0.5']) {
      expect(() => backoffMs(0, r as number)).toThrow(expect.objectContaining({ code: 'QT_RANGE' }));
    }
    expect(() => backoffMs(-1, 0)).toThrow(expect.objectContaining({ code: 'QT_RANGE' }));
    expect(() => backoffMs(0, 0, { baseMs: 100, maxMs: 50 })).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
  });
});
