import { execFileSync } from 'node:child_process';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { injectFaults } from '../../../src-main/hsm/fault.js';
import { Pkcs11Module } from '../../../src-main/hsm/module.js';
import { HsmSession, type HsmKeyType } from '../../../src-main/hsm/session.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsmEnv } from '../../helpers/softhsm.js';

const SO = '87654321';
const PIN = '12345678';
let env: SoftHsmEnv;
let mod: Pkcs11Module;

beforeAll(() => {
  env = createSoftHsm();
  env.initToken('qt-test-a', SO, PIN);
  env.initToken('qt-test-b', SO, PIN);
  mod = Pkcs11Module.open(SOFTHSM_MODULE);
});

afterAll(() => {
  mod?.finalize();
  env?.cleanup();
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof QtError ? e.code : `raw: ${String(e)}`;
  }
  return undefined;
}

describe('PKCS#11 adapter on SoftHSM2', () => {
  it('initialises once per process and finds tokens by label, never by slot index', () => {
    expect(Pkcs11Module.open(SOFTHSM_MODULE)).toBe(mod);
    const labels = mod
      .tokens()
      .filter((t) => t.initialized)
      .map((t) => t.label)
      .sort();
    expect(labels).toEqual(['qt-test-a', 'qt-test-b']);
    const a = mod.findToken({ label: 'qt-test-a' });
    expect(mod.findToken({ serial: a.serial }).label).toBe('qt-test-a');
    expect(codeOf(() => mod.findToken({ label: 'absent' }))).toBe('QT_HSM_TOKEN_ABSENT');
    expect(codeOf(() => mod.findToken({}))).toBe('QT_HSM_TOKEN_SELECTOR');
    expect(codeOf(() => mod.findToken({ label: 'qt-test-a', serial: 'nope' }))).toBe('QT_HSM_TOKEN_ABSENT');
  });

  it('maps a wrong PIN to an actionable error and closes the session', async () => {
    await expect(mod.withSession({ label: 'qt-test-a' }, 'wrong-pin', () => 1)).rejects.toMatchObject({
      code: 'QT_HSM_PIN_INCORRECT',
      message: expect.stringMatching(/CKR_PIN_INCORRECT/),
    });
  });

  it.each<[HsmKeyType]>([['ed25519'], ['p256'], ['secp256k1']])(
    'generates a sensitive non-extractable %s key whose signatures strict verifiers accept',
    async (type) => {
      await mod.withSession({ label: 'qt-test-a' }, PIN, (s) => {
        const key = s.generateKeyPair(type, { label: `qt:test:${type}`, id: randomBytes(8) });
        expect(key.attributes).toMatchObject({
          class: 'private',
          token: true,
          private: true,
          sensitive: true,
          extractable: false,
          neverExtractable: true,
          alwaysSensitive: true,
          local: true,
          sign: true,
          decrypt: false,
          unwrap: false,
        });
        for (let i = 0; i < 24; i++) {
          const msg = randomBytes(40);
          const { signature, recovery } = s.sign(key, msg);
          if (type === 'ed25519') {
            expect(ed25519.verify(signature, msg, key.publicKey)).toBe(true);
          } else {
            const curve = type === 'p256' ? p256 : secp256k1;
            // Default noble verification is strict: low-S only.
            expect(curve.verify(signature, sha256(msg), key.publicKey, { prehash: false })).toBe(true);
            if (type === 'secp256k1') {
              const rec = secp256k1.Signature.fromBytes(signature, 'compact').addRecoveryBit(
                recovery as number,
              );
              expect(rec.recoverPublicKey(sha256(msg)).toBytes(true)).toEqual(key.publicKey);
            }
          }
        }
        s.destroy(key.privateHandle);
        s.destroy(key.publicHandle);
        expect(s.findObjects({ label: `qt:test:${type}` })).toHaveLength(0);
      });
    },
  );

  it('never lets a sensitive private key out', async () => {
    await mod.withSession({ label: 'qt-test-a' }, PIN, (s) => {
      const key = s.generateKeyPair('p256', { label: 'qt:test:sensitive', id: randomBytes(8) });
      const CKA_VALUE = 0x11;
      expect(() => mod.api.C_GetAttributeValue(s.handle, key.privateHandle, [{ type: CKA_VALUE }])).toThrow(
        /CKR_ATTRIBUTE_SENSITIVE/,
      );
      s.destroy(key.privateHandle);
      s.destroy(key.publicHandle);
    });
  });

  it('seals and opens with AES-256-GCM inside the token, bound to associated data', async () => {
    await mod.withSession({ label: 'qt-test-a' }, PIN, (s) => {
      const k = s.generateAesKey({ label: 'qt:test:seal', id: randomBytes(8) });
      expect(k.attributes).toMatchObject({ sensitive: true, extractable: false, class: 'secret' });
      const seed = randomBytes(32);
      const aad = new TextEncoder().encode('keyid=x purpose=ml-dsa-seed');
      const sealed = s.aesGcmSeal(k.handle, seed, aad, randomBytes(12));
      expect(sealed).toHaveLength(12 + 32 + 16);
      expect(s.aesGcmOpen(k.handle, sealed, aad)).toEqual(seed);
      const other = new TextEncoder().encode('keyid=y purpose=ml-dsa-seed');
      expect(codeOf(() => s.aesGcmOpen(k.handle, sealed, other))).toBe('QT_HSM_DECRYPT_FAILED');
      const tampered = sealed.slice();
      tampered[20] = (tampered[20] as number) ^ 1;
      expect(codeOf(() => s.aesGcmOpen(k.handle, tampered, aad))).toBe('QT_HSM_DECRYPT_FAILED');
      expect(codeOf(() => s.aesGcmOpen(k.handle, sealed.subarray(0, 20), aad))).toBe('QT_HSM_DECRYPT_FAILED');
      expect(codeOf(() => s.aesGcmSeal(k.handle, seed, aad, randomBytes(8)))).toBe('QT_RANGE');
      s.destroy(k.handle);
    });
  });

  it('refuses bad labels before touching the token', async () => {
    await mod.withSession({ label: 'qt-test-a' }, PIN, (s) => {
      expect(codeOf(() => s.generateKeyPair('p256', { label: 'bad label!', id: randomBytes(4) }))).toBe(
        'QT_HSM_LABEL',
      );
      expect(codeOf(() => s.generateKeyPair('p256', { label: '', id: randomBytes(4) }))).toBe('QT_HSM_LABEL');
    });
  });

  it('agrees with opensc pkcs11-tool about the keys on the token', async () => {
    const id = randomBytes(4);
    const pub = await mod.withSession(
      { label: 'qt-test-b' },
      PIN,
      (s) => s.generateKeyPair('p256', { label: 'qt:crosscheck', id }).publicKey,
    );
    const out = execFileSync(
      'pkcs11-tool',
      [
        '--module',
        SOFTHSM_MODULE,
        '--token-label',
        'qt-test-b',
        '--login',
        '--pin',
        PIN,
        '--list-objects',
        '--type',
        'pubkey',
      ],
      { env: { ...process.env }, encoding: 'utf8' },
    );
    expect(out).toContain('qt:crosscheck');
    expect(out.toLowerCase()).toContain(Buffer.from(id).toString('hex'));
    // pkcs11-tool reads the same public point: export it and compare.
    const der = execFileSync(
      'pkcs11-tool',
      [
        '--module',
        SOFTHSM_MODULE,
        '--token-label',
        'qt-test-b',
        '--read-object',
        '--type',
        'pubkey',
        '--id',
        Buffer.from(id).toString('hex'),
      ],
      { env: { ...process.env } },
    );
    const point = p256.Point.fromBytes(pub).toBytes(false);
    expect(Buffer.from(der).includes(Buffer.from(point))).toBe(true);
  });

  it('reports a token removed mid-operation, via the fault-injecting wrapper', () => {
    // A second module object over the same library would call C_Initialize twice; wrap the live API instead.
    const faults = injectFaults(mod.api);
    const session = mod.openSession({ label: 'qt-test-a' });
    session.login(PIN);
    const wrapped = new HsmSession(faults.api, session.handle, session.token, () => undefined);
    const key = wrapped.generateKeyPair('p256', { label: 'qt:test:removal', id: randomBytes(4) });
    faults.remove();
    expect(codeOf(() => wrapped.sign(key, new Uint8Array(8)))).toBe('QT_HSM_TOKEN_ABSENT');
    faults.reinsert();
    expect(wrapped.sign(key, new Uint8Array(8)).signature).toHaveLength(64);
    wrapped.destroy(key.privateHandle);
    wrapped.destroy(key.publicHandle);
    session.close();
  });
});
