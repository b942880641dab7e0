/**
 * Deterministic producer keys for evidence tests (Ed25519 + ML-DSA-65 from fixed seeds), so a
 * writer process and the test that reopens its database use the same log identity.
 */
import { getSuite } from '../../../src-shared/sign/suites.js';
import { secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/keyid.js';

export function testSigners(label = 1): SecretKeyEntry[] {
  return (['ed25519', 'ml-dsa-65'] as const).map((id) => {
    const suite = getSuite(id);
    return secretKeyEntry(suite.keygen(new Uint8Array(suite.seedLength).fill(label)));
  });
}
