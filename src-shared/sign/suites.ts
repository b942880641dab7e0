/**
 * The suite registry: the one place that maps a suite id to its algorithm, and the one place
 * that checks inputs before any algorithm sees them (noble style: types first, then lengths).
 */
import { abytes, describe } from '../bytes.js';
import { QtError } from '../errors.js';
import { ed25519Raw, p256Raw, secp256k1Raw, type RawSuite } from './classical.js';
import { falcon512Raw, mlDsa65Raw, mlDsa87Raw } from './post-quantum.js';
import { SUITE_IDS, type KeyPair, type SignatureSuite, type SuiteId } from './suite.js';

function checked(raw: RawSuite): SignatureSuite {
  const { id } = raw;
  return Object.freeze({
    id,
    publicKeyLength: raw.publicKeyLength,
    secretKeyLength: raw.secretKeyLength,
    signatureLength: raw.signatureLength,
    seedLength: raw.seedLength,
    postQuantum: raw.postQuantum,
    keygen(seed?: Uint8Array): KeyPair {
      if (seed !== undefined) abytes(seed, 'seed', raw.seedLength);
      const { secretKey, publicKey } = raw.keygen(seed);
      return Object.freeze({ suite: id, secretKey, publicKey });
    },
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      abytes(secretKey, 'secretKey', raw.secretKeyLength);
      abytes(message, 'message');
      try {
        return raw.sign(secretKey, message);
      } catch (cause) {
        // Right length but not a valid key (an ECDSA scalar of 0 or >= n, a malformed PQ key).
        throw new QtError('QT_KEY_INVALID', `secretKey is not a valid ${id} secret key`, {
          path: 'secretKey',
          cause,
        });
      }
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      abytes(publicKey, 'publicKey');
      abytes(message, 'message');
      abytes(signature, 'signature');
      if (publicKey.length !== raw.publicKeyLength || signature.length !== raw.signatureLength) return false;
      try {
        return raw.verify(publicKey, message, signature) === true;
      } catch {
        // Attacker-controlled bytes (off-curve point, malformed encoding) are a failed check, never a crash.
        return false;
      }
    },
  });
}

const REGISTRY: Readonly<Record<SuiteId, SignatureSuite>> = Object.freeze({
  ed25519: checked(ed25519Raw),
  secp256k1: checked(secp256k1Raw),
  p256: checked(p256Raw),
  'ml-dsa-65': checked(mlDsa65Raw),
  'ml-dsa-87': checked(mlDsa87Raw),
  'falcon-512': checked(falcon512Raw),
});

export function isSuiteId(id: unknown): id is SuiteId {
  return typeof id === 'string' && (SUITE_IDS as readonly string[]).includes(id);
}

/** The suite named `id`; QT_UNKNOWN_SUITE (naming the known ones) for anything else. */
export function getSuite(id: unknown, name = 'suite'): SignatureSuite {
  if (typeof id !== 'string') {
    throw new QtError('QT_TYPE', `${name} must be a string, got ${describe(id)}`, { path: name });
  }
  if (!isSuiteId(id)) {
    throw new QtError(
      'QT_UNKNOWN_SUITE',
      `${name} "${id.slice(0, 64)}" is not a known signature suite; known suites: ${SUITE_IDS.join(', ')}`,
      { path: name },
    );
  }
  return REGISTRY[id];
}

const MAX_SUITE_SET = 256;

/**
 * Parses a hybrid suite set written `a+b+c` (e.g. `ed25519+ml-dsa-65`) into suite ids, in the
 * order written. Refuses empty sets, empty members, duplicates and unknown suites: a set that
 * names the same suite twice would look stronger than it is.
 */
export function parseSuiteSet(spec: unknown): SuiteId[] {
  if (typeof spec !== 'string') {
    throw new QtError('QT_TYPE', `suite set must be a string, got ${describe(spec)}`, { path: 'suiteSet' });
  }
  if (spec.length === 0 || spec.length > MAX_SUITE_SET) {
    throw new QtError(
      'QT_SUITE_SET',
      `suite set must be 1 to ${MAX_SUITE_SET} characters, got ${spec.length}`,
      {
        path: 'suiteSet',
      },
    );
  }
  const ids: SuiteId[] = [];
  spec.split('+').forEach((part, i) => {
    const path = `suiteSet[${i}]`;
    if (part.length === 0) {
      throw new QtError(
        'QT_SUITE_SET',
        `suite set "${spec.slice(0, 64)}" has an empty member at position ${i}`,
        {
          path,
        },
      );
    }
    const { id } = getSuite(part, path);
    if (ids.includes(id)) {
      throw new QtError('QT_SUITE_SET', `suite set names ${id} twice`, { path });
    }
    ids.push(id);
  });
  return ids;
}
