import { randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../src-shared/bytes.js';
import { QtError } from '../../../src-shared/errors.js';
import { getSuite } from '../../../src-shared/sign/index.js';
import { Pkcs11Module } from '../../../src-main/hsm/module.js';
import { createSealedPqKey, signWithSealedPqKey, type SealedPqKey } from '../../../src-main/hsm/pq-seal.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsmEnv } from '../../helpers/softhsm.js';

const PIN = '24681357';
let env: SoftHsmEnv;
let mod: Pkcs11Module;

beforeAll(() => {
  env = createSoftHsm();
  env.initToken('qt-pq', '13572468', PIN);
  mod = Pkcs11Module.open(SOFTHSM_MODULE);
});
afterAll(() => {
  mod?.finalize();
  env?.cleanup();
});

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof QtError ? e.code : String(e);
  }
  return undefined;
}

describe('ML-DSA seeds sealed under an HSM AES key', () => {
  it('signs verifiably, and only with the right key id, purpose and KEK', async () => {
    await mod.withSession({ label: 'qt-pq' }, PIN, (s) => {
      const kek = s.generateAesKey({ label: 'qt:pq-kek', id: randomBytes(4) });
      const key = createSealedPqKey(s, kek, 'ml-dsa-65', 'evidence-checkpoint');
      const msg = new TextEncoder().encode('checkpoint body');
      const sig = signWithSealedPqKey(s, kek.handle, key, msg);
      expect(getSuite('ml-dsa-65').verify(fromBase64url(key.publicKey), msg, sig)).toBe(true);

      // The associated data binds purpose and key id: a swapped field fails to unseal.
      const swapped: SealedPqKey = { ...key, purpose: 'grant-signing' };
      expect(() => signWithSealedPqKey(s, kek.handle, swapped, msg)).toThrow(
        expect.objectContaining({ code: 'QT_HSM_DECRYPT_FAILED' }),
      );
      const other = createSealedPqKey(s, kek, 'ml-dsa-65', 'evidence-checkpoint');
      const transplanted: SealedPqKey = { ...other, sealedSeed: key.sealedSeed };
      expect(() => signWithSealedPqKey(s, kek.handle, transplanted, msg)).toThrow(
        expect.objectContaining({ code: 'QT_HSM_DECRYPT_FAILED' }),
      );
      const tampered = fromBase64url(key.sealedSeed);
      tampered[15] = (tampered[15] as number) ^ 0x80;
      expect(() =>
        signWithSealedPqKey(s, kek.handle, { ...key, sealedSeed: toBase64url(tampered) }, msg),
      ).toThrow(expect.objectContaining({ code: 'QT_HSM_DECRYPT_FAILED' }));
      const kek2 = s.generateAesKey({ label: 'qt:pq-kek-2', id: randomBytes(4) });
      expect(() => signWithSealedPqKey(s, kek2.handle, key, msg)).toThrow(
        expect.objectContaining({ code: 'QT_HSM_DECRYPT_FAILED' }),
      );
    });
  });

  it('refuses to seal a classical suite, which belongs inside the HSM', async () => {
    expect(
      await code(
        mod.withSession({ label: 'qt-pq' }, PIN, (s) => {
          const kek = s.generateAesKey({ label: 'qt:pq-kek-3', id: randomBytes(4) });
          return createSealedPqKey(s, kek, 'ed25519', 'x');
        }),
      ),
    ).toBe('QT_HSM_PQ_SUITE');
  });
});
