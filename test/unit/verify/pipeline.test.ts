/**
 * The pure pipeline (src-shared/verify) driven through every branch with small bundles built in
 * memory: each damage below is the input that reaches one check, and each test asserts the exact
 * code, stage, seq (or checkpoint tree size) and line the report names.
 */
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { parseManifest, parseRecordLine, splitRecordLine } from '../../../src-shared/bundle/index.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import { inThreadChecker } from '../../../src-shared/verify/pipeline.js';
import {
  ReportBuilder,
  keyValidAt,
  parseTrust,
  type VerifyFailure,
  type VerifyReport,
} from '../../../src-shared/verify/index.js';
import { LOG, PRODUCER, approval, build, codes, edKey, edit, keyJson, run, trustFor } from './builder.js';

const NEW = edKey(2);
const MALLORY = edKey(66);
const LONG = 'x'.repeat(1_200_000);

function only(r: VerifyReport): Omit<VerifyFailure, 'message' | 'log'> {
  expect(r.ok).toBe(false);
  expect(r.failures).toHaveLength(1);
  const { message: _m, log: _l, ...rest } = r.failures[0] as VerifyFailure;
  return rest;
}

function stage(r: VerifyReport, id: string): { status: string; checked: number } {
  const s = r.stages.find((x) => x.stage === id);
  if (s === undefined) throw new Error(id);
  return { status: s.status, checked: s.checked };
}

describe('undamaged bundles built in memory', () => {
  it('full, range from 0, and subject bundles verify in this thread (the default checker)', async () => {
    const full = await run(build());
    expect(full.failures).toEqual([]);
    expect(full.ok).toBe(true);
    expect(full.head).toMatchObject({ treeSize: 12, time: '2026-11-26T12:00:12.000Z' });
    expect(stage(full, 'merkle-inclusion')).toEqual({ status: 'passed', checked: 12 });
    expect(stage(full, 'checkpoint-consistency')).toEqual({ status: 'passed', checked: 3 });
    const range = await run(build({ scope: { type: 'range', from: 0, to: 5 } }));
    expect(range.ok).toBe(true);
    // From seq 0 there is no earlier record whose link the bundle cannot show.
    expect(range.cannotProve.join(' ')).not.toContain('links to record');
    const subject = await run(build({ scope: { type: 'subject', subject: 'b' } }), { batchSize: 2 });
    expect(subject.ok).toBe(true);
    expect(subject.records).toBe(6);
  });

  it('checkpoints without a time verify, and the head has no time', async () => {
    const r = await run(build({ time: false }));
    expect(r.ok).toBe(true);
    expect(r.head).not.toHaveProperty('time');
  });

  it('records about a subject through the `subjects` list', async () => {
    const b = build({
      scope: { type: 'subject', subject: 'x' },
      record: (i) => ({ kind: 'decision', body: i % 3 === 0 ? { subjects: ['w', 'x'] } : { subject: 'y' } }),
    });
    const r = await run(b);
    expect(r.ok).toBe(true);
    expect(r.records).toBe(4);
  });
});

describe('checkpoints.jsonl', () => {
  it('a line longer than any checkpoint can be', async () => {
    const b = build();
    b.checkpoints.push(LONG);
    b.manifest.checkpoints = 4;
    expect(only(await run(b))).toEqual({
      stage: 'format',
      code: 'QT_VERIFY_LINE',
      seq: null,
      file: 'checkpoints.jsonl',
      line: 4,
    });
  });

  it('a file cut short in its last line: the head is the checkpoint before', async () => {
    const b = build();
    const r = await run(b, { checkpointsCut: true });
    expect(r.failures[0]).toMatchObject({
      stage: 'format',
      code: 'QT_VERIFY_TRUNCATED',
      seq: null,
      file: 'checkpoints.jsonl',
      line: 3,
    });
    expect(codes(r).slice(1)).toEqual([
      ['QT_VERIFY_NOT_COVERED', 8],
      ['QT_VERIFY_NOT_COVERED', 9],
      ['QT_VERIFY_NOT_COVERED', 10],
      ['QT_VERIFY_NOT_COVERED', 11],
      ['QT_VERIFY_HEAD', null, 8],
    ]);
  });

  it('a line that is not JSON, and one whose note is malformed', async () => {
    for (const bad of ['{', edit(build().checkpoints[2] as string, (o) => void (o.text = 'no note'))]) {
      const b = build();
      b.checkpoints.push(bad);
      b.manifest.checkpoints = 4;
      expect(only(await run(b))).toEqual({
        stage: 'format',
        code: 'QT_VERIFY_CHECKPOINT_FORMAT',
        seq: null,
        file: 'checkpoints.jsonl',
        line: 4,
      });
    }
  });

  it('more or fewer lines than the manifest promises', async () => {
    const b = build();
    b.manifest.checkpoints = 4;
    expect(only(await run(b))).toEqual({
      stage: 'format',
      code: 'QT_VERIFY_TRUNCATED',
      seq: null,
      file: 'checkpoints.jsonl',
    });
    b.manifest.checkpoints = 2;
    expect(only(await run(b))).toEqual({
      stage: 'format',
      code: 'QT_VERIFY_COUNT',
      seq: null,
      file: 'checkpoints.jsonl',
    });
  });

  it('a key rotation: each checkpoint signed by exactly the keys valid for it', async () => {
    const b = build({ signers: (size) => (size <= 8 ? [PRODUCER] : [NEW]) });
    const trust = trustFor([keyJson(PRODUCER, { maxTreeSize: 8 }), keyJson(NEW, { minTreeSize: 9 })]);
    const r = await run(b, { trust });
    expect(r.failures).toEqual([]);
    // The new key must not sign before its range, the old one not after it.
    const early = await run(build({ signers: () => [PRODUCER, NEW] }), { trust });
    expect(codes(early)).toEqual([
      ['QT_VERIFY_KEY_OUT_OF_RANGE', null, 4],
      ['QT_VERIFY_KEY_OUT_OF_RANGE', null, 8],
      ['QT_VERIFY_KEY_OUT_OF_RANGE', null, 12],
    ]);
    expect(early.failures[0]?.message).toContain(`signed by ${NEW.keyid}`);
    expect(early.failures[0]?.message).toContain('at 2026-11-26T12:00:04.000Z');
  });

  it('a key out of range on a checkpoint without a time, leaving no valid key', async () => {
    const b = build({ time: false });
    const r = await run(b, { trust: trustFor([keyJson(PRODUCER, { maxTreeSize: 8 })]) });
    expect(codes(r)).toEqual([
      ['QT_VERIFY_KEY_OUT_OF_RANGE', null, 12],
      ['QT_VERIFY_NO_TRUSTED_KEY', null, 12],
    ]);
    expect(r.failures[0]?.message).toMatch(/tree size 12$/);
  });

  it('a key bounded in time cannot vouch for a checkpoint without a time', async () => {
    const trust = trustFor([keyJson(PRODUCER, { notBefore: '2026-01-01T00:00:00Z' })]);
    expect((await run(build(), { trust })).ok).toBe(true);
    const r = await run(build({ time: false }), { trust });
    expect(codes(r).map((c) => c[0])).toEqual([
      'QT_VERIFY_KEY_OUT_OF_RANGE',
      'QT_VERIFY_NO_TRUSTED_KEY',
      'QT_VERIFY_KEY_OUT_OF_RANGE',
      'QT_VERIFY_NO_TRUSTED_KEY',
      'QT_VERIFY_KEY_OUT_OF_RANGE',
      'QT_VERIFY_NO_TRUSTED_KEY',
    ]);
  });

  it('the first checkpoint links to one the bundle does not carry (prev, or a consistency proof)', async () => {
    const b = build();
    b.checkpoints.shift();
    b.manifest.checkpoints = 2;
    expect(only(await run(b))).toEqual({
      stage: 'checkpoint-consistency',
      code: 'QT_VERIFY_CHECKPOINT_LINK',
      seq: null,
      treeSize: 8,
      file: 'checkpoints.jsonl',
      line: 1,
    });
    const c = build();
    c.checkpoints[0] = edit(c.checkpoints[0] as string, (o) => void (o.consistency = ['00'.repeat(32)]));
    expect(only(await run(c))).toMatchObject({ code: 'QT_VERIFY_CHECKPOINT_LINK', treeSize: 4, line: 1 });
  });

  it('a later checkpoint without prev breaks the links on both sides', async () => {
    const b = build();
    const proof = (JSON.parse(b.checkpoints[1] as string) as { consistency: string[] }).consistency;
    b.checkpoints[1] = edit(
      build({ sizes: [8] }).checkpoints[0] as string,
      (o) => void (o.consistency = proof),
    );
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_CHECKPOINT_LINK', null, 8],
      ['QT_VERIFY_CHECKPOINT_LINK', null, 12],
    ]);
  });

  it('no usable checkpoint at all: the records are read but nothing covers them', async () => {
    const b = build();
    b.checkpoints = ['{', '{', '{'];
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_CHECKPOINT_FORMAT', null],
      ['QT_VERIFY_CHECKPOINT_FORMAT', null],
      ['QT_VERIFY_CHECKPOINT_FORMAT', null],
      ['QT_VERIFY_NOT_COVERED', null],
      ['QT_VERIFY_NO_CHECKPOINT', null],
    ]);
    expect(r.records).toBe(12);
    expect(stage(r, 'record-hashes')).toEqual({ status: 'passed', checked: 12 });
    expect(stage(r, 'merkle-inclusion')).toEqual({ status: 'failed', checked: 0 });
  });
});

describe('records.jsonl', () => {
  it('a line longer than any record can be: format at its seq, and the tree no longer matches', async () => {
    const b = build();
    b.records[5] = LONG;
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_LINE', 5],
      ['QT_VERIFY_ROOT', 7],
    ]);
    expect(r.failures[0]).toMatchObject({ stage: 'format', file: 'records.jsonl', line: 6 });
    // The record after an unreadable one is not judged on its link.
    expect(stage(r, 'chain-links')).toEqual({ status: 'passed', checked: 11 });
  });

  it('an unreadable line of a range bundle: format at the seq expected there, and nothing else', async () => {
    const b = build({ scope: { type: 'range', from: 4, to: 8 } });
    b.records[1] = '{';
    const r = await run(b);
    expect(codes(r)).toEqual([['QT_VERIFY_LINE', 5]]);
    expect(r.failures[0]).toMatchObject({ file: 'records.jsonl', line: 2 });
  });

  it('a record line cut short at the end of the file', async () => {
    const r = await run(build(), { recordsCut: true });
    expect(codes(r)).toEqual([
      ['QT_VERIFY_TRUNCATED', 11],
      ['QT_VERIFY_ROOT', 11],
    ]);
  });

  it('a line whose seq differs from its record: reported at the seq expected there', async () => {
    const b = build();
    b.records[5] = edit(b.records[5] as string, (o) => void (o.seq = 6));
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_LINE', 5],
      ['QT_VERIFY_ROOT', 7],
    ]);
    expect(r.failures[0]?.message).toBe('the line says seq 6 but holds record 5');
  });

  it('a record that is not a valid record', async () => {
    const b = build();
    b.records[3] = edit(b.records[3] as string, (o) => void ((o.record as Record<string, unknown>).v = 2));
    expect(codes(await run(b))).toEqual([
      ['QT_VERIFY_RECORD', 3],
      ['QT_VERIFY_ROOT', 3],
    ]);
  });

  it('a full bundle line carrying an inclusion proof; a partial one lacking it', async () => {
    const b = build();
    b.records[2] = edit(b.records[2] as string, (o) => void (o.inclusion = []));
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_SCOPE', 2],
      ['QT_VERIFY_INCLUSION', 2],
    ]);
    expect(r.failures[0]?.message).toBe('a line of a full bundle carries an inclusion proof');
    const p = build({ scope: { type: 'range', from: 4, to: 8 } });
    p.records[1] = edit(p.records[1] as string, (o) => void delete o.inclusion);
    const q = await run(p);
    expect(codes(q)).toEqual([['QT_VERIFY_SCOPE', 5]]);
    expect(q.failures[0]?.message).toBe('a line of a partial bundle lacks its inclusion proof');
  });

  it('a partial bundle holding a record beyond its head and its range', async () => {
    const all = build({ scope: { type: 'range', from: 0, to: 12 } });
    const b = build({ scope: { type: 'range', from: 4, to: 8 }, sizes: [4, 8] });
    b.records.push(all.records[8] as string);
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_SCOPE', 8],
      ['QT_VERIFY_COUNT', null],
      ['QT_VERIFY_NOT_COVERED', 8],
    ]);
    expect(r.failures[0]?.message).toBe("seq 8 is outside the bundle's range [4, 8)");
  });

  it('two missing records are one gap naming both', async () => {
    const b = build();
    b.records.splice(5, 2);
    const r = await run(b);
    expect(codes(r)[0]).toEqual(['QT_VERIFY_CHAIN_GAP', 5]);
    expect(r.failures[0]?.message).toBe('records 5 to 6 are missing before seq 7');
  });

  it('a full bundle whose head was removed, with its records: fewer lines than promised', async () => {
    const b = build();
    b.checkpoints.pop();
    b.records.splice(8);
    b.manifest.checkpoints = 2;
    const r = await run(b);
    expect(codes(r)).toEqual([
      ['QT_VERIFY_TRUNCATED', null],
      ['QT_VERIFY_HEAD', null, 8],
    ]);
    expect(r.failures[0]?.message).toBe('records.jsonl has 8 lines, but the manifest promises 12 records');
  });

  it('a subject bundle with fewer or more lines than promised', async () => {
    const b = build({ scope: { type: 'subject', subject: 'a' } });
    b.manifest.records = 7;
    expect(only(await run(b))).toEqual({
      stage: 'format',
      code: 'QT_VERIFY_TRUNCATED',
      seq: null,
      file: 'records.jsonl',
    });
    b.manifest.records = 5;
    expect(only(await run(b))).toEqual({
      stage: 'format',
      code: 'QT_VERIFY_COUNT',
      seq: null,
      file: 'records.jsonl',
    });
  });
});

describe('embedded signatures', () => {
  const at = (
    kinds: Record<number, { kind: 'approval' | 'grant' | 'decision'; body: Record<string, unknown> }>,
  ) => build({ record: (i) => kinds[i] ?? { kind: 'decision', body: { subject: 'a', n: i } } });

  it('a good approval verifies; an unpinned approver, a forgery, a malformed envelope and a missing one fail', async () => {
    const good = await run(at({ 3: { kind: 'approval', body: { approval: approval(3) } } }));
    expect(good.failures).toEqual([]);
    expect(stage(good, 'embedded-signatures')).toEqual({ status: 'passed', checked: 1 });
    const env = approval(5) as Record<string, unknown>;
    const r = await run(
      at({
        1: { kind: 'approval', body: { approval: approval(1, 'bob') } },
        2: { kind: 'approval', body: { approval: approval(2, 'alice', MALLORY) } },
        4: { kind: 'approval', body: { approval: { ...env, payload: '!' } } },
        6: { kind: 'approval', body: { note: 'no envelope' } },
        7: { kind: 'decision', body: { inner: { payloadType: 'x/y', payload: '', signatures: [] } } },
      }),
    );
    expect(codes(r)).toEqual([
      ['QT_VERIFY_EMBEDDED_UNTRUSTED', 1],
      ['QT_VERIFY_EMBEDDED_SIGNATURE', 2],
      ['QT_VERIFY_EMBEDDED_FORMAT', 4],
      ['QT_VERIFY_EMBEDDED_MISSING', 6],
      ['QT_VERIFY_EMBEDDED_FORMAT', 7],
    ]);
    expect(r.failures[0]?.message).toBe(
      'the trust file pins no keys for approver "bob" (envelope at $.body.approval)',
    );
    expect(r.failures[3]?.message).toBe('a record of kind approval carries no envelope');
  });
});

describe('pipeline plumbing', () => {
  it('a checker that fails rejects the verification (never a partial report)', async () => {
    const b = build();
    const promise = run(b, {
      batchSize: 2,
      maxInFlight: 3,
      checker: () => ({ check: () => Promise.reject(new Error('checker broke')) }),
    });
    await expect(promise).rejects.toThrow('checker broke');
  });

  it('cuts batches by bytes as well as by lines', async () => {
    const b = build();
    const sizes: number[][] = [];
    const report = await run(b, {
      batchSize: 100,
      // Smaller than two records: every batch closes at its second line, whatever batchSize says.
      batchBytes: 2 * Math.min(...b.records.map((r) => utf8ToBytes(r).length)) - 1,
      checker: (ctx) => {
        const inner = inThreadChecker(ctx, nobleHashes, {});
        return {
          check: (lines) => {
            sizes.push(lines.map((l) => l.bytes.length));
            return inner.check(lines);
          },
        };
      },
    });
    expect(report.ok).toBe(true);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.slice(0, -1).every((batch) => batch.length === 2)).toBe(true);
    expect(sizes.flat()).toHaveLength(b.records.length);
  });

  it('the report builder tells whether a stage failed', () => {
    const r = new ReportBuilder();
    expect(r.failed('chain-links')).toBe(false);
    r.fail({ code: 'QT_VERIFY_CHAIN', seq: 3, message: 'x' });
    expect(r.failed('chain-links')).toBe(true);
    expect(r.failed('format')).toBe(false);
  });
});

describe('format details', () => {
  it('a record line error names the JSON path of an array element', () => {
    const line = canonicalize({
      hash: 'ab'.repeat(32),
      inclusion: ['cd'.repeat(32), 'zz'],
      record: {},
      seq: 0,
    });
    expect(() => parseRecordLine(utf8ToBytes(line))).toThrow(
      expect.objectContaining({ code: 'QT_BUNDLE_LINE', path: '$.inclusion[1]' }),
    );
  });

  it('manifest errors name the member path', () => {
    expect(() => parseManifest(utf8ToBytes('[]'))).toThrow(expect.objectContaining({ path: '$' }));
    expect(() =>
      parseManifest(utf8ToBytes(canonicalize({ ...build().manifest, scope: { type: 'x' } }))),
    ).toThrow(expect.objectContaining({ code: 'QT_BUNDLE_MANIFEST', path: '$.scope.type' }));
    expect(() => parseManifest(utf8ToBytes('{"a":'))).toThrow(
      expect.objectContaining({ code: 'QT_BUNDLE_MANIFEST', path: '$.a' }),
    );
  });

  it('trust files: optional members, time bounds, and JSON paths into arrays', () => {
    const t = parseTrust(
      JSON.stringify({
        version: 1,
        logs: [{ origin: LOG, producerKeys: [keyJson(PRODUCER, { notAfter: '2027-01-01T00:00:00Z' })] }],
      }),
    );
    expect(t.approvers.size).toBe(0);
    expect(t.signers.size).toBe(0);
    const k = t.logs.get(LOG)?.[0];
    expect(k).toMatchObject({ notAfter: Date.UTC(2027, 0, 1) });
    expect(k).not.toHaveProperty('notBefore');
    expect(() =>
      parseTrust(JSON.stringify({ version: 1, logs: [{ origin: 'a b', producerKeys: [] }] })),
    ).toThrow(expect.objectContaining({ code: 'QT_TRUST_INVALID', path: '$.logs[0].origin' }));
    expect(() => parseTrust('{"version":1,"logs":[1,]}')).toThrow(
      expect.objectContaining({ code: 'QT_TRUST_INVALID', path: '$.logs[1]' }),
    );
    const from = { ...PRODUCER, minTreeSize: 0, maxTreeSize: 10, notBefore: 5 };
    expect(keyValidAt(from, 1, 6)).toBe(true);
    expect(keyValidAt(from, 1, 4)).toBe(false);
  });
});

describe('the record line fast path (splitRecordLine)', () => {
  const H = 'ab'.repeat(32);
  const P = 'cd'.repeat(32);
  const wrap = (middle: string, tail = ',"seq":5}'): Uint8Array =>
    utf8ToBytes(`{"hash":"${H}",${middle}"record":{"a":1}${tail}`);

  it('cuts every valid line exactly as the full parse reads it', () => {
    const lines = [
      ...build().records,
      ...build({ scope: { type: 'range', from: 3, to: 9 } }).records,
      ...build({ n: 1, sizes: [1], scope: { type: 'range', from: 0, to: 1 } }).records,
    ];
    expect(lines.some((l) => l.includes('"inclusion":[]'))).toBe(true);
    for (const l of lines) {
      const bytes = utf8ToBytes(l);
      const full = parseRecordLine(bytes);
      const parts = splitRecordLine(bytes);
      expect(parts).not.toBeNull();
      expect(parts?.seq).toBe(full.seq);
      expect(parts?.hash).toEqual(full.hash);
      expect(parts?.inclusion).toEqual(full.inclusion);
      expect(new TextDecoder().decode(parts?.recordBytes)).toBe(canonicalize(full.record));
    }
    expect(splitRecordLine(wrap('', ',"seq":0}'))?.seq).toBe(0);
    expect(splitRecordLine(wrap('', ',"seq":9007199254740991}'))?.seq).toBe(Number.MAX_SAFE_INTEGER);
    const many = Array(64).fill(`"${P}"`).join(',');
    expect(splitRecordLine(wrap(`"inclusion":[${many}],`))?.inclusion).toHaveLength(64);
  });

  it('declines anything that is not the canonical framing (the full parse then names the fault)', () => {
    const bad: [string, Uint8Array][] = [
      ['no opening', utf8ToBytes(` {"hash":"${H}","record":{},"seq":5}`)],
      ['short hash', utf8ToBytes('{"hash":"abab')],
      ['uppercase hash', utf8ToBytes(`{"hash":"${'AB'.repeat(32)}","record":{},"seq":5}`)],
      ['bad low nibble', utf8ToBytes(`{"hash":"${'ag'.repeat(32)}","record":{},"seq":5}`)],
      ['bad high nibble', utf8ToBytes(`{"hash":"${'/a'.repeat(32)}","record":{},"seq":5}`)],
      ['hash not closed', utf8ToBytes(`{"hash":"${H}a","record":{},"seq":5}`)],
      ['no comma after hash', utf8ToBytes(`{"hash":"${H}" "record":{},"seq":5}`)],
      ['65 proof hashes', wrap(`"inclusion":[${Array(65).fill(`"${P}"`).join(',')}],`)],
      ['proof element not a string', wrap('"inclusion":[1],')],
      ['proof element not hex', wrap(`"inclusion":["${'zz'.repeat(32)}"],`)],
      ['proof element too long', wrap(`"inclusion":["${P}0"],`)],
      ['proof separator', wrap(`"inclusion":["${P}" "${P}"],`)],
      ['proof not closed', wrap(`"inclusion":["${P}",`)],
      ['no comma after proof', wrap(`"inclusion":[] `)],
      ['members out of order', utf8ToBytes(`{"hash":"${H}","seq":5,"record":{}}`)],
      ['no closing brace', wrap('', ',"seq":5')],
      ['no digits', wrap('', ',"seq":}')],
      ['leading zero', wrap('', ',"seq":05}')],
      ['17 digits', wrap('', ',"seq":12345678901234567}')],
      ['unsafe', wrap('', ',"seq":9007199254740992}')],
      ['negative', wrap('', ',"seq":-5}')],
      ['space before seq', wrap('', ', "seq":5}')],
      ['seq inside the record', utf8ToBytes(`{"hash":"${H}","record":5}`)],
    ];
    for (const [name, bytes] of bad) {
      expect(splitRecordLine(bytes), name).toBeNull();
      expect(() => parseRecordLine(bytes), name).toThrow(expect.objectContaining({ code: 'QT_BUNDLE_LINE' }));
    }
  });

  it('a framed line whose record bytes are not a canonical record gets the full parse verdict', async () => {
    const b = build();
    // Canonical framing, but the record has a space: the fast path declines, the line is refused.
    b.records[4] = (b.records[4] as string).replace('"kind":"decision"', '"kind": "decision"');
    expect(splitRecordLine(utf8ToBytes(b.records[4] as string))).not.toBeNull();
    expect(codes(await run(b))).toEqual([
      ['QT_VERIFY_LINE', 4],
      ['QT_VERIFY_ROOT', 7],
    ]);
  });
});
