/**
 * Adapter overhead: HSM signatures per second through the adapter (`HsmSession.sign`: input checks,
 * SHA-256, low-S normalisation, error mapping) against raw pkcs11js C_SignInit/C_Sign on the same key
 * in the same run, for P-256 and Ed25519 (goal: within 10%). A throwaway SoftHSM token directory.
 */
import { createRequire } from 'node:module';
import { sha256 } from '@noble/hashes/sha2.js';
import type * as Pkcs11Js from 'pkcs11js';
import { CKM } from '../src-main/hsm/constants.js';
import { Pkcs11Module } from '../src-main/hsm/module.js';
import { createSoftHsm, SOFTHSM_MODULE } from '../test/helpers/softhsm.js';
import { measure, printComparison } from './lib.js';

export default async function (): Promise<void> {
  const env = createSoftHsm();
  env.initToken('qt-bench', '87654321', '12345678');
  const raw = new (createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Js).PKCS11();
  const mod = Pkcs11Module.open(SOFTHSM_MODULE, raw);
  try {
    await mod.withSession({ label: 'qt-bench' }, '12345678', (s) => {
      const message = new Uint8Array(256).fill(7);
      for (const type of ['p256', 'ed25519'] as const) {
        const key = s.generateKeyPair(type, { label: `qt:bench:${type}`, id: new Uint8Array([1]) });
        const out = Buffer.alloc(128);
        // The raw baseline does what a caller of pkcs11js must do anyway: hash for ECDSA, then sign.
        const rawSign =
          type === 'ed25519'
            ? () => {
                raw.C_SignInit(s.handle, { mechanism: CKM.EDDSA }, key.privateHandle);
                return raw.C_Sign(s.handle, Buffer.from(message), out);
              }
            : () => {
                raw.C_SignInit(s.handle, { mechanism: CKM.ECDSA }, key.privateHandle);
                return raw.C_Sign(s.handle, Buffer.from(sha256(message)), out);
              };
        printComparison(
          `HSM signatures, ${type} (SoftHSM2)`,
          [
            measure(`${type} raw pkcs11js`, rawSign, { minMs: 1500 }),
            measure(`${type} adapter sign`, () => s.sign(key, message), { minMs: 1500 }),
          ],
          `${type} raw pkcs11js`,
        );
      }
    });
  } finally {
    mod.finalize();
    env.cleanup();
  }
}
