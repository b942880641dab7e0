/**
 * What the Ceremonies screen shows of an open ceremony, derived from what CeremonyService exposes
 * (the script, the transcript, the next step's requirements, who is present) and from the shares
 * the UI adapter saw accepted. The transcript is the authority on what happened: status, failure and
 * keys are read from its entries, never from a second copy of the state.
 */
import { roleOf, type StepRequirements } from '../../src-shared/ceremony/machine.js';
import type { CeremonyScript } from '../../src-shared/ceremony/script.js';
import type { SignedEntry, Transcript } from '../../src-shared/ceremony/transcript.js';
import { CEREMONY_BODY_MAX } from '../../src-shared/ipc/ceremony-contract.js';
import type { ResponseOf } from '../../src-shared/ipc/index.js';

export type CeremonyView = NonNullable<ResponseOf<'readCeremony'>['ceremony']>;
export type TranscriptEntryView = ResponseOf<'readCeremonyTranscript'>['entries'][number];

export interface ViewInput {
  readonly file: string;
  readonly script: CeremonyScript;
  readonly transcript: Transcript;
  readonly next: { readonly text: string; readonly requirements: StepRequirements | undefined };
  readonly present: readonly string[];
  /** `token/secret` -> custodians whose share was accepted for the coming step. */
  readonly presented: ReadonlyMap<string, ReadonlySet<string>>;
}

type Status = CeremonyView['status'];

function statusOf(t: Transcript): { status: Status; failure: CeremonyView['failure'] } {
  const entries = t.entries;
  const failed = entries.find((e) => e.entry.event === 'failure');
  const end = [...entries].reverse().find((e) => e.entry.event === 'end');
  const failure =
    failed === undefined
      ? null
      : {
          step: failed.entry.step ?? '',
          code: String(failed.entry.body['code'] ?? '').slice(0, 64),
          message: String(failed.entry.body['message'] ?? '').slice(0, 2048),
        };
  if (end === undefined) return { status: 'open', failure };
  return { status: end.entry.body['status'] === 'complete' ? 'complete' : 'failed', failure };
}

interface KeyOutcome {
  token?: unknown;
  label?: unknown;
  type?: unknown;
  keyid?: unknown;
}

/** Keys the transcript's step entries made, rotated or retired, in order. */
function keysOf(t: Transcript): CeremonyView['keys'] {
  const keys: {
    token: string;
    label: string;
    type: string;
    keyid: string | null;
    status: CeremonyView['keys'][number]['status'];
  }[] = [];
  for (const e of t.entries) {
    if (e.entry.event !== 'step') continue;
    const outcome = (e.entry.body['outcome'] ?? {}) as Record<string, unknown>;
    const kind = e.entry.body['kind'];
    if (kind === 'retire-key') {
      for (const k of keys)
        if (k.label === outcome['label'] && k.token === outcome['token']) k.status = 'retired';
      continue;
    }
    const key = outcome['key'] as KeyOutcome | undefined;
    if (kind === 'backup-key' || key === undefined || typeof key.label !== 'string') continue;
    if (kind === 'rotate-key') {
      for (const k of keys) if (k.keyid !== null && k.keyid === outcome['old']) k.status = 'retiring';
    }
    keys.push({
      token: String(key.token ?? ''),
      label: key.label,
      type: typeof key.type === 'string' ? key.type : 'aes-256',
      keyid: typeof key.keyid === 'string' ? key.keyid : null,
      status: 'active',
    });
  }
  return keys.map(({ token, label, type, status }) => ({ token, label, type, status }));
}

export function ceremonyView(v: ViewInput): CeremonyView {
  const s = v.script;
  const { status, failure } = statusOf(v.transcript);
  const req = status === 'open' ? v.next.requirements : undefined;
  const doneSteps = new Set(
    v.transcript.entries.filter((e) => e.entry.event === 'step').map((e) => e.entry.step),
  );
  const label = (name: string) => s.tokens.find((t) => t.name === name)?.label ?? name;
  const everyone = [
    s.roles.administrator,
    ...s.roles.custodians.members.map((c) => c.id),
    ...s.roles.witnesses.members,
  ];
  const passphraseCustodians = s.roles.custodians.members
    .filter((c) => 'passphrase' in c.seal)
    .map((c) => c.id);
  return {
    file: v.file,
    id: s.id,
    title: s.title,
    tenant: s.tenant,
    env: s.env,
    status,
    started: v.transcript.entries.length > 0,
    steps: s.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      state: doneSteps.has(step.id)
        ? 'done'
        : failure?.step === step.id
          ? 'failed'
          : req?.step.id === step.id
            ? 'next'
            : 'pending',
    })),
    participants: everyone.map((id) => {
      const seal = s.roles.custodians.members.find((c) => c.id === id)?.seal;
      return {
        id,
        role: roleOf(s, id) ?? 'witness',
        present: v.present.includes(id),
        seal: seal === undefined ? null : 'x25519' in seal ? 'x25519' : 'passphrase',
      };
    }),
    tokens: s.tokens.map((t) => ({ name: t.name, label: t.label })),
    next:
      req === undefined
        ? null
        : {
            step: req.step.id,
            index: req.index,
            kind: req.step.kind,
            text: v.next.text.slice(0, 4096),
            quorum: req.quorum,
            witnesses: req.witnesses,
            pins: [
              ...req.userPin.map((token) => ({ token, secret: 'user' as const })),
              ...req.soPin.map((token) => ({ token, secret: 'so' as const })),
            ].map((p) => ({
              ...p,
              label: label(p.token),
              custodians: [...(v.presented.get(`${p.token}/${p.secret}`) ?? [])].sort(),
            })),
            sealPassphrases: req.step.kind === 'init-token' ? passphraseCustodians : [],
          },
    failure,
    keys: keysOf(v.transcript),
    transcriptEntries: v.transcript.entries.length,
  };
}

function clipBody(body: unknown): string {
  const text = JSON.stringify(body, null, 2);
  return text.length > CEREMONY_BODY_MAX ? `${text.slice(0, CEREMONY_BODY_MAX - 1)}…` : text;
}

export function transcriptEntryView(e: SignedEntry): TranscriptEntryView {
  return {
    seq: e.entry.seq,
    time: e.entry.time,
    event: e.entry.event,
    step: e.entry.step,
    present: [...e.entry.present],
    custodians: [...e.entry.custodians],
    hash: e.hash,
    prev: e.entry.prev,
    attestations: e.attestations.map((a) => a.participant),
    body: clipBody(e.entry.body),
  };
}
