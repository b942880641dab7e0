/**
 * Contract entries of the Ceremonies section (docs/app.md, "Ceremonies"). Spread into CONTRACT by
 * contract.ts. No path crosses from the renderer: key directories, share files, custodian key files
 * and the export target are chosen in main's native dialogs. Passphrases cross once, inside the one
 * call that needs them, and are never echoed back; PINs never cross at all.
 */
import './zod-config.js';
import { z } from 'zod';
import type { ChannelSpec } from './contract.js';

/** Scripts listed from the tenant's scripts folder. */
export const CEREMONY_SCRIPTS_MAX = 256;
/** Transcript entries one readCeremonyTranscript answer carries. */
export const CEREMONY_ENTRIES_MAX = 4096;
/** Longest entry body sent for reading (the start entry carries the whole script); longer ones are clipped. */
export const CEREMONY_BODY_MAX = 65_536;
/** Longest passphrase accepted over IPC (UTF-8 code units). */
export const CEREMONY_PASSPHRASE_MAX = 1024;

const id = z.string().min(1).max(128);
const participant = z.string().min(1).max(32);
const tokenName = z.string().min(1).max(64);
const passphrase = z.string().min(1).max(CEREMONY_PASSPHRASE_MAX);
const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const message = z.string().max(2048);
const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const pinKind = z.enum(['user', 'so']);
const stepKind = z.enum([
  'init-token',
  'generate-key',
  'generate-seal-key',
  'rotate-key',
  'backup-key',
  'retire-key',
]);

const scriptRow = z.strictObject({
  file: z.string().max(255),
  id: id.nullable(),
  title: z.string().max(256).nullable(),
  steps: count.nullable(),
  /** Why the script cannot be used (code and message); null when it parsed. */
  error: message.nullable(),
});

export const ceremonyView = z.strictObject({
  file: z.string().max(255),
  id,
  title: z.string().max(256),
  tenant: z.string().max(128),
  env: z.string().max(128),
  status: z.enum(['open', 'in-step', 'failed', 'complete']),
  /** True once the first step ran: the transcript exists and another script can no longer be opened. */
  started: z.boolean(),
  steps: z
    .array(z.strictObject({ id, kind: stepKind, state: z.enum(['done', 'next', 'pending', 'failed']) }))
    .max(1024),
  participants: z
    .array(
      z.strictObject({
        id: participant,
        role: z.enum(['administrator', 'custodian', 'witness']),
        present: z.boolean(),
        /** Custodians only: what opens their share (an X25519 key file, or a passphrase). */
        seal: z.enum(['x25519', 'passphrase']).nullable(),
      }),
    )
    .max(64),
  tokens: z.array(z.strictObject({ name: tokenName, label: z.string().max(64) })).max(64),
  next: z
    .strictObject({
      step: id,
      index: count,
      kind: stepKind,
      /** Exactly what the step will do and who must be there, before it happens. */
      text: z.string().max(4096),
      quorum: count,
      witnesses: count,
      /** PINs the step rebuilds from custodian shares; `custodians` presented a valid share so far. */
      pins: z
        .array(
          z.strictObject({
            token: tokenName,
            label: z.string().max(64),
            secret: pinKind,
            custodians: z.array(participant).max(64),
          }),
        )
        .max(8),
      /** Passphrase custodians who must type their passphrase to perform this step (sealing new shares). */
      sealPassphrases: z.array(participant).max(64),
    })
    .nullable(),
  failure: z.strictObject({ step: z.string().max(128), code: z.string().max(64), message }).nullable(),
  keys: z
    .array(
      z.strictObject({
        token: tokenName,
        label: z.string().max(256),
        type: z.string().max(32),
        status: z.enum(['active', 'retiring', 'retired']),
      }),
    )
    .max(1024),
  transcriptEntries: count,
});

const ceremonyAnswer = z.strictObject({ ceremony: ceremonyView });

const tokenReport = z.strictObject({
  token: tokenName,
  label: z.string().max(64),
  present: z.boolean(),
  serial: z.string().max(64).nullable(),
  initialized: z.boolean().nullable(),
  mechanisms: count.nullable(),
});

const transcriptEntry = z.strictObject({
  seq: count,
  time: z.string().max(64),
  event: z.enum(['start', 'step', 'failure', 'end']),
  step: z.string().max(128).nullable(),
  present: z.array(participant).max(64),
  custodians: z.array(participant).max(64),
  hash: hex32,
  prev: hex32,
  attestations: z.array(participant).max(64),
  /** The entry's body as indented JSON, clipped to CEREMONY_BODY_MAX characters. */
  body: z.string().max(CEREMONY_BODY_MAX + 16),
});

export const CEREMONY_CHANNELS = {
  readCeremonyScripts: {
    kind: 'read',
    summary: "the ceremony scripts in the tenant's scripts folder (parsed; a broken one with its error)",
    request: z.strictObject({}),
    response: z.strictObject({
      folder: z.string().max(4096),
      scripts: z.array(scriptRow).max(CEREMONY_SCRIPTS_MAX),
    }),
  },
  readCeremony: {
    kind: 'read',
    summary: 'the open ceremony: steps, participants, the next step in words, quorum progress',
    request: z.strictObject({}),
    response: z.strictObject({ ceremony: ceremonyView.nullable() }),
  },
  writeOpenCeremony: {
    kind: 'write',
    summary: 'open a script for a ceremony (refused while another ceremony has started and not ended)',
    request: z.strictObject({ file: z.string().min(1).max(255) }),
    response: ceremonyAnswer,
  },
  readCeremonyToken: {
    kind: 'read',
    summary: 'whether a token of the open script is present and initialised, and its mechanism count',
    request: z.strictObject({ token: tokenName }),
    response: tokenReport,
  },
  writeCeremonyCheckIn: {
    kind: 'write',
    summary:
      'check a participant in: main asks for their key folder; the passphrase opens it (null if plaintext)',
    request: z.strictObject({ participant, passphrase: passphrase.nullable() }),
    response: ceremonyAnswer.extend({ cancelled: z.boolean() }),
  },
  writeCeremonyShare: {
    kind: 'write',
    summary: 'a custodian presents a sealed share: main asks for the share file (and an X25519 key file)',
    request: z.strictObject({
      custodian: participant,
      token: tokenName,
      secret: pinKind,
      passphrase: passphrase.nullable(),
    }),
    response: ceremonyAnswer.extend({ cancelled: z.boolean() }),
  },
  writeCeremonyStep: {
    kind: 'write',
    summary: 'perform the next step, named by the id the person confirmed; passphrases seal new shares',
    request: z.strictObject({
      step: id,
      sealPassphrases: z.array(z.strictObject({ custodian: participant, passphrase })).max(64),
    }),
    response: ceremonyAnswer.extend({
      entry: z.strictObject({ seq: count, hash: hex32, step: z.string().max(128).nullable() }),
    }),
  },
  readCeremonyTranscript: {
    kind: 'read',
    summary: "the open ceremony's transcript: every entry with its hash chain and attestations",
    request: z.strictObject({}),
    response: z.strictObject({
      ceremony: id,
      entries: z.array(transcriptEntry).max(CEREMONY_ENTRIES_MAX),
      omitted: count,
    }),
  },
  writeExportCeremonyTranscript: {
    kind: 'write',
    summary: 'save the transcript where the person chooses (native save dialog); null if cancelled',
    request: z.strictObject({}),
    response: z.strictObject({ path: z.string().max(4096).nullable() }),
  },
} as const satisfies Record<string, ChannelSpec>;
