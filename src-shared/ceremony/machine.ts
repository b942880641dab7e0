/**
 * The ceremony state machine: pure, immutable, and the one place that decides whether a step may
 * happen now. It enforces order (only the next step of the script), roles (only the script's
 * participants take part; the administrator is present at every step; at least the required number
 * of witnesses), and quorum (a step that logs in to a token needs M distinct custodians, present,
 * who presented their shares). The HSM adapter asks it before every step, and the transcript
 * verifier replays a transcript through it, so a transcript that skips, reorders or under-attends a
 * step fails verification exactly as the live ceremony would have refused it.
 */
import { QtError } from '../errors.js';
import { checkScript, keyLabel, type CeremonyScript, type CeremonyStep, type HsmKeyKind } from './script.js';

export type Role = 'administrator' | 'custodian' | 'witness';
export type Status = 'open' | 'in-step' | 'failed' | 'complete';

export interface KeyRecord {
  readonly token: string;
  readonly name: string;
  readonly class: string;
  readonly label: string;
  readonly type: HsmKeyKind | 'aes-256';
  readonly backupable: boolean;
  /** base64url public key (absent for AES keys). */
  readonly publicKey?: string;
  readonly status: 'active' | 'retiring' | 'retired';
}

export interface CeremonyState {
  readonly script: CeremonyScript;
  readonly status: Status;
  /** Index of the next step to perform (or of the step in progress). */
  readonly next: number;
  readonly present: readonly string[];
  /** Custodians whose shares unlocked the step in progress. */
  readonly custodians: readonly string[];
  readonly keys: readonly KeyRecord[];
  readonly failure?: { readonly step: string; readonly code: string; readonly message: string };
}

/** What the next step needs before it can begin. */
export interface StepRequirements {
  readonly step: CeremonyStep;
  readonly index: number;
  /** Tokens whose user PIN must be rebuilt from custodian shares. */
  readonly userPin: readonly string[];
  /** Tokens whose SO PIN must be rebuilt (a backup's source, to mark the transport key trusted). */
  readonly soPin: readonly string[];
  readonly quorum: number;
  readonly witnesses: number;
}

/** What a completed step adds: public keys of new keys (by token and name). */
export interface StepResult {
  readonly publicKeys?: Readonly<Record<string, string>>;
}

function err(code: `QT_${string}`, message: string): QtError {
  return new QtError(code, message);
}

export function roleOf(script: CeremonyScript, participant: string): Role | undefined {
  const r = script.roles;
  if (r.administrator === participant) return 'administrator';
  if (r.custodians.members.some((c) => c.id === participant)) return 'custodian';
  if (r.witnesses.members.includes(participant)) return 'witness';
  return undefined;
}

/** The initial state; the script is re-checked, so a state never holds an unchecked script. */
export function startCeremony(script: CeremonyScript): CeremonyState {
  checkScript(script);
  const keys = (script.existingKeys ?? []).map((k): KeyRecord => {
    const rec: KeyRecord = {
      token: k.token,
      name: k.name,
      class: k.class,
      label: keyLabel(script, k.class, k.name),
      type: k.type,
      backupable: k.backupable === true,
      status: 'active',
    };
    if (k.publicKey === undefined) return rec;
    return { ...rec, publicKey: k.publicKey };
  });
  return Object.freeze({ script, status: 'open', next: 0, present: [], custodians: [], keys });
}

function assertOpen(s: CeremonyState, what: string): void {
  if (s.status !== 'open') {
    throw err(
      'QT_CEREMONY_STATE',
      `cannot ${what}: the ceremony is ${s.status}${s.failure ? ` (step ${s.failure.step}: ${s.failure.code})` : ''}`,
    );
  }
}

export function checkIn(s: CeremonyState, participant: string): CeremonyState {
  assertOpen(s, 'check in');
  if (roleOf(s.script, participant) === undefined) {
    throw err(
      'QT_CEREMONY_ROLE',
      `"${String(participant).slice(0, 40)}" is not a participant of ceremony ${s.script.id}`,
    );
  }
  if (s.present.includes(participant)) return s;
  return Object.freeze({ ...s, present: [...s.present, participant].sort() });
}

export function checkOut(s: CeremonyState, participant: string): CeremonyState {
  assertOpen(s, 'check out');
  return Object.freeze({ ...s, present: s.present.filter((p) => p !== participant) });
}

export function findKey(s: CeremonyState, token: string, name: string): KeyRecord | undefined {
  return s.keys.find((k) => k.token === token && k.name === name && k.status !== 'retired');
}

/** What the next step needs; undefined once every step is done. */
export function requirements(s: CeremonyState): StepRequirements | undefined {
  const step = s.script.steps[s.next];
  if (step === undefined) return undefined;
  const quorum = s.script.roles.custodians.quorum;
  const witnesses = s.script.roles.witnesses.required;
  const base = { step, index: s.next, quorum, witnesses };
  switch (step.kind) {
    case 'init-token':
      return { ...base, userPin: [], soPin: [] };
    case 'backup-key':
      return { ...base, userPin: [step.from, step.to], soPin: [step.from] };
    default:
      return { ...base, userPin: [step.token], soPin: [] };
  }
}

/**
 * Begins step `stepId` with `custodians` (those whose shares were presented). Refuses a step out of
 * order, an absent administrator, too few witnesses, or a quorum that is short, repeated, absent or
 * made of non-custodians.
 */
export function beginStep(s: CeremonyState, stepId: string, custodians: readonly string[]): CeremonyState {
  assertOpen(s, 'begin a step');
  // An open ceremony always has a next step: completing the last one makes it 'complete'.
  const req = requirements(s) as StepRequirements;
  if (req.step.id !== stepId) {
    throw err(
      'QT_CEREMONY_ORDER',
      `step "${stepId}" is out of order: the next step is "${req.step.id}" (#${req.index + 1})`,
    );
  }
  const r = s.script.roles;
  if (!s.present.includes(r.administrator)) {
    throw err('QT_CEREMONY_ROLE', `step "${stepId}": the administrator ${r.administrator} must be present`);
  }
  const witnesses = s.present.filter((p) => r.witnesses.members.includes(p)).length;
  if (witnesses < r.witnesses.required) {
    throw err(
      'QT_CEREMONY_WITNESSES',
      `step "${stepId}": ${witnesses} of the ${r.witnesses.required} required witnesses are present`,
    );
  }
  const seen = new Set<string>();
  for (const c of custodians) {
    if (seen.has(c)) throw err('QT_CEREMONY_QUORUM', `step "${stepId}": custodian ${c} is counted twice`);
    seen.add(c);
    if (roleOf(s.script, c) !== 'custodian') {
      throw err(
        'QT_CEREMONY_CUSTODIAN',
        `step "${stepId}": "${String(c).slice(0, 40)}" is not a custodian of this ceremony`,
      );
    }
    if (!s.present.includes(c))
      throw err('QT_CEREMONY_CUSTODIAN', `step "${stepId}": custodian ${c} is not checked in`);
  }
  const needsPin = req.userPin.length + req.soPin.length > 0;
  if (needsPin && seen.size < req.quorum) {
    throw err(
      'QT_CEREMONY_QUORUM',
      `step "${stepId}": ${seen.size} custodians presented shares, ${req.quorum} are needed`,
    );
  }
  return Object.freeze({ ...s, status: 'in-step', custodians: [...seen].sort() });
}

function setStatus(
  keys: readonly KeyRecord[],
  token: string,
  name: string,
  status: KeyRecord['status'],
): KeyRecord[] {
  return keys.map((k) =>
    k.token === token && k.name === name && k.status !== 'retired' ? { ...k, status } : k,
  );
}

function publicKeyOf(result: StepResult, token: string, name: string, stepId: string): string {
  const pk = result.publicKeys?.[`${token}/${name}`];
  if (typeof pk !== 'string' || pk.length === 0) {
    throw err(
      'QT_CEREMONY_OUTCOME',
      `step "${stepId}": the outcome lacks the public key of ${token}/${name}`,
    );
  }
  return pk;
}

/** Completes the step in progress, recording the keys it created, rotated, copied or retired. */
export function completeStep(s: CeremonyState, result: StepResult = {}): CeremonyState {
  if (s.status !== 'in-step')
    throw err('QT_CEREMONY_STATE', `cannot complete a step: the ceremony is ${s.status}`);
  const step = s.script.steps[s.next] as CeremonyStep;
  let keys = [...s.keys];
  const add = (
    token: string,
    k: { name: string; class: string; type: HsmKeyKind | 'aes-256'; backupable?: boolean | undefined },
    publicKey?: string,
  ) => {
    keys.push({
      token,
      name: k.name,
      class: k.class,
      label: keyLabel(s.script, k.class, k.name),
      type: k.type,
      backupable: k.backupable === true,
      ...(publicKey === undefined ? {} : { publicKey }),
      status: 'active',
    });
  };
  switch (step.kind) {
    case 'init-token':
      break;
    case 'generate-key':
      add(step.token, step.key, publicKeyOf(result, step.token, step.key.name, step.id));
      break;
    case 'generate-seal-key':
      add(step.token, { ...step.key, type: 'aes-256' });
      break;
    case 'rotate-key':
      add(step.token, step.key, publicKeyOf(result, step.token, step.key.name, step.id));
      keys = setStatus(keys, step.token, step.from, 'retiring');
      break;
    case 'backup-key': {
      const src = findKey(s, step.from, step.key) as KeyRecord;
      keys.push({ ...src, token: step.to, status: 'active' });
      break;
    }
    case 'retire-key':
      keys = setStatus(keys, step.token, step.key, 'retired');
      break;
  }
  const next = s.next + 1;
  return Object.freeze({
    ...s,
    keys,
    next,
    custodians: [],
    status: next === s.script.steps.length ? 'complete' : 'open',
  });
}

/** Stops the ceremony at the step in progress (or the next one), recording why. Final. */
export function failStep(s: CeremonyState, code: string, message: string): CeremonyState {
  if (s.status === 'complete' || s.status === 'failed') {
    throw err('QT_CEREMONY_STATE', `cannot fail a step: the ceremony is ${s.status}`);
  }
  const step = s.script.steps[s.next] as CeremonyStep;
  return Object.freeze({ ...s, status: 'failed', failure: { step: step.id, code, message } });
}
