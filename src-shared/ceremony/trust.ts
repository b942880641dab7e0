/**
 * The ceremony trust file (docs/ceremonies.md, "Verifying"): the software keys by which each
 * participant attests steps, pinned by whoever verifies a transcript (never taken from the
 * transcript itself), and the HSM key history that rotations and retirements update.
 */
import { z } from 'zod';
import { fromBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { MAX_SIGNATURES, checkPublicKeyEntry, type PublicKeyEntry } from '../sign/index.js';
import { keyLabel, parseScript, type CeremonyScript } from './script.js';

export const CEREMONY_TRUST_TYPE = 'qtrust/ceremony-trust';
/** The times a ceremony records (toISOString form), compared as instants. */
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

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
  /** When the key became current (RFC 3339 UTC, the time of the step that made it). */
  since: z.string().regex(RFC3339_UTC, 'must be an RFC 3339 UTC time').optional(),
  /** When it stopped being current: the rotation that replaced it or the step that retired it. */
  until: z.string().regex(RFC3339_UTC, 'must be an RFC 3339 UTC time').optional(),
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

// ---- key history ---------------------------------------------------------------------------------

/** Milliseconds of an RFC 3339 UTC time, or undefined when it is not one. */
export function instant(time: unknown): number | undefined {
  if (typeof time !== 'string' || !RFC3339_UTC.test(time)) return undefined;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Whether the trust file's key history lets key `keyid` sign at `time`: true when the history does
 * not know the key (it documents keys, it does not enumerate them), or when one of its entries for
 * the key covers the time (since <= time <= until). A rotation is the replaced key's last act, so
 * `until` itself is still inside the range; anything later is refused.
 */
export function keyUsableAt(trust: CeremonyTrustJson, keyid: string, time: string): boolean {
  const entries = (trust.keyHistory ?? []).filter((h) => h.keyid === keyid);
  if (entries.length === 0) return true;
  const t = instant(time);
  if (t === undefined) return false;
  return entries.some((h) => {
    const since = instant(h.since);
    const until = instant(h.until);
    if (h.status === 'retired' && until === undefined) return false;
    return (since === undefined || since <= t) && (until === undefined || t <= until);
  });
}

const keyOut = z.object({
  label: z.string(),
  type: z.string(),
  publicKey: z.string(),
  keyid: z.string(),
});
const stepEntry = z.object({
  ceremony: z.string(),
  event: z.literal('step'),
  step: z.string(),
  time: z.string().regex(RFC3339_UTC),
  body: z.object({ kind: z.string(), outcome: z.unknown() }),
});

function historyError(message: string, cause?: unknown): QtError {
  return new QtError('QT_CEREMONY_TRUST', `key history: ${message}`, { path: '$.keyHistory', cause });
}

function outcomeOf<T>(schema: z.ZodType<T>, value: unknown, step: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw historyError(`the outcome of step "${step}" is malformed`, r.error);
  return r.data;
}

/**
 * The trust document after one transcript entry (pure: the input is not changed). Only the key
 * steps change the history: generate-key and generate-seal-key add a current key; rotate-key adds
 * the new key as current from the entry's time and marks the old one (found by key id) retiring
 * from that time, replaced by the new key (an old key the history did not know is added so);
 * backup-key records the copy on its second token with the original's range; retire-key marks
 * the key retired. Call it only with entries of a transcript that verified.
 */
export function updateKeyHistory(
  trust: CeremonyTrustJson,
  script: CeremonyScript,
  entry: unknown,
): CeremonyTrustJson {
  const parsedEntry = stepEntry.safeParse(entry);
  if (!parsedEntry.success) return trust;
  const e = parsedEntry.data;
  if (e.ceremony !== script.id)
    throw historyError(`the entry belongs to ceremony ${e.ceremony}, not ${script.id}`);
  const step = script.steps.find((s) => s.id === e.step);
  if (step === undefined || step.kind !== e.body.kind)
    throw historyError(`the script of ${script.id} has no ${e.body.kind} step "${e.step}"`);
  // Every token a step names is one of the script's (checkScript).
  const tokenLabel = (name: string) =>
    (script.tokens.find((t) => t.name === name) as CeremonyScript['tokens'][number]).label;
  const history = [...(trust.keyHistory ?? [])];
  const current = (k: z.infer<typeof keyOut>, token: string): KeyHistoryEntry => ({
    label: k.label,
    token: tokenLabel(token),
    type: k.type,
    keyid: k.keyid,
    publicKey: k.publicKey,
    status: 'active',
    ceremony: script.id,
    since: e.time,
  });
  switch (step.kind) {
    case 'generate-key':
      history.push(current(outcomeOf(z.object({ key: keyOut }), e.body.outcome, step.id).key, step.token));
      break;
    case 'generate-seal-key':
      history.push({
        label: keyLabel(script, step.key.class, step.key.name),
        token: tokenLabel(step.token),
        type: 'aes-256',
        status: 'active',
        ceremony: script.id,
        since: e.time,
      });
      break;
    case 'rotate-key': {
      const o = outcomeOf(z.object({ key: keyOut, old: z.string() }), e.body.outcome, step.id);
      const retiring = { status: 'retiring' as const, replacedBy: o.key.keyid, until: e.time };
      let known = false;
      history.forEach((h, i) => {
        if (h.keyid === o.old && h.status === 'active') {
          history[i] = { ...h, ...retiring };
          known = true;
        }
      });
      if (!known) {
        const def = script.existingKeys?.find((k) => k.token === step.token && k.name === step.from);
        history.push({
          label: def === undefined ? `${step.from}` : keyLabel(script, def.class, def.name),
          token: tokenLabel(step.token),
          type: def?.type ?? o.key.type,
          keyid: o.old,
          ...(def?.publicKey === undefined ? {} : { publicKey: def.publicKey }),
          ceremony: script.id,
          ...retiring,
        });
      }
      history.push(current(o.key, step.token));
      break;
    }
    case 'backup-key': {
      const o = outcomeOf(z.object({ label: z.string() }), e.body.outcome, step.id);
      const from = tokenLabel(step.from);
      const src = history.find((h) => h.token === from && h.label === o.label && h.status !== 'retired');
      if (src !== undefined) history.push({ ...src, token: tokenLabel(step.to), ceremony: script.id });
      break;
    }
    case 'retire-key': {
      const o = outcomeOf(z.object({ label: z.string() }), e.body.outcome, step.id);
      const token = tokenLabel(step.token);
      history.forEach((h, i) => {
        if (h.token === token && h.label === o.label && h.status !== 'retired')
          history[i] = { ...h, status: 'retired', until: h.until ?? e.time };
      });
      break;
    }
    case 'init-token':
      return trust;
  }
  const next = ceremonyTrustSchema.safeParse({ ...trust, keyHistory: history });
  if (!next.success) throw historyError((next.error.issues[0] as z.core.$ZodIssue).message, next.error);
  return next.data;
}

/** The trust document after every step of a (verified) transcript, in order. */
export function updateKeyHistoryFromTranscript(
  trust: CeremonyTrustJson,
  transcript: { readonly entries: readonly { readonly entry: unknown }[] },
): CeremonyTrustJson {
  const start = transcript.entries[0]?.entry as { body?: { script?: unknown } } | undefined;
  const script = parseScript(start?.body?.script);
  return transcript.entries.reduce((t, x) => updateKeyHistory(t, script, x.entry), trust);
}
