/**
 * The verifier's fast paths give the strict paths' verdicts: a record line read natively
 * (canonical-text.ts, isRecordValue) is checked exactly as the full parse (parseRecordLine, then
 * parseRecord) would check it, on valid, damaged and randomly mutated lines; embedded envelopes are
 * read once and verified under key sets checked once; checkpoint signatures checked later than
 * their lines are read still fail exactly where they should.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToUtf8, fromBase64url, utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { APPROVAL_PAYLOAD_TYPE } from '../../../src-shared/approvals/approve.js';
import { parseRecordLine, type RawLine } from '../../../src-shared/bundle/index.js';
import { parseRecord } from '../../../src-shared/evidence/record.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import { leafHash } from '../../../src-shared/merkle/index.js';
import { signEnvelope, type PublicKeyEntry } from '../../../src-shared/sign/index.js';
import {
  CheckpointChain,
  ReportBuilder,
  checkRecordLine,
  parseTrust,
  verifyBundle,
  type CheckpointChainOptions,
  type LineContext,
} from '../../../src-shared/verify/index.js';
import {
  ALICE,
  LOG,
  PRODUCER,
  approval,
  build,
  codes,
  edKey,
  fileLines,
  keyJson,
  run,
  trustFor,
} from './builder.js';

const CTX: LineContext = {
  log: LOG,
  partial: false,
  head: null,
  trust: { approvers: new Map(), signers: new Map() },
};

const raw = (bytes: Uint8Array, number = 1): RawLine => ({ number, bytes, complete: true, tooLong: false });

/** What the full parse makes of a line: the failure code, or the record's seq, prev, hash and leaf. */
function reference(bytes: Uint8Array): unknown {
  let line;
  try {
    line = parseRecordLine(bytes);
  } catch {
    return 'QT_VERIFY_LINE';
  }
  let sealed;
  try {
    sealed = parseRecord(line.record, nobleHashes);
  } catch {
    return 'QT_VERIFY_RECORD';
  }
  if (sealed.record.seq !== line.seq) return 'QT_VERIFY_LINE';
  return { seq: line.seq, prev: sealed.record.prev, hash: sealed.hash, leaf: leafHash(sealed.bytes) };
}

function actual(bytes: Uint8Array): unknown {
  const r = checkRecordLine(raw(bytes), CTX, nobleHashes, {});
  if (r.record === undefined) return r.failures[0]?.code;
  const { seq, prev, hash, leaf } = r.record;
  return { seq, prev, hash, leaf };
}

describe('record lines: the fast path has the full parse verdict', () => {
  const lines = [
    ...build().records,
    ...build({ scope: { type: 'range', from: 2, to: 7 } }).records,
    ...build({ n: 4, record: (i) => ({ kind: 'approval', body: { approval: approval(i) } }) }).records,
  ];

  it('on valid lines, and on lines whose record the fast path declines but the strict path accepts', () => {
    for (const l of lines) expect(actual(utf8ToBytes(l))).toStrictEqual(reference(utf8ToBytes(l)));
    // Integer-like keys (engines enumerate them first) and a backslash before "ud": canonical,
    // declined natively, read strictly.
    const b = build({
      n: 4,
      sizes: [4],
      record: (i) => ({ kind: 'decision', body: { 10: i, 9: 'x', path: 'C:\\udir' } }),
    });
    for (const l of b.records) {
      const r = actual(utf8ToBytes(l));
      expect(r).toStrictEqual(reference(utf8ToBytes(l)));
      expect(typeof r).toBe('object');
    }
  });

  it('on randomly mutated lines (property)', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...lines), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(2))
      .map(([line, at, byte, op]) => {
        const b = utf8ToBytes(line);
        const i = at % b.length;
        if (op === 0) b[i] = byte;
        if (op === 1) return new Uint8Array([...b.subarray(0, i), byte, ...b.subarray(i)]);
        if (op === 2) return new Uint8Array([...b.subarray(0, i), ...b.subarray(i + 1)]);
        return b;
      });
    fc.assert(
      fc.property(mutated, (bytes) => {
        expect(actual(bytes)).toStrictEqual(reference(bytes));
      }),
      { numRuns: 4000 },
    );
  });

  it('on lines whose record members are replaced by random JSON (property)', () => {
    const member = fc.constantFrom('v', 'log', 'seq', 'prev', 'time', 'kind', 'body', 'extra');
    const edited = fc
      .tuple(fc.constantFrom(...lines), member, fc.option(fc.jsonValue({ maxDepth: 3 })))
      .map(([line, key, value]) => {
        const o = JSON.parse(line) as { record: Record<string, unknown> };
        if (value === null) delete o.record[key];
        else o.record[key] = value;
        try {
          return utf8ToBytes(canonicalize(o));
        } catch {
          return utf8ToBytes(JSON.stringify(o));
        }
      });
    fc.assert(
      fc.property(edited, (bytes) => {
        expect(actual(bytes)).toStrictEqual(reference(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('embedded envelopes read once, key sets checked once', () => {
  const payloadOf = (env: unknown): Record<string, unknown> =>
    JSON.parse(bytesToUtf8(fromBase64url((env as { payload: string }).payload))) as Record<string, unknown>;

  it('an approval payload the native reading declines is read strictly: verified, or refused', async () => {
    const payload = payloadOf(approval(1));
    // Canonical, but holds a backslash before "ud": declined natively, accepted strictly.
    const odd = 'C:\\udo';
    const declined = signEnvelope(
      APPROVAL_PAYLOAD_TYPE,
      utf8ToBytes(canonicalize({ ...payload, approver: odd })),
      [ALICE],
    );
    // Not canonical (a space): refused.
    const spaced = signEnvelope(
      APPROVAL_PAYLOAD_TYPE,
      utf8ToBytes(canonicalize(payload).replace('"approver":', '"approver": ')),
      [ALICE],
    );
    const trust = parseTrust(
      JSON.stringify({
        version: 1,
        logs: [{ origin: LOG, producerKeys: [keyJson(PRODUCER)] }],
        approvers: [
          { id: 'alice', keys: [keyJson(ALICE)] },
          { id: odd, keys: [keyJson(ALICE)] },
        ],
      }),
    );
    const b = build({
      record: (i) =>
        i === 2
          ? { kind: 'approval', body: { approval: declined } }
          : i === 5
            ? { kind: 'approval', body: { approval: spaced } }
            : { kind: 'decision', body: { n: i } },
    });
    const r = await run(b, { trust });
    expect(codes(r)).toEqual([['QT_VERIFY_EMBEDDED_FORMAT', 5]]);
    expect(r.failures[0]?.message).toContain('not canonical JSON');
    expect(r.stages.find((s) => s.stage === 'embedded-signatures')?.checked).toBe(2);
  });

  it('pinned key sets that no envelope can verify under: malformed, or not a list', async () => {
    const b = build({
      record: (i) =>
        i === 3 || i === 4
          ? { kind: 'approval', body: { approval: approval(i) } }
          : { kind: 'decision', body: {} },
    });
    const wrongId: PublicKeyEntry = { ...ALICE, keyid: edKey(12).keyid };
    for (const keys of [[wrongId], 'not a list', [ALICE, ALICE]]) {
      const trust = { ...trustFor(), approvers: new Map([['alice', keys as readonly PublicKeyEntry[]]]) };
      // Twice over the same set object: the cached verdict is the first one's.
      expect(codes(await run(b, { trust }))).toEqual([
        ['QT_VERIFY_EMBEDDED_SIGNATURE', 3],
        ['QT_VERIFY_EMBEDDED_SIGNATURE', 4],
      ]);
    }
    const good = { ...trustFor(), approvers: new Map([['alice', [ALICE] as readonly PublicKeyEntry[]]]) };
    expect((await run(b, { trust: good })).ok).toBe(true);
  });

  it('a pinned key set changed in place after a run is checked again, never trusted stale', async () => {
    const b = build({
      record: (i) =>
        i === 3 ? { kind: 'approval', body: { approval: approval(i) } } : { kind: 'decision', body: {} },
    });
    const set: PublicKeyEntry[] = [ALICE];
    const trust = { ...trustFor(), approvers: new Map([['alice', set as readonly PublicKeyEntry[]]]) };
    expect((await run(b, { trust })).ok).toBe(true);
    // A second required key: the envelope lacks its signature.
    set.push(edKey(12));
    expect(codes(await run(b, { trust }))).toEqual([['QT_VERIFY_EMBEDDED_SIGNATURE', 3]]);
    // The same length, another key: still checked again.
    set[1] = { ...edKey(13) };
    expect(codes(await run(b, { trust }))).toEqual([['QT_VERIFY_EMBEDDED_SIGNATURE', 3]]);
    set.pop();
    expect((await run(b, { trust })).ok).toBe(true);
  });
});

/** A checkpoint chain of LOG with its pinned producer keys, reporting to `report`. */
function chainOf(report: ReportBuilder, extra: Partial<CheckpointChainOptions> = {}): CheckpointChain {
  return new CheckpointChain({
    log: LOG,
    keys: trustFor().logs.get(LOG) ?? [],
    report,
    hashes: nobleHashes,
    backend: {},
    ...extra,
  });
}

describe('checkpoint signatures verified after their lines are read', () => {
  it('accepts by consistency at once and reports a bad signature when verified', () => {
    const mallory = edKey(66);
    const b = build({ signers: (size) => (size === 8 ? [mallory] : [PRODUCER]) });
    const report = new ReportBuilder();
    const chain = chainOf(report);
    b.checkpoints.forEach((l, i) => chain.push(raw(utf8ToBytes(l), i + 1)));
    expect(chain.accepted.map((c) => c.treeSize)).toEqual([4, 8, 12]);
    expect(chain.pendingSignatures).toBe(3);
    expect(report.failed('checkpoint-signatures')).toBe(false);
    chain.verifySignatures(1);
    expect(chain.pendingSignatures).toBe(2);
    expect(report.failed('checkpoint-signatures')).toBe(false);
    chain.verifySignatures();
    expect(chain.pendingSignatures).toBe(0);
    chain.verifySignatures();
    const r = report.build({ scope: null, head: null, records: 0, checkpoints: 3, cannotProve: [] });
    expect(codes(r)).toEqual([['QT_VERIFY_CHECKPOINT_SIGNATURE', null, 8]]);
    expect(r.failures[0]?.line).toBe(2);
  });

  it('bounds the checkpoints waiting for their signature checks, verifying the oldest as more are read', () => {
    const mallory = edKey(66);
    const b = build({ signers: (size) => (size === 4 ? [mallory] : [PRODUCER]) });
    const report = new ReportBuilder();
    const chain = chainOf(report, { maxPendingSignatures: 1 });
    chain.push(raw(utf8ToBytes(b.checkpoints[0]!), 1));
    expect(chain.pendingSignatures).toBe(1);
    expect(report.failed('checkpoint-signatures')).toBe(false);
    // The second line pushes the first (signed by a key the trust file does not pin) out to be verified.
    chain.push(raw(utf8ToBytes(b.checkpoints[1]!), 2));
    expect(chain.pendingSignatures).toBe(1);
    expect(report.failed('checkpoint-signatures')).toBe(true);
    chain.push(raw(utf8ToBytes(b.checkpoints[2]!), 3));
    expect(chain.pendingSignatures).toBe(1);
    chain.verifySignatures();
    const r = report.build({ scope: null, head: null, records: 0, checkpoints: 3, cannotProve: [] });
    expect(codes(r)).toEqual([['QT_VERIFY_CHECKPOINT_SIGNATURE', null, 4]]);
  });

  it('a bundle without records.jsonl still has every checkpoint signature checked', async () => {
    const b = build({ signers: (size) => (size === 4 ? [edKey(66)] : [PRODUCER]) });
    const r = await verifyBundle(
      {
        manifest: utf8ToBytes(canonicalize(b.manifest)),
        checkpoints: fileLines(b.checkpoints),
        records: null,
      },
      { trust: trustFor(), hashes: nobleHashes, backend: {} },
    );
    expect(codes(r)).toEqual([
      ['QT_VERIFY_FILE_MISSING', null],
      ['QT_VERIFY_CHECKPOINT_SIGNATURE', null, 4],
    ]);
  });
});
