import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorPublisher, type AnchorAlert } from '../../../src-main/anchor/publisher.js';
import { AnchorQueueStore } from '../../../src-main/anchor/queue-store.js';
import { hexToBytes } from '../../../src-shared/bytes.js';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';
import { freePort } from '../../helpers/ports.js';
import { deployAnchor, manualScheduler, memorySink, mine, PUBLISHER, rpc, STRANGER } from './fixture.js';

const SALT = new Uint8Array(32).fill(7);
const ORIGIN = 'qtrust.test/anchor/publisher';
let chain: Anvil;
let contract: Address;
let dir: string;

function checkpoint(n: number) {
  return {
    size: n,
    root: hexToBytes(keccak256(toHex(`root ${n}`)).slice(2)),
    hash: hexToBytes(keccak256(toHex(`checkpoint ${n}`)).slice(2)),
  };
}

beforeAll(async () => {
  chain = await startAnvil();
  contract = await deployAnchor(chain);
  dir = mkdtempSync(join(tmpdir(), 'qt-anchor-'));
});

afterAll(async () => {
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function publisher(file: string, over: Partial<ConstructorParameters<typeof AnchorPublisher>[1]> = {}) {
  const store = AnchorQueueStore.open(join(dir, file));
  const evidence = memorySink();
  const scheduler = manualScheduler();
  const alerts: AnchorAlert[] = [];
  const p = new AnchorPublisher(
    store,
    {
      rpcUrl: chain.url,
      chainId: chain.chainId,
      contract,
      account: PUBLISHER,
      salt: SALT,
      origin: ORIGIN,
      ...over,
    },
    { evidence, scheduler },
  );
  p.on('alert', (a) => alerts.push(a));
  return { p, store, evidence, scheduler, alerts };
}

const events = (ev: ReturnType<typeof memorySink>, hash?: string) =>
  ev.records
    .filter((r) => hash === undefined || r.body.checkpointHash === hash)
    .map((r) => `${r.kind}:${String(r.body.event ?? r.body.type)}`);

describe('AnchorPublisher on anvil', () => {
  it('queues, submits, sees inclusion and counts final only past N confirmations and the finalized block', async () => {
    const { p, store, evidence } = publisher('lifecycle.sqlite');
    expect(await p.enqueue(checkpoint(10))).toBe(true);
    expect(await p.enqueue(checkpoint(10))).toBe(false); // idempotent
    await p.enqueue(checkpoint(20));
    const t1 = await p.tick();
    expect(t1.ok).toBe(true);
    expect(p.entries().map((e) => e.state)).toEqual(['submitted', 'submitted']);
    expect(p.entries().map((e) => e.tx?.nonce)).toEqual([0, 1]);
    await p.tick();
    expect(p.entries().map((e) => e.state)).toEqual(['included', 'included']);
    await mine(chain, 11); // 12 confirmations, but anvil's finalized block trails the head by 64
    await p.tick();
    expect(p.entries().map((e) => e.state)).toEqual(['included', 'included']);
    await mine(chain, 64);
    await p.tick();
    expect(p.entries().map((e) => e.state)).toEqual(['final', 'final']);
    const h = p.entries()[0]?.checkpointHash as string;
    expect(events(evidence, h)).toEqual([
      'anchor:queued',
      'anchor:submitted',
      'anchor:included',
      'anchor:final',
    ]);
    const inc = evidence.records.find((r) => r.body.event === 'included' && r.body.checkpointHash === h);
    expect(inc?.body).toMatchObject({
      chainId: chain.chainId,
      contract: contract.toLowerCase(),
      treeSize: 10,
    });
    expect(typeof inc?.body.blockHash).toBe('string');
    store.close();
  });

  it('re-anchors after a reorg drops the anchor block, recording reorged and a second submitted/included/final', async () => {
    const { p, store, evidence, alerts } = publisher('reorg.sqlite', { confirmations: 3 });
    await p.enqueue(checkpoint(30));
    await p.tick(); // submitted (auto-mined)
    await p.tick(); // included
    const first = p.entries()[0];
    expect(first?.state).toBe('included');
    // Replace the last 2 blocks (the anchor's among them) with empty ones.
    const head = Number(await rpc(chain, 'eth_blockNumber'));
    expect(head - (first?.block?.number ?? 0)).toBeLessThan(2);
    await rpc(chain, 'anvil_reorg', [2, []]);
    await p.tick(); // notices, records reorged, re-submits
    const e = p.entries()[0];
    expect(e?.reorgs).toBe(1);
    expect(e?.state).toBe('submitted');
    await p.tick();
    await mine(chain, 70);
    await p.tick();
    expect(p.entries()[0]?.state).toBe('final');
    expect(p.entries()[0]?.block?.hash).not.toBe(first?.block?.hash);
    expect(events(evidence)).toEqual([
      'anchor:queued',
      'anchor:submitted',
      'anchor:included',
      'anchor:reorged',
      'anchor:submitted',
      'anchor:included',
      'anchor:final',
    ]);
    expect(alerts.filter((a) => a.code === 'QT_ANCHOR_REORG_FINAL')).toEqual([]);
    store.close();
  });

  it('raises an incident and an alert when a final anchor is reorged away (evm_snapshot / evm_revert)', async () => {
    const { p, store, evidence, alerts } = publisher('incident.sqlite', { confirmations: 2 });
    const snap = await rpc(chain, 'evm_snapshot');
    await p.enqueue(checkpoint(40));
    await p.tick();
    await p.tick();
    await mine(chain, 70);
    await p.tick();
    expect(p.entries()[0]?.state).toBe('final');
    expect(await rpc(chain, 'evm_revert', [snap])).toBe(true);
    await mine(chain, 80); // the anchor's height exists again, without the anchor
    await p.tick();
    expect(
      evidence.records.some((r) => r.kind === 'incident' && r.body.type === 'anchor-reorg-after-final'),
    ).toBe(true);
    expect(alerts.map((a) => a.code)).toContain('QT_ANCHOR_REORG_FINAL');
    expect(p.entries()[0]?.state).toBe('submitted');
    await p.tick();
    await mine(chain, 70);
    await p.tick();
    expect(p.entries()[0]?.state).toBe('final');
    store.close();
  });

  it('refuses a wrong chain id (QT_ANCHOR_CHAIN_ID) and submits nothing', async () => {
    const { p, store, alerts } = publisher('chainid.sqlite', { chainId: 999 });
    await p.enqueue(checkpoint(50));
    const r = await p.tick();
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('QT_ANCHOR_CHAIN_ID');
    expect(alerts[0]?.code).toBe('QT_ANCHOR_CHAIN_ID');
    expect(p.entries()[0]?.state).toBe('queued');
    store.close();
  });

  it('shows the decoded NotPublisher error for an account that is not allowlisted', async () => {
    const { p, store, alerts, scheduler } = publisher('stranger.sqlite', { account: STRANGER });
    await p.enqueue(checkpoint(60));
    const r = await p.tick();
    expect(r.ok).toBe(true);
    const e = p.entries()[0];
    expect(e?.state).toBe('queued');
    expect(e?.lastError).toMatch(/NotPublisher/);
    expect(e?.nextAttemptAt).toBeGreaterThan(scheduler.now());
    expect(alerts.map((a) => a.code)).toEqual(['QT_ANCHOR_NOT_PUBLISHER']);
    store.close();
  });

  it('survives a dead RPC: backs off, keeps the queue across a restart, and anchors exactly once', async () => {
    const file = 'restart.sqlite';
    const closed = `http://127.0.0.1:${await freePort()}`;
    const a = publisher(file, { rpcUrl: closed, timeoutMs: 2000, confirmations: 1 });
    await a.p.enqueue(checkpoint(70));
    const r1 = await a.p.tick();
    const r2 = await a.p.tick();
    expect(r1.ok).toBe(false);
    expect(r1.error?.code).toBe('QT_ANCHOR_RPC');
    expect(r2.nextDelayMs).toBeGreaterThan(r1.nextDelayMs);
    expect(a.alerts.every((x) => x.code === 'QT_ANCHOR_RPC')).toBe(true);
    a.store.close();
    // A new publisher object on the same file, with a live RPC, picks the entry up.
    const b = publisher(file, { confirmations: 1 });
    expect(b.p.entries().map((e) => e.state)).toEqual(['queued']);
    await b.p.tick();
    await b.p.tick();
    await mine(chain, 70);
    await b.p.tick();
    expect(b.p.entries()[0]?.state).toBe('final');
    const anchoredIn = b.p.entries()[0]?.block?.hash;
    b.store.close();
    // Yet another queue file (a lost queue) does not anchor twice: it adopts the existing event.
    const c = publisher('lost-queue.sqlite', { confirmations: 1 });
    await c.p.enqueue(checkpoint(70));
    const r = await c.p.tick();
    expect(r.transitions.map((t) => t.event)).toEqual(['included', 'final']);
    expect(c.p.entries()[0]?.block?.hash).toBe(anchoredIn);
    expect(c.p.entries()[0]?.tx?.nonce).toBeNull();
    c.store.close();
  });
});
