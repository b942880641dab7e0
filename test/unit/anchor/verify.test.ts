import { describe, expect, it } from 'vitest';
import { anchorCommitmentHex, hex0x } from '../../../src-shared/anchor/commitment.js';
import type { Hex } from '../../../src-shared/anchor/lifecycle.js';
import { parseAnchorTrust, type AnchorTrust } from '../../../src-shared/anchor/trust.js';
import {
  anchorsNotChecked,
  expectedCommitments,
  verifyAnchorObservations,
  type AnchorCheckpoint,
  type ObservedAnchorLog,
  type SourceObservation,
} from '../../../src-shared/anchor/verify.js';
import { toBase64url } from '../../../src-shared/bytes.js';

const SALT = new Uint8Array(32).fill(3);
const ORIGIN = 'qtrust.test/unit';
const CONTRACT = `0x${'11'.repeat(20)}` as Hex;
const PUB = `0x${'22'.repeat(20)}` as Hex;
const trustJson = {
  chainId: 31337,
  contract: CONTRACT.toUpperCase().replace('0X', '0x'),
  publishers: [PUB],
  salt: toBase64url(SALT),
  origin: ORIGIN,
  confirmations: 3,
};
const trust: AnchorTrust = parseAnchorTrust(trustJson);

const cp = (n: number): AnchorCheckpoint => ({
  treeSize: n,
  rootHash: new Uint8Array(32).fill(n),
  checkpointHash: new Uint8Array(32).fill(100 + n),
});
function event(c: AnchorCheckpoint, over: Partial<ObservedAnchorLog> = {}): ObservedAnchorLog {
  return {
    address: CONTRACT,
    commitment: anchorCommitmentHex(SALT, ORIGIN, c.treeSize),
    publisher: PUB,
    root: hex0x(c.rootHash),
    treeSize: c.treeSize,
    checkpointHash: hex0x(c.checkpointHash),
    blockNumber: 10,
    blockHash: `0x${'ab'.repeat(32)}`,
    txHash: `0x${'cd'.repeat(32)}`,
    logIndex: 0,
    ...over,
  };
}
const source = (logs: ObservedAnchorLog[], over: Partial<SourceObservation> = {}): SourceObservation => ({
  label: 'rpc #1',
  chainId: 31337,
  head: 20,
  finalized: null,
  logs,
  ...over,
});
const codes = (r: ReturnType<typeof verifyAnchorObservations>) => r.failures.map((f) => f.code);

describe('parseAnchorTrust', () => {
  it('normalizes addresses and applies defaults', () => {
    expect(trust.contract).toBe(CONTRACT);
    expect(trust.fromBlock).toBe(0);
    expect(parseAnchorTrust({ ...trustJson, confirmations: undefined }).confirmations).toBe(12);
  });

  it('refuses hostile sections with QT_TRUST_INVALID naming the JSON path', () => {
    const bad: [unknown, string][] = [
      [{ ...trustJson, salt: toBase64url(new Uint8Array(31)) }, '$.anchor.salt'],
      [{ ...trustJson, salt: 'not base64!' }, '$.anchor.salt'],
      [{ ...trustJson, contract: '0x1234' }, '$.anchor.contract'],
      [{ ...trustJson, publishers: [] }, '$.anchor.publishers'],
      [{ ...trustJson, publishers: [PUB, PUB.toUpperCase().replace('0X', '0x')] }, '$.anchor.publishers'],
      [{ ...trustJson, chainId: 0 }, '$.anchor.chainId'],
      [{ ...trustJson, chainId: '1' }, '$.anchor.chainId'],
      [{ ...trustJson, origin: 'has space' }, '$.anchor.origin'],
      [{ ...trustJson, extra: 1 }, '$.anchor'],
      [[], '$.anchor'],
      [null, '$.anchor'],
    ];
    for (const [v, path] of bad) {
      expect(() => parseAnchorTrust(v), path).toThrow(
        expect.objectContaining({ code: 'QT_TRUST_INVALID', path }),
      );
    }
  });
});

describe('verifyAnchorObservations', () => {
  it('passes final anchors and is "not checked" with no source', () => {
    const r = verifyAnchorObservations({
      checkpoints: [cp(1), cp(2)],
      trust,
      sources: [source([event(cp(1)), event(cp(2))])],
    });
    expect(r.stage).toMatchObject({ stage: 'anchors', status: 'passed', checked: 2, failures: 0 });
    expect(r.anchors.map((a) => a.confirmations)).toEqual([11, 11]);
    expect(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [] }).stage.status).toBe(
      'not-checked',
    );
    expect(anchorsNotChecked().stage.note).toMatch(/not checked/);
  });

  it('counts confirmations against the lowest head and the strictest rule', () => {
    const ev = [event(cp(1), { blockNumber: 19 })];
    expect(codes(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [source(ev)] }))).toEqual([
      'QT_VERIFY_ANCHOR_NOT_FINAL',
    ]);
    expect(
      codes(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [source(ev, { head: 30 })] })),
    ).toEqual([]);
    expect(
      codes(
        verifyAnchorObservations({
          checkpoints: [cp(1)],
          trust,
          sources: [source(ev, { head: 30, finalized: 18 })],
        }),
      ),
    ).toEqual(['QT_VERIFY_ANCHOR_NOT_FINAL']);
    // The command line may ask for more than the trust file, never fewer.
    expect(
      codes(
        verifyAnchorObservations({
          checkpoints: [cp(1)],
          trust,
          confirmations: 50,
          sources: [source(ev, { head: 30 })],
        }),
      ),
    ).toEqual(['QT_VERIFY_ANCHOR_NOT_FINAL']);
    expect(
      codes(
        verifyAnchorObservations({
          checkpoints: [cp(1)],
          trust,
          confirmations: 1,
          sources: [source(ev, { head: 20 })],
        }),
      ),
    ).toEqual(['QT_VERIFY_ANCHOR_NOT_FINAL']);
  });

  it('refuses look-alike contracts, unpinned publishers, tampered fields and removed logs', () => {
    const other = `0x${'99'.repeat(20)}` as Hex;
    const cases: [ObservedAnchorLog, string][] = [
      [event(cp(1), { address: other }), 'QT_VERIFY_ANCHOR_WRONG_CONTRACT'],
      [event(cp(1), { publisher: other }), 'QT_VERIFY_ANCHOR_PUBLISHER'],
      [event(cp(1), { root: hex0x(new Uint8Array(32).fill(9)) }), 'QT_VERIFY_ANCHOR_MISMATCH'],
      [event(cp(1), { treeSize: 2 }), 'QT_VERIFY_ANCHOR_MISMATCH'],
      [event(cp(1), { checkpointHash: hex0x(new Uint8Array(32)) }), 'QT_VERIFY_ANCHOR_MISMATCH'],
      [event(cp(1), { removed: true }), 'QT_VERIFY_ANCHOR_MISSING'],
      [
        event(cp(1), { commitment: anchorCommitmentHex(new Uint8Array(32), ORIGIN, 1) }),
        'QT_VERIFY_ANCHOR_MISSING',
      ],
      [event(cp(1), { blockNumber: 21 }), 'QT_VERIFY_ANCHOR_MISSING'],
    ];
    for (const [ev, code] of cases) {
      expect(
        codes(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [source([ev])] })),
        code,
      ).toEqual([code]);
    }
    // A second, conflicting anchor for the same commitment is reported even beside a good one.
    const both = [event(cp(1)), event(cp(1), { root: hex0x(new Uint8Array(32).fill(9)), logIndex: 1 })];
    const r = verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [source(both)] });
    expect(codes(r)).toEqual(['QT_VERIFY_ANCHOR_MISMATCH']);
    expect(r.anchors[0]?.status).toBe('mismatch');
  });

  it('checks chain ids and agreement between sources', () => {
    const ev = [event(cp(1))];
    expect(
      codes(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: [source(ev, { chainId: 1 })] })),
    ).toEqual(['QT_VERIFY_ANCHOR_CHAIN_ID']);
    const two = [
      source(ev),
      source([event(cp(1), { blockHash: `0x${'ef'.repeat(32)}` })], { label: 'rpc #2' }),
    ];
    const r = verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: two });
    expect(codes(r)).toEqual(['QT_VERIFY_ANCHOR_RPC_DISAGREE']);
    expect(r.failures[0]?.message).toContain('rpc #2');
    // Agreement is judged up to the lowest head: an event past it is not a disagreement.
    const later = [
      source(ev, { head: 40 }),
      source([...ev, event(cp(2), { blockNumber: 35 })], { label: 'rpc #2', head: 40 }),
    ];
    expect(codes(verifyAnchorObservations({ checkpoints: [cp(1), cp(2)], trust, sources: later }))).toContain(
      'QT_VERIFY_ANCHOR_RPC_DISAGREE',
    );
    const dead = [source(ev), source([], { label: 'rpc #2', error: 'connection refused' })];
    expect(codes(verifyAnchorObservations({ checkpoints: [cp(1)], trust, sources: dead }))).toEqual([
      'QT_VERIFY_ANCHOR_RPC',
    ]);
  });

  it('only checkpoints that claim an anchor must have one; commitments are deduplicated', () => {
    const r = verifyAnchorObservations({
      checkpoints: [{ ...cp(1), claimsAnchor: false }],
      trust,
      sources: [source([])],
    });
    expect(r.failures).toEqual([]);
    expect(r.anchors[0]?.status).toBe('unclaimed');
    expect(expectedCommitments(trust, [cp(1), cp(1), cp(2), { ...cp(0) }])).toHaveLength(2);
  });
});
