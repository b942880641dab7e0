/**
 * The signature-suite contract: what every algorithm in the registry promises its callers.
 * Suites are named by id so an algorithm can be added or retired without touching callers
 * (docs/formats.md, "Signatures, key ids and envelopes").
 */

export type SuiteId = 'ed25519' | 'secp256k1' | 'p256' | 'ml-dsa-65' | 'ml-dsa-87' | 'falcon-512';

/** Every registered suite id, classical first. */
export const SUITE_IDS: readonly SuiteId[] = Object.freeze([
  'ed25519',
  'secp256k1',
  'p256',
  'ml-dsa-65',
  'ml-dsa-87',
  'falcon-512',
] as const);

export interface KeyPair {
  readonly suite: SuiteId;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface SignatureSuite {
  readonly id: SuiteId;
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  /** Every signature of this suite has exactly this many bytes (fixed-size encodings only). */
  readonly signatureLength: number;
  /** Bytes of seed `keygen` takes. */
  readonly seedLength: number;
  readonly postQuantum: boolean;
  /** Deterministic given a seed; random (noble `randomBytes`) otherwise. */
  keygen(seed?: Uint8Array): KeyPair;
  /** Deterministic for every suite whose standard allows it (all but Falcon). */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws on bad signature or public-key bytes: returns false. Wrong types throw QT_TYPE. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Faster implementations of some suites (node:crypto, an HSM adapter...) with identical outputs. */
export type SuiteBackend = Partial<Record<SuiteId, Pick<SignatureSuite, 'sign' | 'verify'>>>;
