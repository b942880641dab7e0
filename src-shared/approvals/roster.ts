/**
 * The approver roster (docs/approvals.md, "Roster"): who may approve, in which groups, with
 * which keys. It is a signed document: counting trusts a roster only after its envelope verifies
 * under the roster administrators' pinned keys. A person's keys form one hybrid set; an approval
 * by that person must verify under every key of it.
 */
import { z } from 'zod';
import { canonicalBytes, type JsonValue } from '../canonical.js';
import { fromBase64url, toBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import {
  SUITE_IDS,
  getSuite,
  keyId,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
  type PublicKeyEntry,
  type SecretKeyEntry,
  type SuiteId,
} from '../sign/index.js';
import { canonicalPayload, identifier, parseWith, toJson } from './schema.js';

export const ROSTER_TYPE = 'qtrust/roster/v1';
export const ROSTER_PAYLOAD_TYPE = 'application/vnd.qtrust.roster+json';
export const MAX_APPROVERS = 10_000;
/** A person's hybrid set: at most one key per suite in practice; 16 leaves room for rotation. */
export const MAX_KEYS_PER_APPROVER = 16;
const CODE = 'QT_ROSTER_INVALID';
/** Rosters that came out of verifyRoster (frozen, so they cannot be edited afterwards). */
const VERIFIED = new WeakSet<Roster>();

export interface RosterApprover {
  readonly id: string;
  readonly name?: string;
  readonly groups: readonly string[];
  readonly keys: readonly PublicKeyEntry[];
}

export interface Roster {
  readonly type: typeof ROSTER_TYPE;
  readonly roster: string;
  readonly version: number;
  readonly approvers: readonly RosterApprover[];
}

const keySchema = z.strictObject({
  suite: z.enum(SUITE_IDS as unknown as [SuiteId, ...SuiteId[]]),
  keyid: z.string().min(1).max(256),
  publicKey: z
    .string()
    .min(1)
    .max(16_384)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url'),
});

const rosterSchema = z.strictObject({
  type: z.literal(ROSTER_TYPE),
  roster: identifier,
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  approvers: z
    .array(
      z.strictObject({
        id: identifier,
        name: identifier.optional(),
        groups: z
          .array(identifier)
          .max(64)
          .refine((g) => new Set(g).size === g.length, 'groups must be distinct'),
        keys: z.array(keySchema).min(1).max(MAX_KEYS_PER_APPROVER),
      }),
    )
    .min(1)
    .max(MAX_APPROVERS),
});

/**
 * Strict parse of a roster document (JSON text or value). Beyond the schema: every public key
 * must decode to its suite's length, every key id must be the key id of its (suite, key), no key
 * id may be listed twice (for one person or two), and no person twice.
 */
export function parseRoster(input: unknown): Roster {
  const doc = parseWith(rosterSchema, toJson(input, CODE, 'roster'), CODE, 'roster');
  const people = new Set<string>();
  const owners = new Map<string, string>();
  const approvers = doc.approvers.map((a, i): RosterApprover => {
    if (people.has(a.id)) {
      throw new QtError('QT_ROSTER_DUPLICATE_APPROVER', `roster lists approver "${a.id}" twice`, {
        path: `$.approvers[${i}].id`,
      });
    }
    people.add(a.id);
    const keys = a.keys.map((k, j): PublicKeyEntry => {
      const path = `$.approvers[${i}].keys[${j}]`;
      const publicKey = decodeKey(k.suite, k.publicKey, `${path}.publicKey`);
      if (keyId(k.suite, publicKey) !== k.keyid) {
        throw new QtError(
          'QT_ROSTER_KEYID_MISMATCH',
          `roster: ${path}.keyid is not the key id of its public key`,
          {
            path: `${path}.keyid`,
          },
        );
      }
      const owner = owners.get(k.keyid);
      if (owner !== undefined) {
        throw new QtError(
          'QT_ROSTER_DUPLICATE_KEY',
          `roster: key id ${k.keyid.slice(0, 80)} is listed for "${owner}" and again for "${a.id}"`,
          { path: `${path}.keyid` },
        );
      }
      owners.set(k.keyid, a.id);
      return Object.freeze({ suite: k.suite, keyid: k.keyid, publicKey });
    });
    const base = { id: a.id, groups: Object.freeze([...a.groups]), keys: Object.freeze(keys) };
    return Object.freeze(a.name === undefined ? base : { ...base, name: a.name });
  });
  return Object.freeze({
    type: ROSTER_TYPE,
    roster: doc.roster,
    version: doc.version,
    approvers: Object.freeze(approvers),
  });
}

function decodeKey(suite: SuiteId, text: string, path: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64url(text, path);
  } catch (cause) {
    throw new QtError(CODE, `roster: ${path} is not canonical base64url`, { path, cause });
  }
  const { publicKeyLength } = getSuite(suite);
  if (key.length !== publicKeyLength) {
    throw new QtError(
      CODE,
      `roster: ${path} must be ${publicKeyLength} bytes for ${suite}, got ${key.length}`,
      {
        path,
      },
    );
  }
  return key;
}

/** The JSON document of a parsed roster (public keys back to base64url), for signing and export. */
export function rosterToJson(roster: Roster): JsonValue {
  return {
    type: ROSTER_TYPE,
    roster: roster.roster,
    version: roster.version,
    approvers: roster.approvers.map((a) => ({
      id: a.id,
      ...(a.name === undefined ? {} : { name: a.name }),
      groups: [...a.groups],
      keys: a.keys.map((k) => ({ suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) })),
    })),
  };
}

/** Signs a roster document (validated first) by the roster administrators' keys. */
export function signRoster(input: unknown, signers: readonly SecretKeyEntry[]): Envelope {
  const roster = parseRoster(input);
  return signEnvelope(ROSTER_PAYLOAD_TYPE, canonicalBytes(rosterToJson(roster)), signers);
}

export interface VerifyRosterOptions {
  /** The roster name expected (refuse a valid roster of another team). */
  readonly roster?: string;
  /** Refuse versions below this (roll-back to an older roster). */
  readonly minVersion?: number;
}

/**
 * Verifies a roster envelope under the administrators' pinned keys (every key must have signed:
 * verifyEnvelope's all-of rule) and parses its canonical payload. Trust comes only from
 * `trustedKeys`, never from the envelope itself.
 */
export function verifyRoster(
  envelope: unknown,
  trustedKeys: readonly PublicKeyEntry[],
  opts: VerifyRosterOptions = {},
): Roster {
  if (!Array.isArray(trustedKeys) || trustedKeys.length === 0) {
    throw new QtError('QT_TYPE', 'trustedKeys must be a non-empty array of public keys', {
      path: 'trustedKeys',
    });
  }
  let payload: Uint8Array;
  try {
    payload = verifyEnvelope(envelope, trustedKeys, { payloadType: ROSTER_PAYLOAD_TYPE }).payload;
  } catch (cause) {
    const e = cause as QtError;
    const why = `${e.code}: ${e.message}`;
    throw new QtError(
      'QT_ROSTER_SIGNATURE',
      `roster envelope does not verify under the trusted keys (${why})`,
      {
        path: 'envelope',
        cause,
      },
    );
  }
  const roster = parseRoster(canonicalPayload(payload, CODE, 'roster'));
  if (opts.roster !== undefined && roster.roster !== opts.roster) {
    throw new QtError('QT_ROSTER_INVALID', `roster is "${roster.roster}", expected "${opts.roster}"`, {
      path: '$.roster',
    });
  }
  if (opts.minVersion !== undefined && roster.version < opts.minVersion) {
    throw new QtError(
      'QT_ROSTER_ROLLBACK',
      `roster version ${roster.version} is older than ${opts.minVersion}`,
      {
        path: '$.version',
      },
    );
  }
  VERIFIED.add(roster);
  return roster;
}

/** True only for a roster object returned by verifyRoster: counting refuses unsigned look-alikes. */
export function isVerifiedRoster(value: unknown): value is Roster {
  return typeof value === 'object' && value !== null && VERIFIED.has(value as Roster);
}
