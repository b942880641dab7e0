/**
 * The store's lean append path (src-main/evidence/hashes.ts sealRecordText, multi-row inserts):
 * the same bytes, record hashes and leaf hashes as the shared record module computes, and batches
 * of every shape (below, at and above the multi-row group size) stored in order and verifiable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRecord,
  canonicalRecordText,
  MAX_RECORD_BYTES,
  ZERO_HASH,
} from '../../../src-shared/evidence/record.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import { leafHash } from '../../../src-shared/merkle/hash.js';
import { sealRecordText } from '../../../src-main/evidence/hashes.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { testSigners } from './producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'qtrust-append-path-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ORIGIN = 'qtrust.local/test/append-path';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('sealRecordText', () => {
  const inputs = [
    { log: ORIGIN, seq: 0, prev: ZERO_HASH, time: T0, kind: 'decision' as const, body: { a: 1 } },
    {
      log: ORIGIN,
      seq: 7,
      prev: new Uint8Array(32).fill(9),
      time: T0 + 5,
      kind: 'approval' as const,
      body: { who: 'Zoë 🙂 \u2028', n: [1, 2.5, -0], s: 'x'.repeat(5000) },
    },
  ];
  for (const [i, input] of inputs.entries()) {
    it(`equals createRecord and the RFC 9162 leaf hash (case ${i}), with node and noble hashes`, () => {
      const expected = createRecord(input);
      for (const hashes of [undefined, nobleHashes]) {
        const sealed = sealRecordText(canonicalRecordText(input), hashes);
        expect(sealed.bytes).toEqual(expected.bytes);
        expect(sealed.hash).toEqual(expected.hash);
        expect(sealed.leaf).toEqual(leafHash(expected.bytes));
      }
    });
  }

  it('refuses an encoding over MAX_RECORD_BYTES, counting UTF-8 bytes, not characters', () => {
    expect(() => sealRecordText('é'.repeat(MAX_RECORD_BYTES / 2 + 1))).toThrow(
      expect.objectContaining({ code: 'QT_RECORD_INVALID' }),
    );
    expect(sealRecordText('é'.repeat(MAX_RECORD_BYTES / 2)).bytes).toHaveLength(MAX_RECORD_BYTES);
  });
  it('keeps every sealed buffer intact while later records are carved from the same and new slabs', () => {
    // 1 MiB slabs: 3,000 records of ~1 KB cross at least two slab boundaries; a 300 KB text takes
    // the separate-buffer path. Each sealed record must still equal a fresh encoding afterwards.
    const texts = Array.from({ length: 3000 }, (_, i) =>
      canonicalRecordText({
        ...inputs[0]!,
        seq: i + 1,
        prev: new Uint8Array(32).fill(1),
        body: { i, pad: 'x'.repeat(900 + (i % 7)) },
      }),
    );
    texts.splice(1500, 0, canonicalRecordText({ ...inputs[0]!, body: { big: 'é'.repeat(150_000) } }));
    const sealed = texts.map((t) => sealRecordText(t));
    for (const [i, t] of texts.entries()) {
      const fresh = sealRecordText(t, nobleHashes);
      expect(sealed[i]!.bytes).toEqual(new TextEncoder().encode(t));
      expect(sealed[i]!.hash).toEqual(fresh.hash);
      expect(sealed[i]!.leaf).toEqual(fresh.leaf);
    }
  });
});

describe('EvidenceLog batches of every shape', () => {
  it('stores 1, 63, 64, 65 and 200 records per batch in order, verifiably', async () => {
    const path = join(tmp, 'batches.db');
    let now = T0;
    const log = EvidenceLog.open(path, {
      origin: ORIGIN,
      signers: testSigners(1),
      clock: () => (now += 3),
      timer: false,
      checkpointEvery: 100,
    });
    let seq = 0;
    try {
      for (const size of [1, 63, 64, 65, 200]) {
        const results = await Promise.all(
          Array.from({ length: size }, () => log.append('decision', { n: seq++, pad: 'p'.repeat(seq % 50) })),
        );
        expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => seq - size + i));
      }
      expect(log.size).toBe(seq);
      log.verifyAll();
      let prev = ZERO_HASH;
      for (const r of log.records()) {
        const again = createRecord({
          log: ORIGIN,
          seq: r.seq,
          prev,
          time: Date.parse(r.record.time),
          kind: r.record.kind,
          body: r.record.body,
        });
        expect(r.bytes).toEqual(again.bytes);
        expect(r.hash).toEqual(again.hash);
        expect(log.leafHash(r.seq)).toEqual(leafHash(again.bytes));
        prev = r.hash;
      }
    } finally {
      await log.close();
    }
    // Reopening re-verifies the tail against the stored columns.
    const reopened = EvidenceLog.open(path, { origin: ORIGIN, signers: testSigners(1), timer: false });
    expect(reopened.size).toBe(seq);
    await reopened.close();
  });
});
