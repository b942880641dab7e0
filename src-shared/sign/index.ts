/** Signatures: suites, hybrid sets, key ids and envelopes (docs/formats.md). */
export { SUITE_IDS, type KeyPair, type SignatureSuite, type SuiteBackend, type SuiteId } from './suite.js';
export { getSuite, isSuiteId, parseSuiteSet } from './suites.js';
export { ECDSA_ORDER } from './classical.js';
export {
  akeyid,
  checkPublicKeyEntry,
  checkSecretKeyEntry,
  keyId,
  KEYID_BYTES,
  KEYID_PATTERN,
  publicKeyEntry,
  secretKeyEntry,
  type PublicKeyEntry,
  type SecretKeyEntry,
} from './keyid.js';
export { MAX_PAYLOAD_BYTES, MAX_PAYLOAD_TYPE_LENGTH, PAE_PREFIX, pae } from './pae.js';
export {
  MAX_SIGNATURES,
  parseEnvelope,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
  type EnvelopeSignature,
  type VerifiedEnvelope,
  type VerifyEnvelopeOptions,
} from './envelope.js';
