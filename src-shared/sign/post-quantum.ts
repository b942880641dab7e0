/**
 * Post-quantum suites over @noble/post-quantum 0.7.1: raw primitives, inputs already checked by
 * the registry (suites.ts).
 * - ml-dsa-65, ml-dsa-87: FIPS 204 ML-DSA.Sign / ML-DSA.Verify (Algorithms 2 and 3, the "pure"
 *   external interface) with an EMPTY context string, so M' = 0x00 || 0x00 || M. Signing uses the
 *   deterministic variant of FIPS 204 §3.4 (rnd = 32 zero bytes): the same key and message always
 *   give the same signature, which keeps vectors reproducible and needs no RNG at signing time.
 * - falcon-512: Falcon round-3 specification, "padded" signature format (fixed 666 bytes:
 *   header 0x39 || 40-byte salt r || compressed s2 zero-padded), chosen so that signature length
 *   leaks nothing and envelopes have a fixed size. Falcon signing is RANDOMIZED: the spec requires
 *   a fresh 320-bit salt per signature and defines no deterministic mode. Falcon key generation
 *   from a seed is implementation-specific (noble's own NTRU solver), unlike ML-DSA's.
 */
import { falcon512padded } from '@noble/post-quantum/falcon.js';
import { ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import type { RawSuite } from './classical.js';
import type { SuiteId } from './suite.js';

type MlDsa = typeof ml_dsa65;

function mlDsa(
  id: SuiteId,
  dsa: MlDsa,
  lengths: { publicKey: number; secretKey: number; signature: number },
): RawSuite {
  return Object.freeze({
    id,
    publicKeyLength: lengths.publicKey,
    secretKeyLength: lengths.secretKey,
    signatureLength: lengths.signature,
    // FIPS 204 Algorithm 6 ML-DSA.KeyGen_internal takes the 32-byte seed xi.
    seedLength: 32,
    postQuantum: true,
    keygen: (seed: Uint8Array | undefined) => dsa.keygen(seed),
    sign: (secretKey: Uint8Array, message: Uint8Array) =>
      dsa.sign(message, secretKey, { extraEntropy: false }),
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      dsa.verify(signature, message, publicKey),
  });
}

// FIPS 204 Table 2 sizes.
export const mlDsa65Raw: RawSuite = mlDsa('ml-dsa-65', ml_dsa65, {
  publicKey: 1952,
  secretKey: 4032,
  signature: 3309,
});
export const mlDsa87Raw: RawSuite = mlDsa('ml-dsa-87', ml_dsa87, {
  publicKey: 2592,
  secretKey: 4896,
  signature: 4627,
});

export const falcon512Raw: RawSuite = Object.freeze({
  id: 'falcon-512',
  publicKeyLength: 897,
  secretKeyLength: 1281,
  signatureLength: 666,
  seedLength: 48,
  postQuantum: true,
  keygen: (seed: Uint8Array | undefined) => falcon512padded.keygen(seed),
  sign: (secretKey: Uint8Array, message: Uint8Array) => falcon512padded.sign(message, secretKey),
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    falcon512padded.verify(signature, message, publicKey),
});
