/**
 * Checks that a key set is what it claims to be before anyone signs with it or trusts it: every
 * key id is the id of its public key (sign/keyid.ts), and every secret key produces its public key.
 *
 * "Produces" is tested as FIPS 140-3 tests a fresh key pair, by a pairwise consistency test: sign a
 * fixed message with the secret key and verify it with the public key. This works for every suite
 * whatever its secret-key encoding, and catches a file whose public half was swapped (which would
 * otherwise make every later signature fail, or name the wrong signer).
 */
import { utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import {
  checkSecretKeyEntry,
  getSuite,
  type PublicKeyEntry,
  type SecretKeyEntry,
  type SuiteBackend,
} from '../sign/index.js';

/** Signed and verified locally, then discarded; never leaves the process. */
const PCT_MESSAGE = /* @__PURE__ */ utf8ToBytes('qtrust/key-pairwise-consistency-test/v1');

/**
 * Checks a secret-key entry (suite, lengths, key id) and runs the pairwise consistency test;
 * QT_KEY_MISMATCH when the secret key does not produce the public key. `path` locates the entry.
 */
export function checkKeyPair(entry: SecretKeyEntry, path: string, backend?: SuiteBackend): SecretKeyEntry {
  const checked = checkSecretKeyEntry(entry, path);
  const impl = backend?.[checked.suite] ?? getSuite(checked.suite);
  let ok: boolean;
  try {
    ok = impl.verify(checked.publicKey, PCT_MESSAGE, impl.sign(checked.secretKey, PCT_MESSAGE)) === true;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new QtError(
      'QT_KEY_MISMATCH',
      `${path}.secretKey does not produce its ${checked.suite} public key`,
      {
        path: `${path}.secretKey`,
      },
    );
  }
  return checked;
}

/** Refuses duplicate suites and duplicate key ids: a key set has one key per suite. */
export function checkDistinct(entries: readonly PublicKeyEntry[], path: string): void {
  const suites = new Set<string>();
  const ids = new Set<string>();
  entries.forEach((e, i) => {
    if (suites.has(e.suite)) {
      throw new QtError('QT_KEYSET_FORMAT', `${path}[${i}]: suite ${e.suite} appears twice`, {
        path: `${path}[${i}].suite`,
      });
    }
    if (ids.has(e.keyid)) {
      throw new QtError('QT_KEYSET_FORMAT', `${path}[${i}]: key id ${e.keyid} appears twice`, {
        path: `${path}[${i}].keyid`,
      });
    }
    suites.add(e.suite);
    ids.add(e.keyid);
  });
}
