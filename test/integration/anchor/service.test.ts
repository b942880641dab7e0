import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublisherAccount } from '../../../src-main/anchor/account.js';
import { anchorAllCheckpoints } from '../../../src-main/anchor/anchor-all.js';
import { AnchorService } from '../../../src-main/anchor/service.js';
import { verifyAnchors } from '../../../src-main/anchor/verify-chain.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { writeKeyDir } from '../../../src-main/keys/keyfile.js';
import { ethAddressFromPublicKey } from '../../../src-shared/anchor/address.js';
import { parseAnchorTrust } from '../../../src-shared/anchor/trust.js';
import { encodePublicKeySet, generateKeySet, sealSecretKeySet } from '../../../src-shared/keys/index.js';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';
import { testSigners } from '../evidence/producer.js';
import { clients, deployAnchor, mine, OWNER, rpc } from './fixture.js';

const ORIGIN = 'qtrust.test/anchor/service';
const PASS = new TextEncoder().encode('correct horse battery staple');
let chain: Anvil;
let dir: string;

beforeAll(async () => {
  chain = await startAnvil();
  dir = mkdtempSync(join(tmpdir(), 'qt-anchor-svc-'));
});

afterAll(async () => {
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('AnchorService, sealed publisher key and the evidence log, end to end', () => {
  it('anchors a real log with a sealed secp256k1 key, records bookkeeping evidence and verifies', async () => {
    // The publisher key: a sealed key directory, as `qtrust key generate` writes it.
    const keys = generateKeySet('secp256k1');
    const keyDir = join(dir, 'publisher-key');
    await writeKeyDir(
      keyDir,
      encodePublicKeySet(keys),
      await sealSecretKeySet(keys, PASS, { params: { N: 1024, r: 8, p: 1 } }),
    );
    const account = await loadPublisherAccount(keyDir, PASS);
    expect(account.address).toBe(ethAddressFromPublicKey(keys[0]?.publicKey as Uint8Array));
    await rpc(chain, 'anvil_setBalance', [account.address, '0x56BC75E2D63100000']);
    const contract = await deployAnchor(chain, OWNER, [account.address as Address]);

    const log = EvidenceLog.open(join(dir, 'evidence.sqlite'), {
      origin: ORIGIN,
      signers: testSigners(),
      checkpointEvery: 5,
      timer: false,
    });
    for (let i = 0; i < 12; i++) await log.append('decision', { i });
    await log.checkpoint();
    const checkpointsBefore = log.checkpoints();
    expect(checkpointsBefore.length).toBe(3);

    const svc = new AnchorService({ queuePath: join(dir, 'anchors.sqlite'), origin: ORIGIN, evidence: log });
    expect(svc.getSettings()).toBeNull();
    expect(() => svc.setSettings({ enabled: true, rpcUrl: 'ftp://x', chainId: 1, contract })).toThrow(
      /settings.rpcUrl/,
    );
    const settings = svc.setSettings({
      enabled: true,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      contract,
      confirmations: 2,
    });
    expect(svc.getSettings()).toEqual(settings);
    const conn = await svc.testConnection(chain.url, chain.chainId, contract, account.address);
    expect(conn).toMatchObject({
      chainId: chain.chainId,
      chainIdMatches: true,
      contractCodePresent: true,
      publisherAllowlisted: true,
    });
    const notThere = await svc.testConnection(chain.url, 1, OWNER.address);
    expect(notThere).toMatchObject({
      chainIdMatches: false,
      contractCodePresent: false,
      publisherAllowlisted: null,
    });

    const entries = await anchorAllCheckpoints(log, {
      queuePath: join(dir, 'anchors.sqlite'),
      until: 'final',
      mine: async () => {
        await mine(chain, 70);
      },
      publisher: {
        rpcUrl: chain.url,
        chainId: chain.chainId,
        contract,
        account,
        salt: svc.salt(),
        origin: ORIGIN,
        confirmations: 2,
      },
    });
    expect(entries.map((e) => [e.treeSize, e.state])).toEqual(
      checkpointsBefore.map((c) => [c.size, 'final']),
    );
    await log.flush();
    // Anchor records are bookkeeping: they are in the log but started no checkpoint.
    expect(log.checkpoints().length).toBe(3);
    const anchorRecords = [...log.records()].filter((r) => r.record.kind === 'anchor');
    expect(anchorRecords.length).toBe(3 * 4);
    expect(svc.status().map((s) => s.state)).toEqual(['final', 'final', 'final']);
    const head = Number(await clients(chain).pub.getBlockNumber());
    expect(svc.status(head)[0]?.confirmations).toBeGreaterThan(2);

    // The auditor's side: the trust section (salt included), then verification over the RPC.
    const trust = parseAnchorTrust(JSON.parse(JSON.stringify(svc.trustSection([account.address]))));
    const r = await verifyAnchors({
      checkpoints: checkpointsBefore.map((c) => ({
        treeSize: c.size,
        rootHash: c.root,
        checkpointHash: c.hash,
      })),
      trust,
      rpcUrls: [chain.url],
      confirmations: 2,
    });
    expect(r.failures).toEqual([]);
    expect(r.anchors.map((a) => a.status)).toEqual(['final', 'final', 'final']);
    await svc.close();
    await log.close();
  });
});
