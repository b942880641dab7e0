/**
 * Ceremony transcripts (docs/ceremonies.md, "Transcript format"): a hash chain of entries, each
 *
 *   hash = H("qtrust/ceremony/v1", JCS(entry))        entry.prev = hash of the entry before (zeros first)
 *
 * attested by every participant present at it: an envelope (payload type ATTESTATION_TYPE) over
 * JCS({ type, ceremony, seq, hash, participant }) signed by all of that participant's software keys.
 * The first entry ("start") carries the whole script, so a verifier replays the transcript through
 * the state machine (order, roles, quorum) and re-checks each step's outcome: key ids, self-test
 * signatures by the new HSM keys, rotation statements signed by the old and the new key, backups
 * that sign verifiably like the original, PIN and share commitments present for every custodian.
 */
import { z } from 'zod';
import { bytesToHex, equalBytes, fromBase64url, hexToBytes, isPlainObject } from '../bytes.js';
import { canonicalBytes } from '../canonical.js';
import { QtError, isQtError } from '../errors.js';
import { TAGS, hashTagged } from '../hash.js';
import {
  getSuite,
  keyId,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
  type SecretKeyEntry,
  type SuiteBackend,
} from '../sign/index.js';
import {
  beginStep,
  checkIn,
  checkOut,
  completeStep,
  failStep,
  findKey,
  startCeremony,
  type CeremonyState,
  type KeyRecord,
  type StepResult,
} from './machine.js';
import { keyLabel, parseScript, type CeremonyStep } from './script.js';
import { keyUsableAt, type CeremonyTrust } from './trust.js';

export const TRANSCRIPT_TYPE = 'qtrust/ceremony-transcript';
export const ATTESTATION_TYPE = 'application/vnd.qtrust.ceremony-attestation+json';
export const ZERO = '0'.repeat(64);

export type EntryEvent = 'start' | 'step' | 'failure' | 'end';

export interface TranscriptEntry {
  readonly v: 1;
  readonly ceremony: string;
  readonly seq: number;
  readonly prev: string;
  /** RFC 3339 UTC time, supplied by the caller (the core reads no clock). */
  readonly time: string;
  readonly event: EntryEvent;
  readonly step: string | null;
  readonly present: readonly string[];
  readonly custodians: readonly string[];
  readonly body: Readonly<Record<string, unknown>>;
}

export interface Attestation {
  readonly participant: string;
  readonly envelope: Envelope;
}

export interface SignedEntry {
  readonly entry: TranscriptEntry;
  readonly hash: string;
  readonly attestations: readonly Attestation[];
}

export interface Transcript {
  readonly v: 1;
  readonly type: typeof TRANSCRIPT_TYPE;
  readonly entries: readonly SignedEntry[];
}

export function entryHash(entry: TranscriptEntry): string {
  return bytesToHex(hashTagged(TAGS.ceremony, canonicalBytes(entry)));
}

export function attestationPayload(entry: TranscriptEntry, hash: string, participant: string): Uint8Array {
  return canonicalBytes({
    type: 'qtrust/ceremony-attestation',
    ceremony: entry.ceremony,
    seq: entry.seq,
    hash,
    participant,
  });
}

/** The message a new HSM key signs to prove it works (and that the transcript names the right key). */
export function selfTestMessage(ceremony: string, step: string, label: string): Uint8Array {
  return canonicalBytes({ type: 'qtrust/ceremony-self-test', ceremony, step, label });
}

/** The rotation statement: the old key names the new key; both sign it. */
export function rotationStatement(
  ceremony: string,
  step: string,
  oldKeyid: string,
  newKeyid: string,
  newLabel: string,
): Uint8Array {
  return canonicalBytes({
    type: 'qtrust/key-rotation',
    ceremony,
    step,
    old: oldKeyid,
    new: newKeyid,
    label: newLabel,
  });
}

/** Appends `entry` (whose seq and prev are filled here) with attestations by each present participant. */
export function appendEntry(
  transcript: Transcript,
  entry: Omit<TranscriptEntry, 'seq' | 'prev' | 'v'>,
  signers: ReadonlyMap<string, readonly SecretKeyEntry[]>,
  backend?: SuiteBackend,
): Transcript {
  const last = transcript.entries[transcript.entries.length - 1];
  const full: TranscriptEntry = { v: 1, ...entry, seq: transcript.entries.length, prev: last?.hash ?? ZERO };
  const hash = entryHash(full);
  const attestations = full.present.map((participant): Attestation => {
    const keys = signers.get(participant);
    if (keys === undefined || keys.length === 0) {
      throw new QtError(
        'QT_CEREMONY_ATTESTATION',
        `participant ${participant} is present but has no signing key loaded`,
      );
    }
    return {
      participant,
      envelope: signEnvelope(ATTESTATION_TYPE, attestationPayload(full, hash, participant), keys, backend),
    };
  });
  return { ...transcript, entries: [...transcript.entries, { entry: full, hash, attestations }] };
}

export function emptyTranscript(): Transcript {
  return { v: 1, type: TRANSCRIPT_TYPE, entries: [] };
}

// ---- verification -------------------------------------------------------------------------------

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const entrySchema = z.strictObject({
  v: z.literal(1),
  ceremony: z.string().min(1).max(32),
  seq: z.number().int().min(0),
  prev: hex64,
  time: z.string().min(1).max(40),
  event: z.enum(['start', 'step', 'failure', 'end']),
  step: z.string().max(32).nullable(),
  present: z.array(z.string().max(32)).max(64),
  custodians: z.array(z.string().max(32)).max(32),
  body: z.record(z.string(), z.unknown()),
});
const signedSchema = z.strictObject({
  entry: z.unknown(),
  hash: hex64,
  attestations: z.array(z.strictObject({ participant: z.string().max(32), envelope: z.unknown() })).max(64),
});
export const transcriptSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal(TRANSCRIPT_TYPE),
  entries: z.array(z.unknown()).min(1).max(10_000),
});

export interface VerifyProblem {
  readonly seq: number;
  readonly step: string | null;
  readonly code: string;
  readonly message: string;
}

export type TranscriptReport =
  | {
      readonly ok: true;
      readonly ceremony: string;
      readonly status: string;
      readonly entries: number;
      readonly state: CeremonyState;
    }
  | ({ readonly ok: false } & VerifyProblem);

class Bad extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function bad(code: string, message: string): never {
  throw new Bad(code, message);
}

const KEY_KIND: Readonly<Record<string, string>> = { true: 'backupable', false: 'non-extractable' };

const keyOutcome = z.strictObject({
  token: z.string(),
  name: z.string(),
  label: z.string(),
  id: z.string(),
  type: z.enum(['p256', 'ed25519', 'secp256k1']),
  publicKey: z.string(),
  keyid: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  selfTest: z.string(),
});
type KeyOutcome = z.infer<typeof keyOutcome>;

function parseOutcome<T>(schema: z.ZodType<T>, value: unknown, step: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    bad(
      'QT_CEREMONY_OUTCOME',
      `step "${step}": the outcome is malformed (${(r.error.issues[0] as z.core.$ZodIssue).message})`,
    );
  return r.data;
}

function b64(value: string, what: string): Uint8Array {
  try {
    return fromBase64url(value, what);
  } catch {
    return bad('QT_CEREMONY_OUTCOME', `${what} is not canonical base64url`);
  }
}

function verifySig(
  type: 'p256' | 'ed25519' | 'secp256k1',
  publicKey: Uint8Array,
  message: Uint8Array,
  sig: string,
  what: string,
  backend?: SuiteBackend,
): void {
  const suite = getSuite(type);
  const s = b64(sig, what);
  let ok: boolean;
  try {
    ok =
      publicKey.length === suite.publicKeyLength &&
      s.length === suite.signatureLength &&
      (backend?.[type] ?? suite).verify(publicKey, message, s);
  } catch {
    ok = false;
  }
  if (!ok) bad('QT_CEREMONY_SIGNATURE', `${what} does not verify`);
}

/** When an entry happened, and the trust file whose key history says which HSM keys could sign then. */
interface When {
  readonly trust: CeremonyTrust;
  readonly time: string;
}

/** Refuses a signature by an HSM key outside the range the trust file's key history gives it. */
function inRange(at: When, keyid: string, step: string): void {
  if (!keyUsableAt(at.trust.json, keyid, at.time)) {
    bad(
      'QT_CEREMONY_KEY_RETIRED',
      `step "${step}": key ${keyid} signed at ${at.time}, outside the range the trust file's key history gives it (retiring, retired or not yet current)`,
    );
  }
}

function checkKeyOutcome(
  state: CeremonyState,
  step: CeremonyStep & {
    token: string;
    key: { name: string; class: string; type: string; backupable?: boolean | undefined };
  },
  k: KeyOutcome,
  at: When,
  backend?: SuiteBackend,
): void {
  const label = keyLabel(state.script, step.key.class, step.key.name);
  if (k.token !== step.token || k.name !== step.key.name || k.label !== label || k.type !== step.key.type) {
    bad(
      'QT_CEREMONY_OUTCOME',
      `step "${step.id}": the outcome names ${k.token}/${k.label} (${k.type}), not ${step.token}/${label} (${step.key.type})`,
    );
  }
  const pub = b64(k.publicKey, `step "${step.id}" public key`);
  let id: string;
  try {
    id = keyId(k.type, pub);
  } catch {
    return bad('QT_CEREMONY_OUTCOME', `step "${step.id}": the public key is not a ${k.type} key`);
  }
  if (id !== k.keyid)
    bad('QT_CEREMONY_OUTCOME', `step "${step.id}": keyid ${k.keyid} is not the key id of the public key`);
  const a = k.attributes;
  const backup = step.key.backupable === true;
  if (
    a.sensitive !== true ||
    a.sign !== true ||
    a.decrypt !== false ||
    a.unwrap !== false ||
    a.local !== true ||
    a.extractable !== backup ||
    a.wrapWithTrusted !== backup
  ) {
    bad(
      'QT_CEREMONY_ATTRIBUTES',
      `step "${step.id}": the attributes read back are not those of a ${KEY_KIND[String(backup)]} signing key`,
    );
  }
  verifySig(
    k.type,
    pub,
    selfTestMessage(state.script.id, step.id, label),
    k.selfTest,
    `step "${step.id}": the self-test signature by ${k.keyid}`,
    backend,
  );
  inRange(at, k.keyid, step.id);
}

const initOutcome = z.strictObject({
  token: z.strictObject({ label: z.string(), serial: z.string() }),
  pins: z.strictObject({ user: hex64, so: hex64 }),
  shares: z
    .array(
      z.strictObject({
        custodian: z.string(),
        secret: z.enum(['user', 'so']),
        index: z.number().int(),
        commitment: hex64,
      }),
    )
    .max(64),
});
const sealOutcome = z.strictObject({
  token: z.string(),
  name: z.string(),
  label: z.string(),
  id: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  kcv: hex64,
});
const rotateOutcome = z.strictObject({
  key: keyOutcome,
  old: z.string(),
  oldSignature: z.string(),
  newSignature: z.string(),
});
const backupOutcome = z.strictObject({
  from: z.string(),
  to: z.string(),
  key: z.string(),
  label: z.string(),
  type: z.string(),
  selfTest: z.string().optional(),
  kcvSource: hex64.optional(),
  kcvTarget: hex64.optional(),
  attributes: z.record(z.string(), z.unknown()),
});
const retireOutcome = z.strictObject({
  token: z.string(),
  key: z.string(),
  label: z.string(),
  destroyed: z.number().int().min(0),
  absent: z.literal(true),
});

/** Checks a step's outcome against the state before it; returns what the state machine records. */
function checkOutcome(
  state: CeremonyState,
  step: CeremonyStep,
  outcome: unknown,
  at: When,
  backend?: SuiteBackend,
): StepResult {
  const ceremony = state.script.id;
  switch (step.kind) {
    case 'init-token': {
      const o = parseOutcome(initOutcome, outcome, step.id);
      const t = state.script.tokens.find((x) => x.name === step.token);
      if (o.token.label !== t?.label)
        bad('QT_CEREMONY_OUTCOME', `step "${step.id}": token label ${o.token.label} is not ${t?.label}`);
      for (const secret of ['user', 'so'] as const) {
        const got = o.shares
          .filter((s) => s.secret === secret)
          .map((s) => s.custodian)
          .sort();
        const want = state.script.roles.custodians.members.map((c) => c.id).sort();
        if (got.join(',') !== want.join(',')) {
          bad(
            'QT_CEREMONY_OUTCOME',
            `step "${step.id}": the ${secret} PIN shares are not exactly one per custodian`,
          );
        }
      }
      return {};
    }
    case 'generate-key': {
      const k = parseOutcome(z.strictObject({ key: keyOutcome }), outcome, step.id).key;
      checkKeyOutcome(state, step, k, at, backend);
      return { publicKeys: { [`${step.token}/${step.key.name}`]: k.publicKey } };
    }
    case 'generate-seal-key': {
      const o = parseOutcome(z.strictObject({ key: sealOutcome }), outcome, step.id).key;
      const label = keyLabel(state.script, step.key.class, step.key.name);
      const backup = step.key.backupable === true;
      if (o.label !== label || o.token !== step.token)
        bad('QT_CEREMONY_OUTCOME', `step "${step.id}": the outcome names ${o.label}, not ${label}`);
      if (
        o.attributes.sensitive !== true ||
        o.attributes.extractable !== backup ||
        o.attributes.class !== 'secret'
      ) {
        bad(
          'QT_CEREMONY_ATTRIBUTES',
          `step "${step.id}": the seal key's attributes are not those of a sensitive AES key`,
        );
      }
      return {};
    }
    case 'rotate-key': {
      const o = parseOutcome(rotateOutcome, outcome, step.id);
      checkKeyOutcome(state, step, o.key, at, backend);
      // checkScript guarantees the old key exists here, is a signing key and has a public key
      // (existingKeys of a signing type must list it; generated keys record theirs).
      const old = findKey(state, step.token, step.from) as KeyRecord & {
        publicKey: string;
        type: 'p256' | 'ed25519' | 'secp256k1';
      };
      const oldPub = b64(old.publicKey, 'old public key');
      const oldId = keyId(old.type, oldPub);
      if (o.old !== oldId)
        bad('QT_CEREMONY_OUTCOME', `step "${step.id}": the statement names old key ${o.old}, not ${oldId}`);
      const statement = rotationStatement(ceremony, step.id, oldId, o.key.keyid, o.key.label);
      verifySig(
        old.type,
        oldPub,
        statement,
        o.oldSignature,
        `step "${step.id}": the rotation statement signed by the old key ${oldId}`,
        backend,
      );
      inRange(at, oldId, step.id);
      verifySig(
        o.key.type,
        b64(o.key.publicKey, 'new public key'),
        statement,
        o.newSignature,
        `step "${step.id}": the countersignature by the new key ${o.key.keyid}`,
        backend,
      );
      return { publicKeys: { [`${step.token}/${step.key.name}`]: o.key.publicKey } };
    }
    case 'backup-key': {
      const o = parseOutcome(backupOutcome, outcome, step.id);
      const src = findKey(state, step.from, step.key);
      if (
        src === undefined ||
        o.from !== step.from ||
        o.to !== step.to ||
        o.key !== step.key ||
        o.label !== src.label
      ) {
        bad(
          'QT_CEREMONY_OUTCOME',
          `step "${step.id}": the outcome does not describe ${step.from}/${step.key} -> ${step.to}`,
        );
      }
      if (src.type === 'aes-256') {
        if (
          o.kcvSource === undefined ||
          o.kcvTarget === undefined ||
          !equalBytes(hexToBytes(o.kcvSource), hexToBytes(o.kcvTarget))
        ) {
          bad(
            'QT_CEREMONY_BACKUP_MISMATCH',
            `step "${step.id}": the backup seal key does not seal like the original`,
          );
        }
      } else {
        if (o.selfTest === undefined || src.publicKey === undefined)
          return bad('QT_CEREMONY_OUTCOME', `step "${step.id}": no backup self-test`);
        verifySig(
          src.type,
          b64(src.publicKey, 'public key'),
          selfTestMessage(ceremony, step.id, src.label),
          o.selfTest,
          `step "${step.id}": the backup's self-test signature under the original public key`,
          backend,
        );
        inRange(at, keyId(src.type, b64(src.publicKey, 'public key')), step.id);
      }
      return {};
    }
    case 'retire-key': {
      const o = parseOutcome(retireOutcome, outcome, step.id);
      const k = findKey(state, step.token, step.key);
      if (o.token !== step.token || o.key !== step.key || o.label !== k?.label) {
        bad(
          'QT_CEREMONY_OUTCOME',
          `step "${step.id}": the outcome does not describe ${step.token}/${step.key}`,
        );
      }
      return {};
    }
  }
}

function checkAttestations(
  e: TranscriptEntry,
  hash: string,
  atts: readonly { participant: string; envelope: unknown }[],
  trust: CeremonyTrust,
  backend?: SuiteBackend,
): void {
  const by = new Map<string, unknown>();
  for (const a of atts) {
    if (by.has(a.participant)) bad('QT_CEREMONY_ATTESTATION', `two attestations by ${a.participant}`);
    if (!e.present.includes(a.participant))
      bad('QT_CEREMONY_ATTESTATION', `an attestation by ${a.participant}, who is not listed as present`);
    by.set(a.participant, a.envelope);
  }
  for (const p of e.present) {
    const env = by.get(p);
    if (env === undefined) bad('QT_CEREMONY_ATTESTATION', `participant ${p} was present but did not attest`);
    const keys = trust.participants.get(p);
    if (keys === undefined)
      bad('QT_CEREMONY_ATTESTATION', `the trust file pins no keys for participant ${p}`);
    let payload: Uint8Array;
    try {
      payload = verifyEnvelope(env, keys, {
        payloadType: ATTESTATION_TYPE,
        ...(backend ? { backend } : {}),
      }).payload;
    } catch (cause) {
      return bad(
        'QT_CEREMONY_ATTESTATION',
        `the attestation by ${p} does not verify: ${(cause as Error).message}`,
      );
    }
    if (!equalBytes(payload, attestationPayload(e, hash, p))) {
      bad('QT_CEREMONY_ATTESTATION', `the attestation by ${p} is for another entry`);
    }
  }
}

/** Verifies a transcript against pinned participant keys; names the first bad entry (seq and step). */
export function verifyTranscript(
  value: unknown,
  trust: CeremonyTrust,
  backend?: SuiteBackend,
): TranscriptReport {
  const top = transcriptSchema.safeParse(value);
  if (!top.success) {
    const issue = top.error.issues[0] as z.core.$ZodIssue;
    throw new QtError('QT_CEREMONY_TRANSCRIPT', `transcript: ${issue.message} at $.${issue.path.join('.')}`);
  }
  let state: CeremonyState | undefined;
  let prev = ZERO;
  let ceremony = '';
  let ended = false;
  const list = top.data.entries;
  for (let i = 0; i < list.length; i++) {
    let stepName: string | null = null;
    try {
      const signed = signedSchema.safeParse(list[i]);
      if (!signed.success) bad('QT_CEREMONY_TRANSCRIPT', `entry ${i} is malformed`);
      const parsed = entrySchema.safeParse(signed.data.entry);
      if (!parsed.success)
        bad('QT_CEREMONY_TRANSCRIPT', `entry ${i}: ${(parsed.error.issues[0] as z.core.$ZodIssue).message}`);
      const e = parsed.data as TranscriptEntry;
      stepName = e.step;
      if (ended) bad('QT_CEREMONY_ORDER', 'an entry follows the end of the ceremony');
      if (e.seq !== i) bad('QT_CEREMONY_CHAIN', `entry ${i} has seq ${e.seq} (removed or reordered entries)`);
      if (e.prev !== prev) bad('QT_CEREMONY_CHAIN', `entry ${i} does not link to the entry before it`);
      const hash = entryHash(e);
      if (hash !== signed.data.hash)
        bad('QT_CEREMONY_CHAIN', `entry ${i} does not hash to its recorded hash (changed after signing)`);
      if (i > 0 && e.ceremony !== ceremony)
        bad('QT_CEREMONY_CHAIN', `entry ${i} belongs to ceremony ${e.ceremony}`);
      checkAttestations(e, hash, signed.data.attestations, trust, backend);
      prev = hash;
      if (i === 0) {
        if (e.event !== 'start') bad('QT_CEREMONY_ORDER', 'the first entry is not the start of a ceremony');
        ceremony = e.ceremony;
        let script;
        try {
          script = parseScript(e.body.script);
        } catch (cause) {
          return bad(
            'QT_CEREMONY_SCRIPT',
            `the start entry's script is invalid: ${(cause as Error).message}`,
          );
        }
        if (script.id !== e.ceremony)
          bad('QT_CEREMONY_SCRIPT', `the script id ${script.id} is not the ceremony id`);
        state = startCeremony(script);
        continue;
      }
      let s = state as CeremonyState;
      if (e.event === 'start') bad('QT_CEREMONY_ORDER', 'a second start entry');
      if (e.event !== 'end') {
        for (const p of s.present) if (!e.present.includes(p)) s = checkOut(s, p);
        for (const p of e.present) s = checkIn(s, p);
      }
      if (e.event === 'end') {
        const want = s.status === 'failed' ? 'aborted' : s.status;
        if (e.body.status !== want)
          bad('QT_CEREMONY_ORDER', `the end entry says ${String(e.body.status)} but the ceremony is ${want}`);
        ended = true;
        state = s;
        continue;
      }
      // The check-in above refused a finished ceremony, so there is a next step.
      const next = s.script.steps[s.next] as CeremonyStep;
      if (e.step !== next.id)
        bad(
          'QT_CEREMONY_ORDER',
          `entry ${i} records step "${String(e.step)}" but the next step is "${next.id}"`,
        );
      if (e.event === 'failure') {
        s = failStep(s, String(e.body.code), String(e.body.message));
      } else {
        if (e.body.kind !== next.kind)
          bad('QT_CEREMONY_OUTCOME', `step "${next.id}" is recorded as ${String(e.body.kind)}`);
        s = beginStep(s, next.id, e.custodians);
        const result = checkOutcome(s, next, e.body.outcome, { trust, time: e.time }, backend);
        s = completeStep(s, result);
      }
      state = s;
    } catch (cause) {
      // Anything but a finding (Bad) or a refusal (QtError) is a bug in the verifier: rethrown.
      /* v8 ignore start */
      if (!(cause instanceof Bad) && !isQtError(cause)) throw cause;
      /* v8 ignore stop */
      return { ok: false, seq: i, step: stepName, code: cause.code, message: cause.message };
    }
  }
  const st = state as CeremonyState;
  return { ok: true, ceremony, status: st.status, entries: list.length, state: st };
}

/** True when `value` looks like a transcript (for error messages before full verification). */
export function isTranscriptLike(value: unknown): boolean {
  return isPlainObject(value) && value.type === TRANSCRIPT_TYPE;
}
