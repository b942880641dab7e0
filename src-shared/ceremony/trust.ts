/**
 * The ceremony trust file (docs/ceremonies.md, "Verifying"): the software keys by which each
 * participant attests steps, pinned by whoever verifies a transcript (never taken from the
 * transcript itself), and the HSM key history that rotations and retirements update.
 */
import { z } from 'zod';
import { fromBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { MAX_SIGNATURES, checkPublicKeyEntry, type PublicKeyEntry } from '../sign/index.js';

export const CEREMONY_TRUST_TYPE = 'qtrust/ceremony-trust';

const keySchema = z.strictObject({ suite: z.string(), keyid: z.string(), publicKey: z.string() });
const historySchema = z.strictObject({
  label: z.string().min(1).max(64),
  token: z.string().min(1).max(32),
  type: z.string().min(1).max(16),
  keyid: z.string().max(80).optional(),
  publicKey: z.string().max(100).optional(),
  status: z.enum(['active', 'retiring', 'retired']),
  ceremony: z.string().min(1).max(32),
  replacedBy: z.string().max(80).optional(),
});

export const ceremonyTrustSchema = z.strictObject({
  version: z.literal(1),
  type: z.literal(CEREMONY_TRUST_TYPE),
  participants: z
    .array(
      z.strictObject({ id: z.string().min(1).max(32), keys: z.array(keySchema).min(1).max(MAX_SIGNATURES) }),
    )
    .min(1)
    .max(256),
  keyHistory: z.array(historySchema).max(10_000).optional(),
});

export type CeremonyTrustJson = z.infer<typeof ceremonyTrustSchema>;
export type KeyHistoryEntry = z.infer<typeof historySchema>;

export interface CeremonyTrust {
  readonly participants: ReadonlyMap<string, readonly PublicKeyEntry[]>;
  readonly json: CeremonyTrustJson;
}

function invalid(path: string, message: string, cause?: unknown): QtError {
  return new QtError('QT_CEREMONY_TRUST', `ceremony trust file ${path}: ${message}`, { path, cause });
}

/** Parses a ceremony trust file (a JSON value). Failures are QT_CEREMONY_TRUST with the JSON path. */
export function parseCeremonyTrust(value: unknown): CeremonyTrust {
  const r = ceremonyTrustSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const path = ['$', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join(
      '',
    );
    throw invalid(path, issue.message, r.error);
  }
  const participants = new Map<string, PublicKeyEntry[]>();
  r.data.participants.forEach((p, i) => {
    if (participants.has(p.id))
      throw invalid(`$.participants[${i}].id`, `participant "${p.id}" is listed twice`);
    const keys = p.keys.map((k, j) => {
      const at = `$.participants[${i}].keys[${j}]`;
      try {
        return checkPublicKeyEntry(
          { suite: k.suite, keyid: k.keyid, publicKey: fromBase64url(k.publicKey, `${at}.publicKey`) },
          at,
        );
      } catch (cause) {
        throw invalid(at, (cause as Error).message, cause);
      }
    });
    if (new Set(keys.map((k) => k.keyid)).size !== keys.length)
      throw invalid(`$.participants[${i}].keys`, 'lists one key twice');
    participants.set(p.id, keys);
  });
  return { participants, json: r.data };
}
