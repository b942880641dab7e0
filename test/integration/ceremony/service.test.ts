// CeremonyService through whole small ceremonies on private SoftHSM tokens, with the real evidence
// log (SQLite, hash-chained, checkpointed) as its sink: every transcript entry becomes a record of
// kind "ceremony", the log re-verifies from seq 0, and an interrupted ceremony leaves a transcript
// and evidence that say where and why it stopped and which key it had already made.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import type * as Pkcs11Js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src-shared/bytes.js';
import { parseCeremonyTrust } from '../../../src-shared/ceremony/trust.js';
import { entryHash, verifyTranscript, type Transcript } from '../../../src-shared/ceremony/transcript.js';
import { QtError } from '../../../src-shared/errors.js';
import { nobleScryptKdf } from '../../../src-shared/keys/index.js';
import { getSuite, secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/index.js';
import type { CustodianSecret, SealedShare } from '../../../src-main/ceremony/custody.js';
import { CeremonyService } from '../../../src-main/ceremony/service.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { injectFaults, type FaultInjector } from '../../../src-main/hsm/fault.js';
import { Pkcs11Module, type Pkcs11Api } from '../../../src-main/hsm/module.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsmEnv } from '../../helpers/softhsm.js';
import { testSigners } from '../evidence/producer.js';

let env: SoftHsmEnv;
let mod: Pkcs11Module;
let faults: FaultInjector;
let dir: string;

const people = ['adm', 'c1', 'c2', 'w1'];
const signers = new Map<string, SecretKeyEntry[]>(
  people.map((p) => [p, [secretKeyEntry(getSuite('ed25519').keygen())]]),
);
const trust = parseCeremonyTrust({
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
const secrets: Record<string, CustodianSecret> = {
  c1: { x25519SecretKey: xsk.c1 },
  c2: { x25519SecretKey: xsk.c2 },
};

function script(id: string, label: string): Record<string, unknown> {
  return {
    v: 1,
    type: 'qtrust/ceremony-script',
    id,
    title: 'service ceremony',
    tenant: 'acme',
    env: 'prod',
    roles: {
      administrator: 'adm',
      custodians: {
        quorum: 2,
        members: [
          { id: 'c1', seal: { x25519: toBase64url(x25519.getPublicKey(xsk.c1)) } },
          { id: 'c2', seal: { x25519: toBase64url(x25519.getPublicKey(xsk.c2)) } },
        ],
      },
      witnesses: { required: 1, members: ['w1'] },
    },
    tokens: [{ name: 'a', label }],
    steps: [
      { id: 'init-a', kind: 'init-token', token: 'a' },
      {
        id: 'gen-signer',
        kind: 'generate-key',
        token: 'a',
        key: { name: 'signer', class: 'approve', type: 'p256' },
      },
      { id: 'gen-kek', kind: 'generate-seal-key', token: 'a', key: { name: 'kek', class: 'seal' } },
    ],
  };
}

let clock = 0;
function service(tenant: string, evidence: EvidenceLog, trustFile?: string): CeremonyService {
  return new CeremonyService({
    ...(trustFile === undefined ? {} : { trustFile }),
    module: mod,
    scriptsDir: join(dir, 'scripts'),
    tenantDir: join(dir, tenant),
    evidence,
    now: () => new Date(Date.UTC(2026, 10, 2, 9, 0, clock++)).toISOString(),
    scrypt: { N: 1024, r: 8, p: 1 },
    kdf: nobleScryptKdf,
  });
}

function evidenceLog(name: string): EvidenceLog {
  return EvidenceLog.open(join(dir, `${name}.sqlite`), {
    origin: `qtrust.test/ceremony/${name}`,
    signers: testSigners(),
    checkpointEvery: 4,
    timer: false,
  });
}

/** The sealed shares the service handed over, read back from disk as custodians would bring them. */
function sharesOf(tenant: string, ceremony: string): SealedShare[] {
  const d = join(dir, tenant, 'ceremonies', ceremony, 'shares');
  return readdirSync(d).map((f) => JSON.parse(readFileSync(join(d, f), 'utf8')) as SealedShare);
}

async function presentAll(svc: CeremonyService, tenant: string, ceremony: string): Promise<void> {
  const p = svc.quorumProgress();
  for (const pin of p.pins)
    for (const c of ['c1', 'c2']) {
      const share = sharesOf(tenant, ceremony).find(
        (s) => s.token === pin.token && s.secret === pin.secret && s.custodian === c,
      );
      await svc.presentShare(share, secrets[c] as CustodianSecret);
    }
}

/** Ceremony records in the log, by reading the log's SQLite table of committed records. */
async function ceremonyRecords(log: EvidenceLog, path: string): Promise<Record<string, unknown>[]> {
  await log.flush();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT data FROM records WHERE kind = 'ceremony' ORDER BY seq").all() as {
      data: Buffer;
    }[];
    return rows.map(
      (r) => (JSON.parse(Buffer.from(r.data).toString('utf8')) as { body: Record<string, unknown> }).body,
    );
  } finally {
    db.close();
  }
}

beforeAll(() => {
  env = createSoftHsm();
  dir = mkdtempSync(join(env.dir, 'svc-'));
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'scripts', 'small.json'), JSON.stringify(script('svc-small', 'svc-a')));
  writeFileSync(join(dir, 'scripts', 'cut.json'), JSON.stringify(script('svc-cut', 'svc-cut')));
  writeFileSync(join(dir, 'scripts', 'broken.yaml'), 'v: 1\nsteps: []\n');
  const require = createRequire(import.meta.url);
  faults = injectFaults(new (require('pkcs11js') as typeof Pkcs11Js).PKCS11() as unknown as Pkcs11Api);
  mod = Pkcs11Module.open(SOFTHSM_MODULE, faults.api);
});

afterAll(() => {
  mod?.finalize();
  env?.cleanup();
});

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof QtError ? e.code : String(e);
  }
  return undefined;
}

describe('CeremonyService with the real evidence log', () => {
  it('runs a whole small ceremony: each entry is evidence, the log verifies, the transcript exports and verifies', async () => {
    const log = evidenceLog('small');
    const svc = service('tenant-small', log, writeTrust('trust-small.json'));
    expect(await code(() => svc.checkIn('adm'))).toBe('QT_CEREMONY_STATE');
    const listed = await svc.listScripts();
    expect(listed.find((s) => s.file === 'small.json')).toMatchObject({ id: 'svc-small', steps: 3 });
    expect(listed.find((s) => s.file === 'broken.yaml')?.error).toMatch(/^QT_CEREMONY_SCRIPT: /);
    expect(svc.checkToken({ label: 'svc-a' })).toEqual({ present: false });
    await svc.open('small.json', signers);
    for (const p of people) svc.checkIn(p);
    expect(await code(() => svc.checkIn('mallory'))).toBe('QT_CEREMONY_ROLE');
    expect(svc.describeNext().text).toMatch(/^Step 1 of 3 \(init-a\): Initialise token svc-a/);
    await svc.performStep();
    expect(svc.checkToken({ label: 'svc-a' })).toMatchObject({ present: true, initialized: true });
    expect(svc.quorumProgress()).toMatchObject({
      step: 'gen-signer',
      quorum: 2,
      pins: [{ token: 'a', secret: 'user' }],
    });
    // A second open while the ceremony runs is refused.
    expect(await code(svc.open('cut.json', signers))).toBe('QT_CEREMONY_STATE');
    while (svc.quorumProgress().step !== null) {
      await presentAll(svc, 'tenant-small', 'svc-small');
      await svc.performStep();
    }
    const transcript = svc.readTranscript();
    expect(transcript.entries.map((e) => e.entry.event)).toEqual(['start', 'step', 'step', 'step', 'end']);

    const records = await ceremonyRecords(log, join(dir, 'small.sqlite'));
    expect(records).toHaveLength(transcript.entries.length);
    records.forEach((r, i) => {
      const e = transcript.entries[i] as Transcript['entries'][number];
      expect(r).toMatchObject({
        ceremony: 'svc-small',
        seq: i,
        hash: e.hash,
        event: e.entry.event,
        step: e.entry.step,
      });
      // The record carries the whole entry, so the evidence alone proves what the transcript says.
      expect(entryHash(r.entry as never)).toBe(e.hash);
    });
    await log.checkpoint();
    expect(() => log.verifyAll()).not.toThrow();

    const out = join(dir, 'exported.json');
    await svc.exportTranscript(out);
    expect(await CeremonyService.verifyFiles(out, writeTrust())).toMatchObject({
      ok: true,
      status: 'complete',
      entries: 5,
    });
    const onDisk = join(dir, 'tenant-small', 'ceremonies', 'svc-small.transcript.json');
    expect(JSON.parse(readFileSync(onDisk, 'utf8'))).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    const registry = JSON.parse(readFileSync(join(dir, 'tenant-small', 'hsm-keys.json'), 'utf8')) as {
      keys: { label: string; status: string; ceremony: string }[];
    };
    expect(registry.keys.map((k) => `${k.label}:${k.status}:${k.ceremony}`).sort()).toEqual([
      'qt:acme:prod:approve:signer:active:svc-small',
      'qt:acme:prod:seal:kek:active:svc-small',
    ]);
    // The trust file's key history now lists the new keys, current from their steps.
    const history = (
      JSON.parse(readFileSync(join(dir, 'trust-small.json'), 'utf8')) as {
        keyHistory: { label: string; status: string; since: string; token: string }[];
      }
    ).keyHistory;
    expect(history).toEqual([
      expect.objectContaining({
        label: 'qt:acme:prod:approve:signer',
        token: 'svc-a',
        status: 'active',
        since: transcript.entries[2]?.entry.time,
      }),
      expect.objectContaining({
        label: 'qt:acme:prod:seal:kek',
        type: 'aes-256',
        status: 'active',
        since: transcript.entries[3]?.entry.time,
      }),
    ]);
    expect(await code(svc.exportTranscript(''))).toBe('QT_RANGE');
    await log.close();
  });

  it('stops when the token is removed mid-step: transcript and evidence say where and why, the partial key is documented', async () => {
    const log = evidenceLog('cut');
    const svc = service('tenant-cut', log);
    await svc.open('cut.json', signers);
    for (const p of people) svc.checkIn(p);
    await svc.performStep();
    await presentAll(svc, 'tenant-cut', 'svc-cut');
    // Removed right after the key pair exists (slot list + one info per slot, open, login, generate,
    // read point, read attributes): the self-test signature then fails.
    faults.remove(mod.tokens().length + 6);
    const failure = await code(svc.performStep());
    faults.reinsert();
    expect(failure).toBe('QT_HSM_TOKEN_ABSENT');

    const t = svc.readTranscript();
    const [fail, end] = t.entries.slice(-2).map((e) => e.entry);
    expect(fail).toMatchObject({
      event: 'failure',
      step: 'gen-signer',
      body: { code: 'QT_HSM_TOKEN_ABSENT' },
    });
    const partial = (fail?.body.partial ?? []) as { label: string; publicKey: string; keyid: string }[];
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatchObject({
      label: 'qt:acme:prod:approve:signer',
      keyid: expect.stringMatching(/^p256:/),
    });
    expect(end).toMatchObject({ event: 'end', body: { status: 'aborted' } });
    expect(verifyTranscript(JSON.parse(JSON.stringify(t)), trust)).toMatchObject({
      ok: true,
      status: 'failed',
    });

    const records = await ceremonyRecords(log, join(dir, 'cut.sqlite'));
    expect(records.map((r) => r.event)).toEqual(['start', 'step', 'failure', 'end']);
    expect(records[2]).toMatchObject({
      step: 'gen-signer',
      entry: { body: { code: 'QT_HSM_TOKEN_ABSENT', partial: [{ keyid: partial[0]?.keyid }] } },
    });
    await log.checkpoint();
    expect(() => log.verifyAll()).not.toThrow();
    // The ceremony is over: no further step, and a new one may be opened.
    expect(await code(svc.performStep())).toBe('QT_CEREMONY_STATE');
    await svc.open('small.json', signers);
    await log.close();
  });
});

function writeTrust(name = 'trust.json'): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(trust.json));
  return p;
}
