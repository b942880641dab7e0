/**
 * Post-quantum keys next to an HSM. The HSMs Q-Trust drives (PKCS#11 v2.40/3.0 tokens such as SoftHSM2)
 * cannot hold ML-DSA keys, so the post-quantum half of a hybrid key is the ONE place where key material
 * exists outside the HSM (docs/hsm.md): its 32-byte seed is sealed with AES-256-GCM under an HSM-held,
 * non-extractable key, with the key id, suite and purpose as associated data (so a sealed seed cannot be
 * swapped onto another key id or purpose). The seed is unsealed only in memory, only to sign, and wiped
 * immediately after, together with the expanded secret key.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { fromBase64url, toBase64url, wipe } from '../../src-shared/bytes.js';
import { canonicalBytes } from '../../src-shared/canonical.js';
import { QtError } from '../../src-shared/errors.js';
import { getSuite, keyId, type SuiteId } from '../../src-shared/sign/index.js';
import type { HsmSession } from './session.js';

export interface SealedPqKey {
  readonly v: 1;
  readonly type: 'qtrust/hsm-sealed-pq-key';
  readonly suite: SuiteId;
  readonly keyid: string;
  readonly publicKey: string;
  readonly purpose: string;
  /** The HSM key that seals the seed, by label (and id, hex). */
  readonly kek: { readonly label: string; readonly id: string };
  /** base64url(iv || ciphertext || tag). */
  readonly sealedSeed: string;
}

function associatedData(k: Pick<SealedPqKey, 'suite' | 'keyid' | 'purpose'>): Uint8Array {
  return canonicalBytes({
    type: 'qtrust/hsm-sealed-pq-key/aad',
    v: 1,
    suite: k.suite,
    keyid: k.keyid,
    purpose: k.purpose,
  });
}

/** Generates a post-quantum key whose seed never touches disk unsealed. */
export function createSealedPqKey(
  session: HsmSession,
  kek: { handle: Buffer; label: string; id: Uint8Array },
  suiteId: SuiteId,
  purpose: string,
): SealedPqKey {
  const suite = getSuite(suiteId);
  if (!suite.postQuantum)
    throw new QtError('QT_HSM_PQ_SUITE', `${suiteId} is not a post-quantum suite; keep it in the HSM`);
  const seed = randomBytes(suite.seedLength);
  try {
    const { publicKey, secretKey } = suite.keygen(seed);
    wipe(secretKey);
    const keyid = keyId(suiteId, publicKey);
    const aad = associatedData({ suite: suiteId, keyid, purpose });
    const sealed = session.aesGcmSeal(kek.handle, seed, aad, randomBytes(12));
    return {
      v: 1,
      type: 'qtrust/hsm-sealed-pq-key',
      suite: suiteId,
      keyid,
      publicKey: toBase64url(publicKey),
      purpose,
      kek: { label: kek.label, id: Buffer.from(kek.id).toString('hex') },
      sealedSeed: toBase64url(sealed),
    };
  } finally {
    wipe(seed);
  }
}

/** Unseals the seed inside this call only, signs, and wipes the seed and the expanded key. */
export function signWithSealedPqKey(
  session: HsmSession,
  kekHandle: Buffer,
  key: SealedPqKey,
  message: Uint8Array,
): Uint8Array {
  const suite = getSuite(key.suite);
  const seed = session.aesGcmOpen(
    kekHandle,
    fromBase64url(key.sealedSeed, 'sealedSeed'),
    associatedData(key),
  );
  try {
    const { publicKey, secretKey } = suite.keygen(seed);
    try {
      if (toBase64url(publicKey) !== key.publicKey) {
        throw new QtError(
          'QT_HSM_PQ_MISMATCH',
          `the sealed seed does not produce the public key of ${key.keyid}`,
        );
      }
      return suite.sign(secretKey, message);
    } finally {
      wipe(secretKey);
    }
  } finally {
    wipe(seed);
  }
}
