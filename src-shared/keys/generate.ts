/**
 * Fresh key sets: one key per suite of a hybrid set, each with its key id. Randomness comes from
 * the suites' keygen (noble `randomBytes`) unless seeds are given (tests and vectors only).
 */
import { QtError } from '../errors.js';
import { getSuite, keyId, parseSuiteSet, type SecretKeyEntry } from '../sign/index.js';

export function generateKeySet(suites: unknown, seeds?: readonly Uint8Array[]): SecretKeyEntry[] {
  const ids = parseSuiteSet(suites);
  if (seeds !== undefined && seeds.length !== ids.length) {
    throw new QtError('QT_RANGE', `seeds must hold one seed per suite (${ids.length}), got ${seeds.length}`, {
      path: 'seeds',
    });
  }
  return ids.map((id, i) => {
    const pair = getSuite(id).keygen(seeds?.[i]);
    return {
      suite: id,
      keyid: keyId(id, pair.publicKey),
      publicKey: pair.publicKey,
      secretKey: pair.secretKey,
    };
  });
}
