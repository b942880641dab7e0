/**
 * A synthetic ceremony for the pure verifier: the "HSM" keys are software keys of the same suites, so
 * every outcome (self-tests, rotation statements, backups) is real and verifiable without a token,
 * and each test can change one field to reach one branch of the verifier.
 */
import { bytesToHex, toBase64url } from '../../../src-shared/bytes.js';
import { parseScript, type CeremonyScript } from '../../../src-shared/ceremony/script.js';
import {
  appendEntry,
  emptyTranscript,
  rotationStatement,
  selfTestMessage,
  type Transcript,
} from '../../../src-shared/ceremony/transcript.js';
import { parseCeremonyTrust, type CeremonyTrust } from '../../../src-shared/ceremony/trust.js';
import { getSuite, keyId, secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/index.js';

export const PEOPLE = ['adm', 'c1', 'c2', 'w1'] as const;
export const signers = new Map<string, SecretKeyEntry[]>(
  PEOPLE.map((p, i) => [p, [secretKeyEntry(getSuite('ed25519').keygen(new Uint8Array(32).fill(i + 1)))]]),
);

export function trustJson(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    type: 'qtrust/ceremony-trust',
    participants: PEOPLE.map((id) => ({
      id,
      keys: (signers.get(id) as SecretKeyEntry[]).map((k) => ({
        suite: k.suite,
        keyid: k.keyid,
        publicKey: toBase64url(k.publicKey),
      })),
    })),
    ...extra,
  };
}
export const trust: CeremonyTrust = parseCeremonyTrust(trustJson());

export const scriptJson = {
  v: 1,
  type: 'qtrust/ceremony-script',
  id: 'unit-2026',
  title: 'unit ceremony',
  tenant: 'acme',
  env: 'prod',
  roles: {
    administrator: 'adm',
    custodians: {
      quorum: 2,
      members: [
        { id: 'c1', seal: { passphrase: true } },
        { id: 'c2', seal: { passphrase: true } },
      ],
    },
    witnesses: { required: 1, members: ['w1'] },
  },
  tokens: [
    { name: 'a', label: 'unit-a' },
    { name: 'b', label: 'unit-b' },
  ],
  steps: [
    { id: 'init-a', kind: 'init-token', token: 'a' },
    { id: 'init-b', kind: 'init-token', token: 'b' },
    {
      id: 'gen',
      kind: 'generate-key',
      token: 'a',
      key: { name: 'signer', class: 'approve', type: 'p256', backupable: true },
    },
    {
      id: 'seal',
      kind: 'generate-seal-key',
      token: 'a',
      key: { name: 'kek', class: 'seal', backupable: true },
    },
    {
      id: 'rotate',
      kind: 'rotate-key',
      token: 'a',
      from: 'signer',
      key: { name: 'signer2', class: 'approve', type: 'p256', backupable: true },
    },
    { id: 'backup', kind: 'backup-key', from: 'a', to: 'b', key: 'signer2' },
    { id: 'backup-kek', kind: 'backup-key', from: 'a', to: 'b', key: 'kek' },
    { id: 'retire', kind: 'retire-key', token: 'a', key: 'signer' },
  ],
};
export const script: CeremonyScript = parseScript(scriptJson);

const p256 = getSuite('p256');
export const hsm = {
  signer: p256.keygen(new Uint8Array(p256.seedLength).fill(7)),
  signer2: p256.keygen(new Uint8Array(p256.seedLength).fill(8)),
};
const label = (cls: string, name: string) => `qt:acme:prod:${cls}:${name}`;
const hex = (b: number) => bytesToHex(new Uint8Array(32).fill(b));

function keyOutcome(step: string, name: 'signer' | 'signer2'): Record<string, unknown> {
  const k = hsm[name];
  return {
    token: 'a',
    name,
    label: label('approve', name),
    id: '0102',
    type: 'p256',
    publicKey: toBase64url(k.publicKey),
    keyid: keyId('p256', k.publicKey),
    attributes: {
      sensitive: true,
      sign: true,
      decrypt: false,
      unwrap: false,
      local: true,
      extractable: true,
      wrapWithTrusted: true,
    },
    selfTest: toBase64url(p256.sign(k.secretKey, selfTestMessage('unit-2026', step, label('approve', name)))),
  };
}

function initOutcome(tokenLabel: string): Record<string, unknown> {
  return {
    token: { label: tokenLabel, serial: '1234' },
    pins: { user: hex(1), so: hex(2) },
    shares: ['user', 'so'].flatMap((secret) =>
      ['c1', 'c2'].map((custodian, i) => ({ custodian, secret, index: i + 1, commitment: hex(3 + i) })),
    ),
  };
}

/** The outcome of each step, by step id, as the runner records it. */
export function outcomes(): Record<string, Record<string, unknown>> {
  const oldId = keyId('p256', hsm.signer.publicKey);
  const newKey = keyOutcome('rotate', 'signer2');
  const statement = rotationStatement(
    'unit-2026',
    'rotate',
    oldId,
    newKey.keyid as string,
    newKey.label as string,
  );
  return {
    'init-a': initOutcome('unit-a'),
    'init-b': initOutcome('unit-b'),
    gen: { key: keyOutcome('gen', 'signer') },
    seal: {
      key: {
        token: 'a',
        name: 'kek',
        label: label('seal', 'kek'),
        id: '03',
        attributes: { sensitive: true, extractable: true, class: 'secret' },
        kcv: hex(9),
      },
    },
    rotate: {
      key: newKey,
      old: oldId,
      oldSignature: toBase64url(p256.sign(hsm.signer.secretKey, statement)),
      newSignature: toBase64url(p256.sign(hsm.signer2.secretKey, statement)),
    },
    backup: {
      from: 'a',
      to: 'b',
      key: 'signer2',
      label: label('approve', 'signer2'),
      type: 'p256',
      attributes: {},
      selfTest: toBase64url(
        p256.sign(hsm.signer2.secretKey, selfTestMessage('unit-2026', 'backup', label('approve', 'signer2'))),
      ),
    },
    'backup-kek': {
      from: 'a',
      to: 'b',
      key: 'kek',
      label: label('seal', 'kek'),
      type: 'aes-256',
      attributes: {},
      kcvSource: hex(9),
      kcvTarget: hex(9),
    },
    retire: { token: 'a', key: 'signer', label: label('approve', 'signer'), destroyed: 2, absent: true },
  };
}

export const time = (i: number) => `2026-11-01T12:00:${String(i).padStart(2, '0')}.000Z`;

/**
 * The transcript of the ceremony up to (not including) step `stop`, with outcomes changed by
 * `change`, and an end entry when every step is done (or `end` says otherwise).
 */
export function build(
  opts: {
    change?: (o: Record<string, Record<string, unknown>>) => void;
    upTo?: number;
    failAt?: string;
    present?: readonly string[];
  } = {},
): Transcript {
  const o = outcomes();
  opts.change?.(o);
  const present = [...(opts.present ?? PEOPLE)];
  let t = emptyTranscript();
  let n = 0;
  const add = (e: Parameters<typeof appendEntry>[1]) => {
    t = appendEntry(t, e, signers);
  };
  add({
    ceremony: 'unit-2026',
    time: time(n++),
    event: 'start',
    step: null,
    present,
    custodians: [],
    body: { script: scriptJson, dryRun: false },
  });
  const steps = script.steps.slice(0, opts.upTo ?? script.steps.length);
  for (const s of steps) {
    if (s.id === opts.failAt) {
      add({
        ceremony: 'unit-2026',
        time: time(n++),
        event: 'failure',
        step: s.id,
        present,
        custodians: ['c1', 'c2'],
        body: { code: 'QT_HSM_TOKEN_ABSENT', message: 'removed', partial: [] },
      });
      add({
        ceremony: 'unit-2026',
        time: time(n),
        event: 'end',
        step: null,
        present,
        custodians: [],
        body: { status: 'aborted' },
      });
      return t;
    }
    const custodians = s.kind === 'init-token' ? [] : ['c1', 'c2'];
    add({
      ceremony: 'unit-2026',
      time: time(n++),
      event: 'step',
      step: s.id,
      present,
      custodians,
      body: { kind: s.kind, outcome: o[s.id] },
    });
  }
  if (steps.length === script.steps.length)
    add({
      ceremony: 'unit-2026',
      time: time(n),
      event: 'end',
      step: null,
      present,
      custodians: [],
      body: { status: 'complete' },
    });
  return t;
}
