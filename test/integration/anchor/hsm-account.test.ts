import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import { keccak256, recoverMessageAddress, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hsmPublisherAccount } from '../../../src-main/anchor/hsm-account.js';
import { AnchorPublisher } from '../../../src-main/anchor/publisher.js';
import { AnchorQueueStore } from '../../../src-main/anchor/queue-store.js';
import { Pkcs11Module } from '../../../src-main/hsm/module.js';
import { hexToBytes } from '../../../src-shared/bytes.js';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsmEnv } from '../../helpers/softhsm.js';
import { deployAnchor, manualScheduler, memorySink, mine, OWNER, rpc } from './fixture.js';

const PIN = '12345678';
let env: SoftHsmEnv;
let mod: Pkcs11Module;
let chain: Anvil;
let dir: string;

beforeAll(async () => {
  env = createSoftHsm();
  env.initToken('qt-anchor', '87654321', PIN);
  mod = Pkcs11Module.open(SOFTHSM_MODULE);
  chain = await startAnvil();
  dir = mkdtempSync(join(tmpdir(), 'qt-anchor-hsm-'));
});

afterAll(async () => {
  mod?.finalize();
  env?.cleanup();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('HSM-held publisher key (SoftHSM2) as a viem account', () => {
  it('signs messages and anchor transactions that the chain accepts from the derived address', async () => {
    await mod.withSession({ label: 'qt-anchor' }, PIN, async (s) => {
      const key = s.generateKeyPair('secp256k1', { label: 'qt:anchor:publisher', id: randomBytes(8) });
      const account = hsmPublisherAccount(s, key);
      const sig = await account.signMessage({ message: 'hello' });
      expect(await recoverMessageAddress({ message: 'hello', signature: sig })).toBe(account.address);
      expect(() => hsmPublisherAccount(s, { ...key, type: 'p256' })).toThrow(
        expect.objectContaining({ code: 'QT_ANCHOR_KEY' }),
      );

      await rpc(chain, 'anvil_setBalance', [account.address, '0x56BC75E2D63100000']);
      const contract = await deployAnchor(chain, OWNER, [account.address as Address]);
      const store = AnchorQueueStore.open(join(dir, 'hsm.sqlite'));
      const p = new AnchorPublisher(
        store,
        {
          rpcUrl: chain.url,
          chainId: chain.chainId,
          contract,
          account,
          salt: new Uint8Array(32).fill(1),
          origin: 'qtrust.test/hsm',
          confirmations: 1,
        },
        { evidence: memorySink(), scheduler: manualScheduler() },
      );
      await p.enqueue({
        size: 3,
        root: hexToBytes(keccak256(toHex('r')).slice(2)),
        hash: hexToBytes(keccak256(toHex('c')).slice(2)),
      });
      await p.tick();
      await p.tick();
      await mine(chain, 70);
      await p.tick();
      expect(p.entries()[0]?.state).toBe('final');
      store.close();
    });
  });
});
