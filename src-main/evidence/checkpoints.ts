/**
 * The store's view of checkpoints: sign one for (origin, size, root, previous, time) with the
 * producer's hybrid key set, and verify a stored one against the producer keys recorded for the
 * log. The text is a C2SP signed note (src-shared/checkpoint, docs/formats.md "Checkpoints") whose
 * signature lines use the log's origin as key name, one line per producer key; `prev` links to the
 * previous checkpoint's hash (absent on the first) and `time` is the signing time in the record
 * time profile (RFC 3339 UTC with milliseconds).
 */
import { canonicalize, parseJson } from '../../src-shared/canonical.js';
import { equalBytes, fromBase64url, toBase64url } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import type { HashPrimitives } from '../../src-shared/hash.js';
import {
  checkpointHash,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointBody,
} from '../../src-shared/checkpoint/index.js';
import { formatRecordTime } from '../../src-shared/evidence/record.js';
import {
  checkPublicKeyEntry,
  type PublicKeyEntry,
  type SecretKeyEntry,
} from '../../src-shared/sign/keyid.js';
import type { SuiteBackend } from '../../src-shared/sign/suite.js';

/** A checkpoint as stored: its signed text and the fields the store indexes. */
export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** checkpointHash(text) = H(qtrust/checkpoint/v1, text): what the next checkpoint links to. */
  readonly hash: Uint8Array;
  /** Unix milliseconds (the `time` line of the text). */
  readonly time: number;
  readonly text: string;
}

export interface SignCheckpointInput {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly previous: StoredCheckpoint | null;
  readonly time: number;
  readonly signers: readonly SecretKeyEntry[];
  readonly backend?: SuiteBackend;
  readonly hashes?: HashPrimitives;
}

export function signLogCheckpoint(input: SignCheckpointInput): StoredCheckpoint {
  const body: CheckpointBody = {
    origin: input.origin,
    treeSize: input.size,
    rootHash: input.root,
    ...(input.previous === null ? {} : { prev: input.previous.hash }),
    time: formatRecordTime(input.time, 'clock()'),
  };
  const text = signCheckpoint(
    body,
    input.signers.map((s) => ({ ...s, name: input.origin })),
    input.backend,
    input.hashes,
  );
  return Object.freeze({
    size: input.size,
    root: Uint8Array.from(input.root),
    hash: checkpointHash(text, input.hashes),
    time: input.time,
    text,
  });
}

export interface VerifyCheckpointInput {
  readonly origin: string;
  readonly producer: readonly PublicKeyEntry[];
  readonly previous: StoredCheckpoint | null;
  readonly backend?: SuiteBackend;
  readonly hashes?: HashPrimitives;
}

/**
 * Checks a stored checkpoint: every producer key signed it, it names this origin, its indexed
 * columns (size, root, time, hash) equal what the signed text says, and it links to the previous
 * stored checkpoint (no `prev` line when it is the first). Throws the checkpoint module's errors
 * or QT_CHECKPOINT_MISMATCH.
 */
export function verifyLogCheckpoint(stored: StoredCheckpoint, input: VerifyCheckpointInput): void {
  const trusted = input.producer.map((k) => ({ name: input.origin, suite: k.suite, publicKey: k.publicKey }));
  const { body } = verifyCheckpoint(stored.text, trusted, {
    origin: input.origin,
    backend: input.backend ?? {},
    hashes: input.hashes,
  });
  if (body.treeSize !== stored.size) throw mismatch(`says size ${body.treeSize}, stored as ${stored.size}`);
  if (!equalBytes(body.rootHash, stored.root)) throw mismatch('root differs from the stored root');
  if (body.time !== formatRecordTime(stored.time)) throw mismatch('time differs from the stored time');
  if (!equalBytes(checkpointHash(stored.text, input.hashes), stored.hash)) {
    throw mismatch('text does not match its stored hash');
  }
  if (input.previous === null) {
    if (body.prev !== undefined) throw mismatch('links to a previous checkpoint that is not stored');
  } else if (
    body.prev === undefined ||
    !equalBytes(body.prev, input.previous.hash) ||
    !equalBytes(checkpointHash(input.previous.text, input.hashes), input.previous.hash)
  ) {
    throw mismatch(`does not link to the previous checkpoint (size ${input.previous.size})`);
  }
}

/** A stored checkpoint row with plain Uint8Array blobs (the driver returns Buffers, whose slice() shares memory). */
export function checkpointFromRow(row: StoredCheckpoint): StoredCheckpoint {
  return Object.freeze({
    size: row.size,
    root: Uint8Array.from(row.root),
    hash: Uint8Array.from(row.hash),
    time: row.time,
    text: row.text,
  });
}

function mismatch(message: string): QtError {
  return new QtError('QT_CHECKPOINT_MISMATCH', `checkpoint ${message}`);
}

/** The producer key set as stored with the log: canonical JSON of the public-key entries. */
export function producerEntries(signers: readonly SecretKeyEntry[]): {
  text: string;
  entries: PublicKeyEntry[];
} {
  if (!Array.isArray(signers) || signers.length === 0) {
    throw new QtError('QT_TYPE', 'signers must be a non-empty array of secret-key entries', {
      path: 'signers',
    });
  }
  // Sorted by key id, so the same key set in another order is the same producer.
  const entries = signers
    .map((s, i) => checkPublicKeyEntry(s, `signers[${i}]`))
    .sort((a, b) => (a.keyid < b.keyid ? -1 : a.keyid > b.keyid ? 1 : 0));
  const text = canonicalize(
    entries.map((e) => ({ suite: e.suite, keyid: e.keyid, publicKey: toBase64url(e.publicKey) })),
  );
  return { text, entries };
}

export function parseProducer(text: string): PublicKeyEntry[] {
  const value = parseJson(text);
  if (!Array.isArray(value) || value.length === 0)
    throw new QtError('QT_TYPE', 'producer must be a non-empty array');
  return value.map((v, i) => {
    const o = v as Record<string, unknown>;
    return checkPublicKeyEntry(
      { suite: o.suite, keyid: o.keyid, publicKey: fromBase64url(o.publicKey, `producer[${i}].publicKey`) },
      `producer[${i}]`,
    );
  });
}
