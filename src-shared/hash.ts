/**
 * Domain-separated hashing: H(tag, data).
 *
 * Encoding (docs/formats.md, "Hashing"): the digest input is
 *   u8(len(tag)) || tag || u64be(len(data)) || data
 * where `tag` is the ASCII tag. Both fields are length-prefixed, so the encoding is injective:
 * two different (tag, data) pairs never produce the same digest input, and the same data
 * under two tags never hashes alike (barring a collision in the hash function itself).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, astring, u64be } from './bytes.js';
import { QtError } from './errors.js';

/** Every tag the core uses. A tag names a purpose and a version; never reuse one for another purpose. */
export const TAGS = Object.freeze({
  /** Free-form hashing from the CLI's `qtrust hash`, for files with no other purpose. */
  file: 'qtrust/file/v1',
  /** Key ids: H(keyid, suite || 0x00 || public key). */
  keyId: 'qtrust/keyid/v1',
  /** Canonical JSON documents in general. */
  json: 'qtrust/json/v1',
  /** Policy documents (canonical JSON). */
  policy: 'qtrust/policy/v1',
  /** Authorization requests (canonical JSON). */
  request: 'qtrust/request/v1',
  /** Approval requests (canonical JSON). */
  approvalRequest: 'qtrust/approval-request/v1',
  /** Grants (canonical JSON). */
  grant: 'qtrust/grant/v1',
  /** Evidence records (canonical JSON). */
  evidence: 'qtrust/evidence/v1',
  /** Signed checkpoints (their full text form). */
  checkpoint: 'qtrust/checkpoint/v1',
  /** Anchor commitments: H(anchor-commitment, salt || origin || tree size). */
  anchorCommitment: 'qtrust/anchor-commitment/v1',
  /** Ceremony transcript steps. */
  ceremony: 'qtrust/ceremony/v1',
  /** Secret-key sealing: associated data binding. */
  sealedKey: 'qtrust/sealed-key/v1',
} as const);

export type TagName = keyof typeof TAGS;
export type Tag = (typeof TAGS)[TagName];

const KNOWN = new Set<string>(Object.values(TAGS));

/** Asserts that `tag` is one of the registered tags. */
export function atag(tag: unknown, name = 'tag'): Tag {
  const s = astring(tag, name);
  if (!KNOWN.has(s)) {
    throw new QtError(
      'QT_UNKNOWN_TAG',
      `${name} "${s.slice(0, 64)}" is not a registered tag; known tags: ${[...KNOWN].join(', ')}`,
      {
        path: name,
      },
    );
  }
  return s as Tag;
}

/** The primitive hash functions; a Node-side backend may supply faster ones with identical output. */
export interface HashPrimitives {
  readonly sha256: (data: Uint8Array) => Uint8Array;
  readonly keccak256: (data: Uint8Array) => Uint8Array;
  /**
   * Optional: the lower-case hex of sha256(data), for callers that want the digest as text (a
   * request hash per policy decision). A backend whose hash function can write hex itself skips the
   * bytes and the table lookups; without it, callers hex-encode `sha256`'s output.
   */
  readonly sha256Hex?: (data: Uint8Array) => string;
}

export const nobleHashes: HashPrimitives = Object.freeze({
  sha256: (data: Uint8Array) => sha256(data),
  keccak256: (data: Uint8Array) => keccak_256(data),
});

/** The exact bytes that are hashed for (tag, data). Exported for test vectors and other implementations. */
export function taggedInput(tag: Tag, data: Uint8Array): Uint8Array {
  atag(tag);
  abytes(data, 'data');
  const out = new Uint8Array(1 + tag.length + 8 + data.length);
  out[0] = tag.length;
  for (let i = 0; i < tag.length; i++) out[1 + i] = tag.charCodeAt(i);
  out.set(u64be(data.length), 1 + tag.length);
  out.set(data, 1 + tag.length + 8);
  return out;
}

/** SHA-256 of the domain-separated encoding of (tag, data). */
export function hashTagged(tag: Tag, data: Uint8Array, hashes: HashPrimitives = nobleHashes): Uint8Array {
  return hashes.sha256(taggedInput(tag, data));
}

/** Keccak-256 of the domain-separated encoding of (tag, data), for values checked on an EVM chain. */
export function keccakTagged(tag: Tag, data: Uint8Array, hashes: HashPrimitives = nobleHashes): Uint8Array {
  return hashes.keccak256(taggedInput(tag, data));
}
