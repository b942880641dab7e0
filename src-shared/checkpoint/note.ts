/**
 * The signed-note framing of C2SP signed-note (c2sp.org/signed-note): a text ending in a newline,
 * a blank line, then one or more signature lines
 *
 *   U+2014 SP <key name> SP base64( 4-byte key hash || signature ) LF
 *
 * plus the key hashes (the spec's "key ID"; renamed here because Q-Trust key ids are another thing).
 * Key hash = SHA-256(key name || 0x0A || signature type || public key)[:4]. Ed25519 uses type 0x01
 * exactly as the spec assigns it, so a C2SP Ed25519 verifier accepts our Ed25519 lines. The other
 * suites have no assigned type; we use the escape the spec reserves for that, 0xFF followed by a
 * longer identifier: 0xFF || "qtrust/note/" || suite id || 0x00 (Q-Trust-specific; the NUL ends
 * the identifier so that no suite's type is a prefix of another's).
 */
import { base64 } from '@scure/base';
import { abytes, concatBytes, utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { getSuite } from '../sign/suites.js';
import type { SuiteId } from '../sign/suite.js';

export const EM_DASH = '\u2014';
/** Largest note accepted, in UTF-16 units (C2SP asks verifiers to bound notes; 16 ML-DSA-87 lines fit). */
export const MAX_NOTE_LENGTH = 256 * 1024;
/** Most signature lines accepted; C2SP requires at least 16. */
export const MAX_SIGNATURE_LINES = 32;
/** Longest key name, in characters. */
export const MAX_KEY_NAME_LENGTH = 255;

export interface NoteSignature {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The note text: everything before the blank line, including its final newline. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

function formatError(message: string, path = 'text'): QtError {
  return new QtError('QT_CHECKPOINT_FORMAT', message, { path });
}

/** Key names (and origins): 1-255 printable ASCII characters other than space and '+'. */
export function isKeyName(s: string): boolean {
  if (s.length < 1 || s.length > MAX_KEY_NAME_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2b) return false;
  }
  return true;
}

/** Strict standard base64 (RFC 4648 §4, padded): one text form per byte string. */
export function decodeBase64Std(text: string, what: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = base64.decode(text);
  } catch (cause) {
    throw new QtError('QT_CHECKPOINT_FORMAT', `${what} is not valid padded standard base64`, {
      path: what,
      cause,
    });
  }
  // @scure/base already refuses stray low bits; re-encoding keeps "one text form" independent of that.
  /* v8 ignore next 3 */
  if (base64.encode(out) !== text) {
    throw formatError(`${what} is not canonical padded standard base64`, what);
  }
  return out;
}

export function encodeBase64Std(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/** The signature type bytes of a suite (see the file comment). */
export function signatureType(suite: SuiteId): Uint8Array {
  if (suite === 'ed25519') return Uint8Array.of(0x01);
  return concatBytes(Uint8Array.of(0xff), utf8ToBytes(`qtrust/note/${suite}`), Uint8Array.of(0x00));
}

/** SHA-256(key name || 0x0A || signature type || public key)[:4]. */
export function noteKeyHash(
  name: string,
  suite: SuiteId,
  publicKey: Uint8Array,
  hashes: HashPrimitives = nobleHashes,
): Uint8Array {
  if (typeof name !== 'string' || !isKeyName(name)) {
    throw new QtError(
      'QT_CHECKPOINT_KEY',
      'key name must be 1-255 printable ASCII characters other than space and +',
      {
        path: 'name',
      },
    );
  }
  abytes(publicKey, 'publicKey', getSuite(suite).publicKeyLength);
  const digest = hashes.sha256(
    concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a), signatureType(suite), publicKey),
  );
  return digest.slice(0, 4);
}

export function formatSignatureLine(sig: NoteSignature): string {
  return `${EM_DASH} ${sig.name} ${encodeBase64Std(concatBytes(sig.keyHash, sig.signature))}\n`;
}

/** Checks the character set of a whole note: no control characters but LF, no lone surrogates. */
function acharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) {
      throw formatError(
        `text contains the control character U+${c.toString(16).padStart(4, '0')} at offset ${i}`,
      );
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff))
        throw formatError(`text contains a lone surrogate at offset ${i}`);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw formatError(`text contains a lone surrogate at offset ${i}`);
    }
  }
}

/** Splits a signed note into its text and signature lines; every malformation is QT_CHECKPOINT_FORMAT. */
export function parseSignedNote(text: unknown): SignedNote {
  if (typeof text !== 'string') throw new QtError('QT_TYPE', 'text must be a string', { path: 'text' });
  if (text.length > MAX_NOTE_LENGTH) throw formatError(`text is longer than ${MAX_NOTE_LENGTH} characters`);
  acharacters(text);
  if (!text.endsWith('\n')) throw formatError('text must end with a newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw formatError('text has no blank line before its signature lines');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURE_LINES)
    throw formatError(`text has more than ${MAX_SIGNATURE_LINES} signature lines`);
  const signatures = lines.map((line, i) => {
    const path = `signatures[${i}]`;
    const parts = line.split(' ');
    if (parts.length !== 3 || parts[0] !== EM_DASH) {
      throw formatError(`${path} must be "${EM_DASH} <key name> <base64>"`, path);
    }
    const name = parts[1] as string;
    if (!isKeyName(name)) throw formatError(`${path} has an invalid key name`, path);
    const blob = decodeBase64Std(parts[2] as string, path);
    if (blob.length < 5) throw formatError(`${path} is too short to hold a key hash and a signature`, path);
    return Object.freeze({ name, keyHash: blob.slice(0, 4), signature: blob.slice(4) });
  });
  return Object.freeze({ body, signatures: Object.freeze(signatures) });
}
