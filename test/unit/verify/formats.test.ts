// Hostile inputs for the pure bundle formats and verifier pieces (src-shared/bundle, src-shared/verify).
import { describe, expect, it } from 'vitest';
import { utf8ToBytes, toBase64url } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import {
  formatCheckpointLine,
  formatManifest,
  parseCheckpointLine,
  parseManifest,
  parseRecordLine,
  splitLines,
  type BundleManifest,
  type RawLine,
} from '../../../src-shared/bundle/index.js';
import { getSuite, secretKeyEntry } from '../../../src-shared/sign/index.js';
import {
  MAX_REPORTED_FAILURES,
  ReportBuilder,
  findEnvelopes,
  keyValidAt,
  parseTrust,
  timeMs,
  verifyBundle,
  type TrustRoots,
} from '../../../src-shared/verify/index.js';
import { nobleHashes } from '../../../src-shared/hash.js';

const LOG = 'qtrust.local/acme/desktop-1';
const manifest: BundleManifest = {
  format: 'qtrust.bundle/v1',
  log: LOG,
  scope: { type: 'full' },
  treeSize: 3,
  records: 3,
  checkpoints: 1,
  createdAt: '2026-11-26T12:00:00.000Z',
};
const bytes = (v: unknown): Uint8Array => utf8ToBytes(typeof v === 'string' ? v : JSON.stringify(v));

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

async function* chunked(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield utf8ToBytes(p);
}

async function all(it: AsyncIterable<RawLine>): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('manifest', () => {
  it('round-trips and refuses every inconsistency', () => {
    expect(parseManifest(utf8ToBytes(formatManifest(manifest)))).toEqual(manifest);
    const bad: unknown[] = [
      { ...manifest, extra: 1 },
      { ...manifest, format: 'qtrust.bundle/v2' },
      { ...manifest, log: 'has space' },
      { ...manifest, records: 2 },
      { ...manifest, createdAt: '2026-11-26T12:00:00Z' },
      { ...manifest, scope: { type: 'range', from: 2, to: 2 }, records: 0 },
      { ...manifest, scope: { type: 'range', from: 0, to: 4 }, records: 4 },
      { ...manifest, scope: { type: 'range', from: 0, to: 2 }, records: 1 },
      { ...manifest, scope: { type: 'subject', subject: 's' }, records: 4 },
      { ...manifest, scope: { type: 'subject', subject: '' } },
      { ...manifest, scope: { type: 'other' } },
      { ...manifest, treeSize: -1 },
      [],
    ];
    for (const b of bad)
      expect(
        code(() => parseManifest(bytes(b))),
        JSON.stringify(b),
      ).toBe('QT_BUNDLE_MANIFEST');
    expect(code(() => parseManifest(utf8ToBytes('{"a":1,"a":2}')))).toBe('QT_BUNDLE_MANIFEST');
    expect(code(() => parseManifest(new Uint8Array(70_000).fill(0x20)))).toBe('QT_BUNDLE_MANIFEST');
    expect(code(() => parseManifest(Uint8Array.of(0xff)))).toBe('QT_BUNDLE_MANIFEST');
    expect(code(() => formatManifest({ ...manifest, records: 9 }))).toBe('QT_TYPE');
    const ok = { ...manifest, scope: { type: 'subject', subject: 's' }, records: 0 } as const;
    expect(parseManifest(bytes(ok)).scope).toEqual({ type: 'subject', subject: 's' });
  });
});

describe('lines', () => {
  it('record lines: canonical JSON of the schema only', () => {
    const good = { hash: 'ab'.repeat(32), record: { a: 1 }, seq: 1 };
    expect(parseRecordLine(bytes(canonicalize(good))).seq).toBe(1);
    const withProof = { ...good, inclusion: ['cd'.repeat(32)] };
    expect(parseRecordLine(bytes(canonicalize(withProof))).inclusion?.length).toBe(1);
    for (const b of [
      '{"seq":1}',
      ' {}',
      canonicalize({ ...good, hash: 'AB'.repeat(32) }),
      canonicalize({ ...good, seq: -1 }),
      canonicalize({ ...good, more: 1 }),
      canonicalize({ ...good, inclusion: Array(65).fill('cd'.repeat(32)) }),
      JSON.stringify({ seq: 1, hash: 'ab'.repeat(32), record: {} }),
    ]) {
      expect(
        code(() => parseRecordLine(bytes(b))),
        b.slice(0, 40),
      ).toBe('QT_BUNDLE_LINE');
    }
    expect(code(() => parseRecordLine(Uint8Array.of(0x7b, 0xc0, 0x7d)))).toBe('QT_BUNDLE_LINE');
  });

  it('checkpoint lines', () => {
    const line = formatCheckpointLine('text\n', [new Uint8Array(32)]);
    expect(parseCheckpointLine(line.subarray(0, -1))).toEqual({
      text: 'text\n',
      consistency: [new Uint8Array(32)],
    });
    expect(code(() => parseCheckpointLine(bytes('{"consistency":[],"text":""}')))).toBe('QT_BUNDLE_LINE');
  });
});

describe('splitLines', () => {
  it('frames lines across chunks, flags long and unterminated lines', async () => {
    const lines = await all(splitLines(chunked('ab', 'c\nd', 'e\n\nxxxxxxxx', 'xx\nlast'), 5));
    expect(lines.map((l) => [l.number, new TextDecoder().decode(l.bytes), l.complete, l.tooLong])).toEqual([
      [1, 'abc', true, false],
      [2, 'de', true, false],
      [3, '', true, false],
      [4, '', true, true],
      [5, 'last', false, false],
    ]);
    const long = await all(splitLines(chunked('xxxxxxxxxx'), 5));
    expect(long).toEqual([{ number: 1, bytes: new Uint8Array(0), complete: false, tooLong: true }]);
    expect(await all(splitLines(chunked('', 'a\n'), 5))).toHaveLength(1);
  });
  it('yields a line within one chunk as a view of it, and copies a line that spans chunks', async () => {
    const one = utf8ToBytes('first\nsecond\n');
    const lines = await all(
      splitLines(
        (async function* () {
          yield one;
          yield utf8ToBytes('thi');
          yield utf8ToBytes('rd\n');
        })(),
        64,
      ),
    );
    expect(lines.map((l) => new TextDecoder().decode(l.bytes))).toEqual(['first', 'second', 'third']);
    expect(lines[0]!.bytes.buffer).toBe(one.buffer);
    expect(lines[1]!.bytes.byteOffset).toBe(one.byteOffset + 6);
    expect(lines[2]!.bytes.buffer).not.toBe(one.buffer);
    expect(lines[2]!.bytes.byteLength).toBe(lines[2]!.bytes.buffer.byteLength);
  });
});

describe('trust files', () => {
  const k = secretKeyEntry(getSuite('ed25519').keygen(new Uint8Array(32).fill(1)));
  const key = { suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) };
  const base = { version: 1, logs: [{ origin: LOG, producerKeys: [key] }] };

  it('parses ranges and refuses what cannot be used', () => {
    const t = parseTrust(
      JSON.stringify({
        ...base,
        logs: [
          { origin: LOG, producerKeys: [{ ...key, minTreeSize: 1, notBefore: '2026-01-01T00:00:00.5Z' }] },
        ],
        approvers: [{ id: 'a', keys: [key] }],
        envelopeSigners: [
          { payloadType: 'x/y', keys: [key] },
          { payloadType: 'x/y', keys: [key] },
        ],
      }),
    );
    expect(t.logs.get(LOG)?.[0]).toMatchObject({ minTreeSize: 1, notBefore: Date.UTC(2026, 0, 1) + 500 });
    expect(t.signers.get('x/y')).toHaveLength(2);
    const bad: unknown[] = [
      'not json',
      { ...base, version: 2 },
      { ...base, logs: [] },
      { ...base, logs: [base.logs[0], base.logs[0]] },
      { ...base, logs: [{ origin: LOG, producerKeys: [key, key] }] },
      { ...base, logs: [{ origin: LOG, producerKeys: [{ ...key, keyid: 'ed25519:' + '0'.repeat(32) }] }] },
      { ...base, logs: [{ origin: LOG, producerKeys: [{ ...key, minTreeSize: 5, maxTreeSize: 4 }] }] },
      {
        ...base,
        logs: [
          {
            origin: LOG,
            producerKeys: [{ ...key, notBefore: '2027-01-01T00:00:00Z', notAfter: '2026-01-01T00:00:00Z' }],
          },
        ],
      },
      {
        ...base,
        approvers: [
          { id: 'a', keys: [key] },
          { id: 'a', keys: [key] },
        ],
      },
    ];
    for (const b of bad) {
      expect(
        code(() => parseTrust(typeof b === 'string' ? b : JSON.stringify(b))),
        JSON.stringify(b),
      ).toBe('QT_TRUST_INVALID');
    }
  });

  it('key validity by tree size and time', () => {
    const pk = { ...k, minTreeSize: 10, maxTreeSize: 20 };
    expect(keyValidAt(pk, 9, undefined)).toBe(false);
    expect(keyValidAt(pk, 10, undefined)).toBe(true);
    expect(keyValidAt(pk, 21, undefined)).toBe(false);
    const timed = { ...pk, notAfter: 1000 };
    expect(keyValidAt(timed, 15, undefined)).toBe(false);
    expect(keyValidAt(timed, 15, 1000)).toBe(true);
    expect(keyValidAt(timed, 15, 1001)).toBe(false);
    expect(keyValidAt({ ...pk, notBefore: 5 }, 15, 4)).toBe(false);
    expect(timeMs('1970-01-01T00:00:01Z')).toBe(1000);
    expect(timeMs('1970-01-01T00:00:01.123456Z')).toBe(1123);
  });
});

describe('report and embedded envelopes', () => {
  it('caps failures per stage and counts the rest', () => {
    const r = new ReportBuilder();
    for (let i = 0; i < MAX_REPORTED_FAILURES + 5; i++)
      r.fail({ code: 'QT_VERIFY_CHAIN', seq: i, message: 'x' });
    const built = r.build({ scope: null, head: null, records: 0, checkpoints: 0, cannotProve: [] });
    expect(built.failures).toHaveLength(MAX_REPORTED_FAILURES);
    expect(built.omittedFailures).toBe(5);
    expect(built.ok).toBe(false);
  });

  it('finds envelopes at any depth, and only exact look-alikes', () => {
    const env = { payloadType: 't', payload: '', signatures: [] };
    expect(findEnvelopes({ a: [env], b: { c: env, d: { ...env, x: 1 } } }).map((e) => e.path)).toEqual([
      '$.body.a[0]',
      '$.body.b.c',
    ]);
  });
});

describe('pipeline edge cases', () => {
  const trust: TrustRoots = { logs: new Map(), approvers: new Map(), signers: new Map() };
  const opts = { trust, hashes: nobleHashes, backend: {} };

  it('an unreadable manifest fails format and leaves the other stages not checked', async () => {
    const r = await verifyBundle({ manifest: bytes('{'), checkpoints: null, records: null }, opts);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.code)).toEqual(['QT_VERIFY_MANIFEST']);
    expect(r.stages.slice(1).every((s) => s.status === 'not-checked')).toBe(true);
  });

  it('missing files and no checkpoint', async () => {
    const r = await verifyBundle({ manifest: bytes(manifest), checkpoints: null, records: null }, opts);
    expect(r.failures.map((f) => f.code).sort()).toEqual(
      [
        'QT_VERIFY_FILE_MISSING',
        'QT_VERIFY_FILE_MISSING',
        'QT_VERIFY_NO_CHECKPOINT',
        'QT_VERIFY_NOT_COVERED',
      ].sort(),
    );
  });
});
