/**
 * The anchors stage inside the pure pipeline: the trust file's per-log anchor section
 * (`$.logs[i].anchor`), the stage's "not checked" reasons, what the checker is given (every
 * accepted checkpoint, with checkpointHash of its text), and how its answer (or its exception)
 * lands in the report. The chain side is test/integration/anchor/verify-cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ANCHOR_VERIFY_CODES, verifyAnchorObservations } from '../../../src-shared/anchor/verify.js';
import type { AnchorCheckpoint, SourceObservation } from '../../../src-shared/anchor/verify.js';
import { anchorCommitmentHex } from '../../../src-shared/anchor/commitment.js';
import { bytesToHex, toBase64url, utf8ToBytes } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { checkpointHash, parseCheckpoint } from '../../../src-shared/checkpoint/index.js';
import { parseCheckpointLine } from '../../../src-shared/bundle/index.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import {
  VERIFY_CODES,
  parseTrust,
  stageOf,
  verifyBundle,
  type AnchorChecker,
  type TrustRoots,
  type VerifyReport,
} from '../../../src-shared/verify/index.js';
import { ALICE, LOG, PRODUCER, build, fileLines, keyJson, type Built } from './builder.js';

const SALT = new Uint8Array(32).fill(7);
const CONTRACT = `0x${'c0'.repeat(20)}` as const;
const PUBLISHER = `0x${'5a'.repeat(20)}` as const;

function anchorJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: 31337,
    contract: CONTRACT,
    publishers: [PUBLISHER],
    salt: toBase64url(SALT),
    origin: LOG,
    ...over,
  };
}

function trustText(anchor: unknown, extraLog?: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    logs: [
      { origin: LOG, producerKeys: [keyJson(PRODUCER)], ...(anchor === undefined ? {} : { anchor }) },
      ...(extraLog === undefined ? [] : [extraLog]),
    ],
    approvers: [{ id: 'alice', keys: [keyJson(ALICE)] }],
  });
}

function trustError(text: string): { code: string; path?: string; message: string } {
  try {
    parseTrust(text);
  } catch (e) {
    return e as { code: string; path?: string; message: string };
  }
  throw new Error('parseTrust accepted it');
}

function runWith(b: Built, trust: TrustRoots, anchors?: AnchorChecker): Promise<VerifyReport> {
  return verifyBundle(
    {
      manifest: utf8ToBytes(canonicalize(b.manifest)),
      checkpoints: fileLines(b.checkpoints),
      records: fileLines(b.records),
    },
    { trust, hashes: nobleHashes, backend: {}, ...(anchors === undefined ? {} : { anchors }) },
  );
}

const stage = (r: VerifyReport) => r.stages.find((s) => s.stage === 'anchors');

/** What the chain would answer if every checkpoint was anchored right, `depth` blocks deep. */
function source(
  checkpoints: readonly AnchorCheckpoint[],
  depth: number,
  label = 'rpc #1',
): SourceObservation {
  return {
    label,
    chainId: 31337,
    head: 100,
    finalized: null,
    logs: checkpoints.map((c, i) => ({
      address: CONTRACT,
      commitment: anchorCommitmentHex(SALT, LOG, c.treeSize),
      publisher: PUBLISHER,
      root: `0x${bytesToHex(c.rootHash)}`,
      treeSize: c.treeSize,
      checkpointHash: `0x${bytesToHex(c.checkpointHash)}`,
      blockNumber: 101 - depth,
      blockHash: `0x${'bb'.repeat(32)}`,
      txHash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
      logIndex: 0,
    })),
  };
}

describe('trust file: the per-log anchor section', () => {
  it('is parsed, normalized and keyed by the log origin; absent means no entry', () => {
    const t = parseTrust(trustText(anchorJson({ contract: CONTRACT.toUpperCase().replace('0X', '0x') })));
    const a = t.anchors?.get(LOG);
    expect(a).toMatchObject({
      chainId: 31337,
      contract: CONTRACT,
      origin: LOG,
      fromBlock: 0,
      confirmations: 12,
    });
    expect(a?.salt).toEqual(SALT);
    expect(parseTrust(trustText(undefined)).anchors?.size).toBe(0);
  });

  it('names the JSON path of every fault, as QT_TRUST_INVALID', () => {
    const cases: [unknown, string][] = [
      [null, '$.logs[0].anchor'],
      ['0x00', '$.logs[0].anchor'],
      [[anchorJson()], '$.logs[0].anchor'],
      [anchorJson({ extra: 1 }), '$.logs[0].anchor'],
      [anchorJson({ salt: toBase64url(new Uint8Array(31)) }), '$.logs[0].anchor.salt'],
      [anchorJson({ salt: `${toBase64url(SALT)}=` }), '$.logs[0].anchor.salt'],
      [anchorJson({ chainId: '31337' }), '$.logs[0].anchor.chainId'],
      [anchorJson({ chainId: 0 }), '$.logs[0].anchor.chainId'],
      [anchorJson({ contract: '0x1234' }), '$.logs[0].anchor.contract'],
      [anchorJson({ publishers: [] }), '$.logs[0].anchor.publishers'],
      [
        anchorJson({ publishers: [PUBLISHER, PUBLISHER.toUpperCase().replace('0X', '0x')] }),
        '$.logs[0].anchor.publishers',
      ],
      [anchorJson({ confirmations: 0 }), '$.logs[0].anchor.confirmations'],
      [anchorJson({ fromBlock: -1 }), '$.logs[0].anchor.fromBlock'],
      [anchorJson({ origin: 'qtrust.test/another' }), '$.logs[0].anchor.origin'],
    ];
    for (const [anchor, path] of cases) {
      const e = trustError(trustText(anchor));
      expect(e.code, JSON.stringify(anchor)).toBe('QT_TRUST_INVALID');
      expect(e.path?.startsWith(path), `${e.path} for ${JSON.stringify(anchor)}`).toBe(true);
    }
    // The second log's section is named by its own index.
    const second = trustError(
      trustText(undefined, {
        origin: 'qtrust.test/second',
        producerKeys: [keyJson(PRODUCER)],
        anchor: anchorJson({ origin: 'qtrust.test/second', salt: 'short' }),
      }),
    );
    expect(second.path).toBe('$.logs[1].anchor.salt');
  });
});

describe('report: the anchors stage', () => {
  it('has the anchor codes, in its own stage', () => {
    expect(VERIFY_CODES.anchors).toEqual(ANCHOR_VERIFY_CODES);
    for (const c of ANCHOR_VERIFY_CODES) expect(stageOf(c)).toBe('anchors');
  });
});

describe('pipeline: the anchors stage', () => {
  const b = build({ n: 12 }); // checkpoints at 4, 8 and 12
  const trust = parseTrust(trustText(anchorJson()));

  it('without a checker: not checked, said plainly in the stage and in cannotProve', async () => {
    const r = await runWith(b, trust);
    expect(r.ok).toBe(true);
    expect(stage(r)).toEqual({
      stage: 'anchors',
      status: 'not-checked',
      checked: 0,
      failures: 0,
      note: 'anchors were not checked: no RPC URL was given (--rpc)',
    });
    expect(r.cannotProve).toContain(
      'that the checkpoints were anchored on a chain: anchors were not checked: no RPC URL was given (--rpc)',
    );
    expect(r.anchors).toBeUndefined();
  });

  it('with a checker but no anchor section for the log: not checked, and the checker is never called', async () => {
    let called = false;
    const r = await runWith(b, parseTrust(trustText(undefined)), async () => {
      called = true;
      throw new Error('must not be called');
    });
    expect(called).toBe(false);
    expect(r.ok).toBe(true);
    expect(stage(r)?.status).toBe('not-checked');
    expect(stage(r)?.note).toBe(
      'anchors were not checked: the trust file has no anchor section for this log',
    );
  });

  it('gives the checker every accepted checkpoint with checkpointHash of its text, and reports a pass', async () => {
    let seen: readonly AnchorCheckpoint[] = [];
    const r = await runWith(b, trust, async ({ log, trust: t, checkpoints }) => {
      expect(log).toBe(LOG);
      expect(t.contract).toBe(CONTRACT);
      seen = checkpoints;
      return verifyAnchorObservations({ checkpoints, trust: t, sources: [source(checkpoints, 20)], log });
    });
    expect(seen.map((c) => c.treeSize)).toEqual([4, 8, 12]);
    b.checkpoints.forEach((line, i) => {
      const text = parseCheckpointLine(utf8ToBytes(line)).text;
      expect(seen[i]?.checkpointHash).toEqual(checkpointHash(text));
      expect(seen[i]?.rootHash).toEqual(parseCheckpoint(text).body.rootHash);
    });
    expect(r.ok).toBe(true);
    expect(stage(r)).toMatchObject({ status: 'passed', checked: 3, failures: 0 });
    expect(stage(r)?.note).toContain('3 of 3 anchor(s) final');
    expect(r.anchors?.map((a) => a.status)).toEqual(['final', 'final', 'final']);
    expect(r.cannotProve.join(' ')).not.toContain('anchored');
  });

  it('not final and missing anchors fail the bundle, each named by tree size', async () => {
    const r = await runWith(b, trust, async ({ log, trust: t, checkpoints }) => {
      const s = source(checkpoints, 3);
      // The anchor of size 8 is missing altogether.
      const logs = s.logs.filter((l) => l.treeSize !== 8);
      return verifyAnchorObservations({ checkpoints, trust: t, sources: [{ ...s, logs }], log });
    });
    expect(r.ok).toBe(false);
    expect(stage(r)).toMatchObject({ status: 'failed', checked: 3, failures: 3 });
    expect(r.failures.map((f) => [f.stage, f.code, f.treeSize, f.log, f.seq])).toEqual([
      ['anchors', 'QT_VERIFY_ANCHOR_NOT_FINAL', 4, LOG, null],
      ['anchors', 'QT_VERIFY_ANCHOR_MISSING', 8, LOG, null],
      ['anchors', 'QT_VERIFY_ANCHOR_NOT_FINAL', 12, LOG, null],
    ]);
  });

  it('a checker that throws is a QT_VERIFY_ANCHOR_RPC failure, not a crash', async () => {
    const r = await runWith(b, trust, async () => {
      throw new Error('socket hang up');
    });
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => [f.code, f.message])).toEqual([
      ['QT_VERIFY_ANCHOR_RPC', 'the anchors could not be checked: socket hang up'],
    ]);
    expect(stage(r)?.status).toBe('failed');
  });

  it('a "not checked" answer from the checker is kept as such, with its reason', async () => {
    const r = await runWith(b, trust, async () => ({
      stage: {
        stage: 'anchors',
        status: 'not-checked',
        checked: 0,
        failures: 0,
        note: 'anchors were not checked: x',
      },
      failures: [],
      anchors: [],
    }));
    expect(r.ok).toBe(true);
    expect(stage(r)).toMatchObject({ status: 'not-checked', note: 'anchors were not checked: x' });
    expect(r.cannotProve).toContain(
      'that the checkpoints were anchored on a chain: anchors were not checked: x',
    );
  });

  it('a checker that throws something other than an Error is still a QT_VERIFY_ANCHOR_RPC failure', async () => {
    const r = await runWith(b, trust, async () => {
      throw 'connection refused';
    });
    expect(r.failures.map((f) => [f.code, f.message])).toEqual([
      ['QT_VERIFY_ANCHOR_RPC', 'the anchors could not be checked: connection refused'],
    ]);
  });

  it('a failure that names no tree size (a chain-wide fault) is reported without one', async () => {
    const r = await runWith(b, trust, async ({ log }) => ({
      stage: { stage: 'anchors', status: 'failed', checked: 0, failures: 1 },
      failures: [
        {
          stage: 'anchors',
          code: 'QT_VERIFY_ANCHOR_CHAIN_ID',
          log,
          seq: null,
          message: 'the chain id is 1, not 31337',
        },
      ],
      anchors: [],
    }));
    expect(r.ok).toBe(false);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ stage: 'anchors', code: 'QT_VERIFY_ANCHOR_CHAIN_ID', seq: null });
    expect(r.failures[0]).not.toHaveProperty('treeSize');
  });

  it('a "not checked" answer without a reason gets the plain default reason', async () => {
    const r = await runWith(b, trust, async () => ({
      stage: { stage: 'anchors', status: 'not-checked', checked: 0, failures: 0 },
      failures: [],
      anchors: [],
    }));
    expect(r.ok).toBe(true);
    expect(stage(r)?.status).toBe('not-checked');
    expect(stage(r)?.note).toMatch(/^anchors were not checked/);
  });

  it('a bundle without a usable checkpoint: anchors not checked, the checker never called', async () => {
    const r = await runWith({ ...b, checkpoints: [] }, trust, async () => {
      throw new Error('must not be called');
    });
    expect(stage(r)).toMatchObject({
      status: 'not-checked',
      note: 'anchors were not checked: the bundle holds no usable checkpoint',
    });
  });
});
