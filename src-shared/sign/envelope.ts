/**
 * Signed envelopes in the DSSE style: a payload, its type, and one signature per key over the
 * pre-authentication encoding (pae.ts). A hybrid set is valid only when EVERY required key has a
 * valid signature; signatures by keys nobody required are checked for form but never counted.
 * Format and rules: docs/formats.md, "Signatures, key ids and envelopes".
 */
import { aplainObject, describe, fromBase64url, isPlainObject, toBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { decodeBase64urlFast } from './base64url-fast.js';
import {
  checkPublicKeyEntry,
  checkSecretKeyEntry,
  KEYID_PATTERN,
  type PublicKeyEntry,
  type SecretKeyEntry,
} from './keyid.js';
import { apayload, apayloadType, isPayloadType, MAX_PAYLOAD_BYTES, pae } from './pae.js';
import { getSuite, isSuiteId } from './suites.js';
import type { SignatureSuite, SuiteBackend, SuiteId } from './suite.js';

export interface EnvelopeSignature {
  keyid: string;
  suite: SuiteId;
  sig: string;
}

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: EnvelopeSignature[];
}

export interface VerifiedEnvelope {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  /** The required key ids, in the order they were required; all of them verified. */
  readonly keyids: readonly string[];
}

export interface VerifyEnvelopeOptions {
  /** When set, the envelope's payloadType must be exactly this (QT_PAYLOAD_TYPE_MISMATCH). */
  readonly payloadType?: string;
  readonly backend?: SuiteBackend;
}

/** At most this many signatures in an envelope, and this many signers or required keys. */
export const MAX_SIGNATURES = 16;

const ENVELOPE_KEYS = ['payloadType', 'payload', 'signatures'] as const;
const SIGNATURE_KEYS = ['keyid', 'suite', 'sig'] as const;

function malformed(path: string, message: string, cause?: unknown): QtError {
  return new QtError('QT_ENVELOPE_FORMAT', `envelope ${path}: ${message}`, { path, cause });
}

/** A plain object with exactly `keys` as its own enumerable string keys, nothing more. */
function exactObject(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) throw malformed(path, `must be a plain object, got ${describe(value)}`);
  const own = Reflect.ownKeys(value);
  for (const k of own) {
    if (typeof k !== 'string' || !keys.includes(k))
      throw malformed(path, `unexpected member ${String(k).slice(0, 40)}`);
  }
  for (const k of keys) {
    if (!Object.hasOwn(value, k)) throw malformed(`${path}.${k}`, 'is missing');
  }
  return value;
}

function base64Field(value: unknown, path: string, maxBytes: number): Uint8Array {
  if (typeof value !== 'string') throw malformed(path, `must be a string, got ${describe(value)}`);
  // Bound the work before decoding: unpadded base64url spends 4 characters per 3 bytes.
  if (value.length > Math.ceil((maxBytes * 4) / 3)) throw malformed(path, `is longer than ${maxBytes} bytes`);
  // The common case in a table; anything it does not take goes to the strict decoder, which decides.
  const fast = decodeBase64urlFast(value);
  if (fast !== null) return fast;
  try {
    return fromBase64url(value, path);
  } catch (cause) {
    throw malformed(path, 'must be canonical unpadded base64url', cause);
  }
}

/** An envelope that passed parseEnvelope's checks, with its payload and signatures decoded. */
export interface ReadEnvelope {
  readonly envelope: Envelope;
  readonly payload: Uint8Array;
  /** The decoded `sig` of each entry of `envelope.signatures`, in the same order. */
  readonly sigs: readonly Uint8Array[];
}

/**
 * parseEnvelope, keeping the bytes it decodes on the way (the payload and every signature), so a
 * verifier decodes each base64url field once.
 */
export function readEnvelope(value: unknown): ReadEnvelope {
  const o = exactObject(value, '$', ENVELOPE_KEYS);
  const payloadType = o.payloadType;
  if (!isPayloadType(payloadType)) {
    throw malformed('$.payloadType', 'must be 1 to 128 printable ASCII characters without spaces');
  }
  const payload = o.payload;
  const payloadBytes = base64Field(payload, '$.payload', MAX_PAYLOAD_BYTES);
  const list = o.signatures;
  if (!Array.isArray(list)) throw malformed('$.signatures', `must be an array, got ${describe(list)}`);
  if (list.length < 1 || list.length > MAX_SIGNATURES) {
    throw malformed('$.signatures', `must hold 1 to ${MAX_SIGNATURES} signatures, got ${list.length}`);
  }
  const seen = new Set<string>();
  const sigs: Uint8Array[] = [];
  const signatures = list.map((item: unknown, i): EnvelopeSignature => {
    const path = `$.signatures[${i}]`;
    const s = exactObject(item, path, SIGNATURE_KEYS);
    const suite = s.suite;
    if (!isSuiteId(suite)) throw malformed(`${path}.suite`, `is not a known suite`);
    const keyid = s.keyid;
    if (typeof keyid !== 'string' || KEYID_PATTERN.exec(keyid)?.[1] !== suite) {
      throw malformed(`${path}.keyid`, `must be "${suite}:" followed by 32 lowercase hex digits`);
    }
    const length = getSuite(suite).signatureLength;
    const sig = base64Field(s.sig, `${path}.sig`, length);
    if (sig.length !== length) {
      throw malformed(`${path}.sig`, `must decode to exactly ${length} bytes for ${suite}`);
    }
    if (seen.has(keyid)) {
      throw new QtError('QT_ENVELOPE_DUPLICATE', `envelope ${path}: a second signature by ${keyid}`, {
        path: `${path}.keyid`,
      });
    }
    seen.add(keyid);
    sigs.push(sig);
    return { keyid, suite, sig: s.sig as string };
  });
  return { envelope: { payloadType, payload: payload as string, signatures }, payload: payloadBytes, sigs };
}

/**
 * Strict structural check of an envelope from outside (JSON.parse output): exact members, a valid
 * payload type, canonical base64url, known suites, key ids of the right form for their suite,
 * signatures of their suite's exact length, 1 to MAX_SIGNATURES signatures, no key id twice.
 * Returns a fresh copy, so later changes to `value` cannot reach the caller.
 */
export function parseEnvelope(value: unknown): Envelope {
  return readEnvelope(value).envelope;
}

function implementation(
  suite: SignatureSuite,
  backend: SuiteBackend | undefined,
): Pick<SignatureSuite, 'sign' | 'verify'> {
  return backend?.[suite.id] ?? suite;
}

function checkedVerify(
  suite: SignatureSuite,
  backend: SuiteBackend | undefined,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== suite.publicKeyLength || signature.length !== suite.signatureLength) return false;
  try {
    return implementation(suite, backend).verify(publicKey, message, signature) === true;
  } catch {
    return false;
  }
}

function checkedList(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new QtError('QT_TYPE', `${name} must be an array, got ${describe(value)}`, { path: name });
  }
  if (value.length < 1 || value.length > MAX_SIGNATURES) {
    throw new QtError('QT_RANGE', `${name} must hold 1 to ${MAX_SIGNATURES} keys, got ${value.length}`, {
      path: name,
    });
  }
  return value;
}

function abackend(value: unknown, name: string): SuiteBackend | undefined {
  if (value === undefined) return undefined;
  return aplainObject(value, name) as SuiteBackend;
}

/**
 * Signs (payloadType, payload) with every signer. Each signature is checked against its public key
 * before it leaves (a signer whose secret key does not match its public key fails with
 * QT_KEY_PAIR_MISMATCH; this also catches faulty signing). Signatures are sorted by key id.
 */
export function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signers: readonly SecretKeyEntry[],
  backend?: SuiteBackend,
): Envelope {
  apayloadType(payloadType);
  apayload(payload);
  const be = abackend(backend, 'backend');
  const entries = checkedList(signers, 'signers').map((s, i) => checkSecretKeyEntry(s, `signers[${i}]`));
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.keyid)) {
      throw new QtError('QT_ENVELOPE_DUPLICATE', `signers[${i}] repeats key ${e.keyid}`, {
        path: `signers[${i}]`,
      });
    }
    seen.add(e.keyid);
  });
  const message = pae(payloadType, payload);
  const signatures = entries.map((e, i): EnvelopeSignature => {
    const suite = getSuite(e.suite);
    const sig = implementation(suite, be).sign(e.secretKey, message);
    if (!checkedVerify(suite, be, e.publicKey, message, sig)) {
      throw new QtError(
        'QT_KEY_PAIR_MISMATCH',
        `signers[${i}]: the ${e.suite} signature does not verify under key ${e.keyid} (secret and public key do not match)`,
        { path: `signers[${i}]` },
      );
    }
    return { keyid: e.keyid, suite: e.suite, sig: toBase64url(sig) };
  });
  signatures.sort((a, b) => (a.keyid < b.keyid ? -1 : a.keyid > b.keyid ? 1 : 0));
  return { payloadType, payload: toBase64url(payload), signatures };
}

/**
 * Verifies an envelope against a hybrid set of required keys: valid only when every required key
 * has a valid signature. Throws QT_SIGNATURE_MISSING or QT_SIGNATURE_INVALID naming the suite and
 * key id of the first required key that failed; signatures by other keys are ignored.
 */
export function verifyEnvelope(
  envelope: unknown,
  required: readonly PublicKeyEntry[],
  opts: VerifyEnvelopeOptions = {},
): VerifiedEnvelope {
  const o = aplainObject(opts, 'opts');
  const expectedType =
    o.payloadType === undefined ? undefined : apayloadType(o.payloadType, 'opts.payloadType');
  const be = abackend(o.backend, 'opts.backend');
  const keys = checkRequiredKeys(required);
  const read = readEnvelope(envelope);
  const payloadType = read.envelope.payloadType;
  if (expectedType !== undefined && payloadType !== expectedType) {
    throw new QtError(
      'QT_PAYLOAD_TYPE_MISMATCH',
      `envelope payloadType "${payloadType}" is not the expected "${expectedType}"`,
      { path: '$.payloadType' },
    );
  }
  return verifyReadEnvelope(read, keys, be);
}

/**
 * The checks verifyEnvelope makes of its `required` keys: 1 to MAX_SIGNATURES entries, each a valid
 * public-key entry whose key id matches its key, no key id twice. A verifier that checks many
 * envelopes against the same pinned keys runs this once and passes the result to verifyReadEnvelope.
 */
export function checkRequiredKeys(required: readonly PublicKeyEntry[]): readonly PublicKeyEntry[] {
  const keys = checkedList(required, 'required').map((k, i) => checkPublicKeyEntry(k, `required[${i}]`));
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k.keyid)) {
      throw new QtError('QT_KEY_DUPLICATE', `required[${i}] repeats key ${k.keyid}`, {
        path: `required[${i}]`,
      });
    }
    seen.add(k.keyid);
  });
  return keys;
}

/**
 * The signature part of verifyEnvelope: `read` from readEnvelope, `keys` from checkRequiredKeys
 * (both are trusted to come from there). Valid only when every key has a valid signature.
 */
export function verifyReadEnvelope(
  read: ReadEnvelope,
  keys: readonly PublicKeyEntry[],
  backend?: SuiteBackend,
): VerifiedEnvelope {
  const env = read.envelope;
  const message = pae(env.payloadType, read.payload);
  for (const key of keys) {
    const index = env.signatures.findIndex((s) => s.keyid === key.keyid);
    const sig = read.sigs[index];
    if (sig === undefined) {
      throw new QtError(
        'QT_SIGNATURE_MISSING',
        `envelope has no signature by required ${key.suite} key ${key.keyid}`,
        {
          path: '$.signatures',
        },
      );
    }
    const suite = getSuite(key.suite);
    if (!checkedVerify(suite, backend, key.publicKey, message, sig)) {
      throw new QtError(
        'QT_SIGNATURE_INVALID',
        `the ${key.suite} signature by ${key.keyid} does not verify`,
        {
          path: `$.signatures[${index}].sig`,
        },
      );
    }
  }
  return Object.freeze({
    payloadType: env.payloadType,
    payload: read.payload,
    keyids: Object.freeze(keys.map((k) => k.keyid)),
  });
}
