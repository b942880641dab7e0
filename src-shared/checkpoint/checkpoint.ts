/**
 * Signed checkpoints: a checkpoint body (body.ts) as a C2SP signed note (note.ts), hybrid-signed
 * with one signature line per suite. Every line signs the note text exactly (the body bytes, final
 * newline included), as signed-note specifies; for Ed25519 that makes the line verifiable by any
 * C2SP signed-note implementation.
 *
 * Verification follows signed-note: lines from unknown keys (a name and key hash that match no
 * trusted key) are ignored and never counted; every line from a trusted key must verify; and, as
 * Q-Trust's hybrid rule, every trusted key must have a verifying line.
 */
import { utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { hashTagged, TAGS, type HashPrimitives } from '../hash.js';
import { checkSecretKeyEntry, type SecretKeyEntry } from '../sign/keyid.js';
import { getSuite } from '../sign/suites.js';
import type { SuiteBackend, SuiteId } from '../sign/suite.js';
import { formatCheckpoint, parseCheckpointBody, type CheckpointBody } from './body.js';
import {
  formatSignatureLine,
  isKeyName,
  MAX_SIGNATURE_LINES,
  noteKeyHash,
  parseSignedNote,
  type NoteSignature,
} from './note.js';
import { abytes, aplainObject, astring, bytesToHex, equalBytes } from '../bytes.js';

/** A signer: a secret-key entry (src-shared/sign) and the key name its signature line carries. */
export interface CheckpointSigner extends SecretKeyEntry {
  readonly name: string;
}

/** A trusted key: the key name, suite and public key a verifier pins. */
export interface CheckpointKey {
  readonly name: string;
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
}

export interface ParsedCheckpoint {
  readonly body: CheckpointBody;
  /** The note text that the signatures cover. */
  readonly bodyText: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedCheckpoint extends ParsedCheckpoint {
  /** The trusted keys whose signatures verified, in the order given. */
  readonly verifiedBy: readonly { readonly name: string; readonly suite: SuiteId }[];
}

export interface VerifyCheckpointOptions {
  /** When given, a checkpoint of any other origin is refused (QT_CHECKPOINT_ORIGIN). */
  readonly origin?: string;
  /** Faster sign/verify implementations (node:crypto...), identical in output. */
  readonly backend?: SuiteBackend;
  readonly hashes?: HashPrimitives;
}

function keyError(message: string, path: string): QtError {
  return new QtError('QT_CHECKPOINT_KEY', message, { path });
}

function aname(value: unknown, path: string): string {
  if (typeof value !== 'string' || !isKeyName(value)) {
    throw keyError(`${path} must be 1-255 printable ASCII characters other than space and +`, path);
  }
  return value;
}

/** Parses a signed checkpoint strictly (QT_CHECKPOINT_FORMAT); signatures are not verified. */
export function parseCheckpoint(text: unknown): ParsedCheckpoint {
  const note = parseSignedNote(text);
  return Object.freeze({
    body: parseCheckpointBody(note.body),
    bodyText: note.body,
    signatures: note.signatures,
  });
}

/** H("qtrust/checkpoint/v1", UTF-8 of the full signed text): what the next checkpoint's `prev` holds. */
export function checkpointHash(text: string, hashes?: HashPrimitives): Uint8Array {
  parseCheckpoint(text);
  return hashTagged(TAGS.checkpoint, utf8ToBytes(text), hashes);
}

/**
 * Signs a checkpoint body with every signer (one line each, in order) and returns the signed
 * note. Each signature is verified against the signer's public key before it is emitted, so a
 * mismatched key pair fails here (QT_CHECKPOINT_KEY) rather than at every verifier.
 */
export function signCheckpoint(
  body: CheckpointBody,
  signers: readonly CheckpointSigner[],
  backend: SuiteBackend = {},
  hashes?: HashPrimitives,
): string {
  const text = formatCheckpoint(body);
  if (!Array.isArray(signers) || signers.length === 0) {
    throw keyError('signers must be a non-empty array', 'signers');
  }
  if (signers.length > MAX_SIGNATURE_LINES)
    throw keyError(`at most ${MAX_SIGNATURE_LINES} signers`, 'signers');
  const message = utf8ToBytes(text);
  const seen = new Set<string>();
  let lines = '';
  signers.forEach((raw: unknown, i) => {
    const path = `signers[${i}]`;
    const name = aname(aplainObject(raw, path).name, `${path}.name`);
    const signer = checkSecretKeyEntry(raw, path);
    const keyHash = noteKeyHash(name, signer.suite, signer.publicKey, hashes);
    const id = `${name} ${bytesToHex(keyHash)}`;
    if (seen.has(id)) throw keyError(`${path} repeats the key name and key hash of an earlier signer`, path);
    seen.add(id);
    const impl = backend[signer.suite] ?? getSuite(signer.suite);
    const signature = impl.sign(signer.secretKey, message);
    if (!impl.verify(signer.publicKey, message, signature)) {
      throw keyError(`${path}.secretKey does not belong to ${path}.publicKey`, `${path}.secretKey`);
    }
    lines += formatSignatureLine({ name, keyHash, signature });
  });
  return `${text}\n${lines}`;
}

/**
 * Verifies a signed checkpoint against pinned keys and returns it parsed. Throws
 * QT_CHECKPOINT_FORMAT (malformed text), QT_CHECKPOINT_KEY (malformed or ambiguous trusted keys),
 * QT_CHECKPOINT_ORIGIN (another log) or QT_CHECKPOINT_SIGNATURE (a trusted key's line fails, or a
 * trusted key has no line).
 */
export function verifyCheckpoint(
  text: string,
  trusted: readonly CheckpointKey[],
  options: VerifyCheckpointOptions = {},
): VerifiedCheckpoint {
  aplainObject(options, 'options');
  if (options.origin !== undefined) astring(options.origin, 'options.origin');
  if (!Array.isArray(trusted) || trusted.length === 0)
    throw keyError('trusted must be a non-empty array', 'trusted');
  if (trusted.length > MAX_SIGNATURE_LINES)
    throw keyError(`at most ${MAX_SIGNATURE_LINES} trusted keys`, 'trusted');
  const keys = trusted.map((raw: unknown, i) => {
    const path = `trusted[${i}]`;
    const o = aplainObject(raw, path);
    const name = aname(o.name, `${path}.name`);
    const suite = getSuite(o.suite, `${path}.suite`);
    const publicKey = abytes(o.publicKey, `${path}.publicKey`, suite.publicKeyLength);
    return {
      name,
      suite: suite.id,
      publicKey,
      keyHash: noteKeyHash(name, suite.id, publicKey, options.hashes),
    };
  });
  keys.forEach((k, i) => {
    for (let j = 0; j < i; j++) {
      const o = keys[j] as (typeof keys)[number];
      if (o.name === k.name && equalBytes(o.keyHash, k.keyHash)) {
        throw keyError(`trusted[${i}] has the key name and key hash of trusted[${j}]`, `trusted[${i}]`);
      }
    }
  });
  const parsed = parseCheckpoint(text);
  if (options.origin !== undefined && parsed.body.origin !== options.origin) {
    throw new QtError(
      'QT_CHECKPOINT_ORIGIN',
      `checkpoint origin "${parsed.body.origin.slice(0, 80)}" is not the expected origin "${String(options.origin).slice(0, 80)}"`,
      { path: 'body.origin' },
    );
  }
  const message = utf8ToBytes(parsed.bodyText);
  const backend = options.backend ?? {};
  const verified = keys.map(() => false);
  parsed.signatures.forEach((sig, s) => {
    const i = keys.findIndex((k) => k.name === sig.name && equalBytes(k.keyHash, sig.keyHash));
    if (i < 0) return; // an unknown key: ignored, never counted (signed-note)
    const k = keys[i] as (typeof keys)[number];
    const impl = backend[k.suite] ?? getSuite(k.suite);
    if (!impl.verify(k.publicKey, message, sig.signature)) {
      throw new QtError(
        'QT_CHECKPOINT_SIGNATURE',
        `signatures[${s}] (${k.name}, ${k.suite}) does not verify`,
        {
          path: `signatures[${s}]`,
        },
      );
    }
    verified[i] = true;
  });
  const missing = keys.filter((_, i) => !verified[i]);
  if (missing.length > 0) {
    throw new QtError(
      'QT_CHECKPOINT_SIGNATURE',
      `checkpoint lacks a signature from ${missing.map((k) => `${k.name} (${k.suite})`).join(', ')}`,
      { path: 'signatures' },
    );
  }
  return Object.freeze({
    ...parsed,
    verifiedBy: Object.freeze(keys.map((k) => Object.freeze({ name: k.name, suite: k.suite }))),
  });
}
