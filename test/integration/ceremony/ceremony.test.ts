import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { x25519 } from '@noble/curves/ed25519.js';
import type * as Pkcs11Js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url, utf8ToBytes } from '../../../src-shared/bytes.js';
import { parseScript, type CeremonyScript } from '../../../src-shared/ceremony/script.js';
import { parseCeremonyTrust, type CeremonyTrust } from '../../../src-shared/ceremony/trust.js';
import { verifyTranscript, type Transcript } from '../../../src-shared/ceremony/transcript.js';
import { QtError } from '../../../src-shared/errors.js';
import { nobleScryptKdf } from '../../../src-shared/keys/index.js';
import { getSuite, secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/index.js';
import { CeremonyRunner } from '../../../src-main/ceremony/runner.js';
import type { CustodianSecret, SealedShare } from '../../../src-main/ceremony/custody.js';
import { injectFaults, type FaultInjector } from '../../../src-main/hsm/fault.js';
import { Pkcs11Module, type Pkcs11Api } from '../../../src-main/hsm/module.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsmEnv } from '../../helpers/softhsm.js';

let env: SoftHsmEnv;
let mod: Pkcs11Module;
let faults: FaultInjector;

const people = ['adm', 'c1', 'c2', 'c3', 'w1'];
const signers = new Map<string, SecretKeyEntry[]>(
  people.map((p) => [p, [secretKeyEntry(getSuite('ed25519').keygen())]]),
);
const trust: CeremonyTrust = parseCeremonyTrust({
  version: 1,
  type: 'qtrust/ceremony-trust',
  participants: people.map((id) => ({
    id,
    keys: (signers.get(id) as SecretKeyEntry[]).map((k) => ({
      suite: k.suite,
      keyid: k.keyid,
      publicKey: toBase64url(k.publicKey),
    })),
  })),
});
const xsk = { c1: x25519.utils.randomSecretKey(), c2: x25519.utils.randomSecretKey() };
const pass = { c3: utf8ToBytes('custodian three passphrase') };
const secrets: Record<string, CustodianSecret> = {
  c1: { x25519SecretKey: xsk.c1 },
  c2: { x25519SecretKey: xsk.c2 },
  c3: { passphrase: pass.c3 },
};

function script(id: string, a: string, b: string): CeremonyScript {
  return parseScript({
    v: 1,
    type: 'qtrust/ceremony-script',
    id,
    title: 'root keys',
    tenant: 'acme',
    env: 'prod',
    roles: {
      administrator: 'adm',
      custodians: {
        quorum: 2,
        members: [
          { id: 'c1', seal: { x25519: toBase64url(x25519.getPublicKey(xsk.c1)) } },
          { id: 'c2', seal: { x25519: toBase64url(x25519.getPublicKey(xsk.c2)) } },
          { id: 'c3', seal: { passphrase: true } },
        ],
      },
      witnesses: { required: 1, members: ['w1'] },
    },
    tokens: [
      { name: 'a', label: a },
      { name: 'b', label: b },
    ],
    steps: [
      { id: 'init-a', kind: 'init-token', token: 'a' },
      { id: 'init-b', kind: 'init-token', token: 'b' },
      {
        id: 'gen-signer',
        kind: 'generate-key',
        token: 'a',
        key: { name: 'signer', class: 'approve', type: 'p256', backupable: true },
      },
      {
        id: 'gen-ed',
        kind: 'generate-key',
        token: 'a',
        key: { name: 'ed', class: 'grant', type: 'ed25519' },
      },
      {
        id: 'gen-kek',
        kind: 'generate-seal-key',
        token: 'a',
        key: { name: 'pq-kek', class: 'seal', backupable: true },
      },
      {
        id: 'rotate',
        kind: 'rotate-key',
        token: 'a',
        from: 'signer',
        key: { name: 'signer2', class: 'approve', type: 'p256', backupable: true },
      },
      { id: 'backup-signer2', kind: 'backup-key', from: 'a', to: 'b', key: 'signer2' },
      { id: 'backup-kek', kind: 'backup-key', from: 'a', to: 'b', key: 'pq-kek' },
      { id: 'retire-ed', kind: 'retire-key', token: 'a', key: 'ed' },
    ],
  });
}

let clock = 0;
function runner(s: CeremonyScript): CeremonyRunner {
  return new CeremonyRunner({
    module: mod,
    script: s,
    signers,
    now: () => new Date(Date.UTC(2026, 10, 1, 12, 0, clock++)).toISOString(),
    passphraseOf: async () => pass.c3.slice(),
    scrypt: { N: 1024, r: 8, p: 1 },
    kdf: nobleScryptKdf,
  });
}

async function present(r: CeremonyRunner, custodians: string[]): Promise<void> {
  const req = r.requirements();
  if (req === undefined) return;
  for (const [token, secret] of [
    ...req.userPin.map((t) => [t, 'user']),
    ...req.soPin.map((t) => [t, 'so']),
  ]) {
    for (const c of custodians) {
      const share = r.shares.find(
        (s) => s.token === token && s.secret === secret && s.custodian === c,
      ) as SealedShare;
      await r.presentShare(share, secrets[c] as CustodianSecret);
    }
  }
}

let full: Transcript;
let fullRunner: CeremonyRunner;

beforeAll(async () => {
  env = createSoftHsm();
  const require = createRequire(import.meta.url);
  const raw = new (require('pkcs11js') as typeof Pkcs11Js).PKCS11();
  faults = injectFaults(raw as unknown as Pkcs11Api);
  mod = Pkcs11Module.open(SOFTHSM_MODULE, faults.api);
  fullRunner = runner(script('root-2026', 'qt-cer-a', 'qt-cer-b'));
  for (const p of people) fullRunner.checkIn(p);
  while (fullRunner.requirements() !== undefined) {
    await present(fullRunner, ['c1', 'c3']);
    await fullRunner.performNext();
  }
  full = fullRunner.transcript;
});

afterAll(() => {
  mod?.finalize();
  env?.cleanup();
});

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof QtError ? e.code : String(e);
  }
  return undefined;
}

describe('a full ceremony on two SoftHSM tokens', () => {
  it('completes every step and its transcript verifies against the pinned participant keys', () => {
    expect(fullRunner.state.status).toBe('complete');
    const report = verifyTranscript(JSON.parse(JSON.stringify(full)), trust);
    expect(report).toMatchObject({ ok: true, status: 'complete', entries: 11 });
    const keys = fullRunner.state.keys.map((k) => `${k.token}:${k.label}:${k.status}`).sort();
    expect(keys).toEqual([
      'a:qt:acme:prod:approve:signer2:active',
      'a:qt:acme:prod:approve:signer:retiring',
      'a:qt:acme:prod:grant:ed:retired',
      'a:qt:acme:prod:seal:pq-kek:active',
      'b:qt:acme:prod:approve:signer2:active',
      'b:qt:acme:prod:seal:pq-kek:active',
    ]);
  });

  it('never writes a PIN into the transcript, only commitments', () => {
    const text = JSON.stringify(full);
    const init = full.entries[1]?.entry.body.outcome as { pins: { user: string; so: string } };
    expect(init.pins.user).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toMatch(/"pin"\s*:/);
  });

  it('agrees with opensc pkcs11-tool: the backup token holds the key, the retired key is gone', () => {
    const list = (label: string) => {
      try {
        return execFileSync(
          'pkcs11-tool',
          ['--module', SOFTHSM_MODULE, '--token-label', label, '--list-objects'],
          { env: { ...process.env }, encoding: 'utf8' },
        );
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? '');
      }
    };
    // Public objects are listed without login; the private ones need the PIN, which nobody knows whole.
    expect(list('qt-cer-b')).toContain('qt:acme:prod:approve:signer2');
    expect(list('qt-cer-a')).not.toContain('qt:acme:prod:grant:ed');
    expect(list('qt-cer-a')).toContain('qt:acme:prod:approve:signer');
  });
});

describe('custody', () => {
  it('refuses too few custodians before touching the token', async () => {
    const r = runner(script('few', 'qt-few-a', 'qt-few-b'));
    for (const p of people) r.checkIn(p);
    await r.performNext(); // init-a
    await present(r, ['c1']);
    await r.performNext().catch(() => undefined); // init-b needs no PIN
    await present(r, ['c2']);
    expect(await code(r.performNext())).toBe('QT_CEREMONY_QUORUM');
    expect(r.state.status).toBe('open');
  });

  it('names a wrong custodian, a wrong key and a corrupted share', async () => {
    const r = runner(script('wrong', 'qt-wr-a', 'qt-wr-b'));
    for (const p of people) r.checkIn(p);
    await r.performNext();
    const share = r.shares.find((s) => s.custodian === 'c1' && s.secret === 'user') as SealedShare;
    expect(await code(r.presentShare(share, { x25519SecretKey: xsk.c2 }))).toBe('QT_CEREMONY_SHARE_INVALID');
    const moved = { ...share, custodian: 'c2' };
    expect(await code(r.presentShare(moved, { x25519SecretKey: xsk.c2 }))).toBe('QT_CEREMONY_SHARE_INVALID');
    const stranger = { ...share, custodian: 'mallory' };
    expect(await code(r.presentShare(stranger, { x25519SecretKey: xsk.c1 }))).toBe('QT_CEREMONY_CUSTODIAN');
    const ct = share.seal.ct;
    const bad = { ...share, seal: { ...share.seal, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } };
    expect(await code(r.presentShare(bad as SealedShare, secrets.c1 as CustodianSecret))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    const c3 = r.shares.find((s) => s.custodian === 'c3' && s.secret === 'user') as SealedShare;
    expect(await code(r.presentShare(c3, { passphrase: utf8ToBytes('wrong') }))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
  });
});

describe('interruption', () => {
  it('stops when the token disappears, records where and why, and documents the key already generated', async () => {
    const r = runner(script('removed', 'qt-rm-a', 'qt-rm-b'));
    for (const p of people) r.checkIn(p);
    await r.performNext();
    await r.performNext();
    await present(r, ['c1', 'c2']);
    // Remove the token right after the key pair exists: finding the token (slot list + one info per
    // slot), open, login, generate, read point, read attributes; the self-test signature then fails.
    const slots = mod.tokens().length;
    faults.remove(slots + 6);
    const failure = await code(r.performNext());
    faults.reinsert();
    expect(failure).toBe('QT_HSM_TOKEN_ABSENT');
    expect(r.state.status).toBe('failed');
    const entries = r.transcript.entries;
    const fail = entries[entries.length - 2]?.entry;
    expect(fail).toMatchObject({
      event: 'failure',
      step: 'gen-signer',
      body: { code: 'QT_HSM_TOKEN_ABSENT' },
    });
    const partial = (fail?.body.partial ?? []) as { label: string; publicKey: string }[];
    expect(partial[0]?.label).toBe('qt:acme:prod:approve:signer');
    expect(partial[0]?.publicKey).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(entries[entries.length - 1]?.entry).toMatchObject({ event: 'end', body: { status: 'aborted' } });
    expect(verifyTranscript(JSON.parse(JSON.stringify(r.transcript)), trust)).toMatchObject({
      ok: true,
      status: 'failed',
    });
    expect(await code(r.performNext())).toBe('QT_CEREMONY_STATE');
  });
});

describe('tampered transcripts', () => {
  const copy = (): { entries: Record<string, unknown>[] } & Record<string, unknown> =>
    JSON.parse(JSON.stringify(full));
  it('names a changed step', () => {
    const t = copy();
    const e = (t.entries[3] as { entry: { body: { outcome: { key: { publicKey: string } } } } }).entry;
    e.body.outcome.key.publicKey = e.body.outcome.key.publicKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(verifyTranscript(t, trust)).toMatchObject({
      ok: false,
      seq: 3,
      step: 'gen-signer',
      code: 'QT_CEREMONY_CHAIN',
    });
  });
  it('names reordered and removed entries', () => {
    const t = copy();
    [t.entries[4], t.entries[5]] = [
      t.entries[5] as Record<string, unknown>,
      t.entries[4] as Record<string, unknown>,
    ];
    expect(verifyTranscript(t, trust)).toMatchObject({ ok: false, seq: 4, code: 'QT_CEREMONY_CHAIN' });
    const u = copy();
    u.entries.splice(6, 1);
    expect(verifyTranscript(u, trust)).toMatchObject({ ok: false, seq: 6, code: 'QT_CEREMONY_CHAIN' });
  });
  it('names a forged attestation and a missing one', () => {
    const t = copy();
    const atts = (t.entries[2] as { attestations: { participant: string; envelope: unknown }[] })
      .attestations;
    const w1 = atts.findIndex((a) => a.participant === 'w1');
    const adm = atts.find((a) => a.participant === 'adm');
    (atts[w1] as { envelope: unknown }).envelope = adm?.envelope;
    expect(verifyTranscript(t, trust)).toMatchObject({
      ok: false,
      seq: 2,
      step: 'init-b',
      code: 'QT_CEREMONY_ATTESTATION',
    });
    const u = copy();
    (u.entries[2] as { attestations: unknown[] }).attestations.pop();
    expect(verifyTranscript(u, trust)).toMatchObject({ ok: false, seq: 2, code: 'QT_CEREMONY_ATTESTATION' });
  });
});

describe('qtrust ceremony verify', () => {
  it('exits 0 for a good transcript, 1 naming the first bad step, 2 for unusable input', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ceremonyVerifyCommand } = await import('../../../src-main/cli/commands/ceremony-verify.js');
    const dir = mkdtempSync(join(env.dir, 'verify-'));
    const trustPath = join(dir, 'trust.json');
    writeFileSync(trustPath, JSON.stringify(trust.json));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(full));
    const t = JSON.parse(JSON.stringify(full)) as { entries: { entry: { time: string } }[] };
    (t.entries[5] as { entry: { time: string } }).entry.time = '2030-01-01T00:00:00.000Z';
    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, JSON.stringify(t));
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"v":2}');
    const run = async (file: string) => {
      const out: string[] = [];
      const err: string[] = [];
      let exit: number;
      try {
        exit = await ceremonyVerifyCommand.run({
          values: { trust: trustPath },
          positionals: [file],
          json: false,
          stdout: (d) => out.push(String(d)),
          stderr: (d) => err.push(d),
          readStdin: async () => new Uint8Array(0),
          isTTY: false,
          promptHidden: async () => '',
          env: {},
        });
      } catch (e) {
        exit = e instanceof QtError ? 2 : 70;
      }
      return { exit, out: out.join(''), err: err.join('') };
    };
    expect(await run(good)).toMatchObject({ exit: 0, out: expect.stringContaining('verified') });
    const bad = await run(badPath);
    expect(bad.exit).toBe(1);
    expect(bad.err).toContain('entry 5 (step gen-kek)');
    expect((await run(junk)).exit).toBe(2);
  });
});
