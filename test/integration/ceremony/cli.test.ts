// `qtrust ceremony run` and `qtrust ceremony verify` as an operator runs them: the bundle built by
// scripts/build-cli.mjs, started through bin/qtrust.js in child processes whose SoftHSM sees only a
// private token directory (SOFTHSM2_CONF in the child's environment), driven by an answers file.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src-shared/bytes.js';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/qtrust.js');
let tmp: string;
let conf: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const runs: Run[] = [];

function qtrust(args: string[], extraEnv: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: tmp,
    input: '',
    encoding: 'utf8',
    env: { ...process.env, QTRUST_DEBUG: '', SOFTHSM2_CONF: conf, ...extraEnv },
    timeout: 120_000,
  });
  const run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
  runs.push(run);
  return run;
}

const file = (...name: string[]) => join(tmp, ...name);
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const people = ['adm', 'c1', 'c2', 'c3', 'w1'];
const xsk = { c1: x25519.utils.randomSecretKey(), c2: x25519.utils.randomSecretKey() };

function scriptYaml(id: string): string {
  return `v: 1
type: qtrust/ceremony-script
id: ${id}
title: CLI ceremony
tenant: acme
env: prod
roles:
  administrator: adm
  custodians:
    quorum: 2
    members:
      - { id: c1, seal: { x25519: ${toBase64url(x25519.getPublicKey(xsk.c1))} } }
      - { id: c2, seal: { x25519: ${toBase64url(x25519.getPublicKey(xsk.c2))} } }
      - { id: c3, seal: { passphrase: true } }
  witnesses: { required: 1, members: [w1] }
tokens:
  - { name: a, label: cli-a }
  - { name: b, label: cli-b }
steps:
  - { id: init-a, kind: init-token, token: a }
  - { id: init-b, kind: init-token, token: b }
  - { id: gen-signer, kind: generate-key, token: a, key: { name: signer, class: approve, type: p256, backupable: true } }
  - { id: backup-signer, kind: backup-key, from: a, to: b, key: signer }
  - { id: gen-ed, kind: generate-key, token: a, key: { name: ed, class: grant, type: ed25519 } }
`;
}

function answers(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    present: people.filter((p) => p !== 'c3'),
    participants: Object.fromEntries(
      people.map((p) => [
        p,
        p === 'adm' ? { keyDir: 'keys/adm', passphraseFile: 'pass/adm' } : { keyDir: `keys/${p}` },
      ]),
    ),
    custodians: {
      c1: { x25519KeyFile: 'custody/c1.key' },
      c2: { x25519KeyFile: 'custody/c2.key' },
      c3: { passphraseFile: 'pass/c3' },
    },
    ...extra,
  };
}

function tokenFiles(): string[] {
  return readdirSync(file('hsm', 'tokens'));
}

beforeAll(() => {
  execFileSync(process.execPath, [join(repo, 'scripts/build-cli.mjs')], { cwd: repo, stdio: 'pipe' });
  tmp = mkdtempSync(join(tmpdir(), 'qtrust-ceremony-cli-'));
  mkdirSync(file('hsm', 'tokens'), { recursive: true });
  conf = file('hsm', 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${file('hsm', 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  mkdirSync(file('pass'));
  mkdirSync(file('custody'));
  writeFileSync(file('pass', 'adm'), 'administrator passphrase\n');
  writeFileSync(file('pass', 'c3'), 'custodian three passphrase\n');
  writeFileSync(file('custody', 'c1.key'), `${toBase64url(xsk.c1)}\n`);
  writeFileSync(file('custody', 'c2.key'), `${toBase64url(xsk.c2)}\n`);
  for (const p of people) {
    const secret = p === 'adm' ? ['--passphrase-file', file('pass', 'adm')] : ['--insecure-plaintext'];
    const r = qtrust(['key', 'generate', '--suite', 'ed25519', '--out', file('keys', p), ...secret]);
    expect(r.status).toBe(0);
  }
  writeFileSync(
    file('trust.json'),
    JSON.stringify({
      version: 1,
      type: 'qtrust/ceremony-trust',
      participants: people.map((id) => ({
        id,
        keys: json(file('keys', id, 'public.json')).keys as unknown[],
      })),
    }),
  );
  writeFileSync(file('trust-history.json'), readFileSync(file('trust.json')));
  writeFileSync(file('script.yaml'), scriptYaml('cli-2026'));
  writeFileSync(file('answers.json'), JSON.stringify(answers()));
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  // Whatever happened, no run may have printed a stack trace.
  for (const r of runs) expect(r.stderr).not.toContain('    at ');
});

describe('qtrust ceremony run', () => {
  it('--dry-run rehearses the whole script on a throwaway token directory and leaves the real one untouched', () => {
    const r = qtrust([
      'ceremony',
      'run',
      '--script',
      'script.yaml',
      '--answers',
      'answers.json',
      '--out',
      'dry',
      '--dry-run',
      '--trust',
      'trust-history.json',
      '--json',
    ]);
    expect(r.stderr).toContain('Step 1 of 5 (init-a)');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      ceremony: 'cli-2026',
      status: 'complete',
      dryRun: true,
    });
    const t = json(file('dry', 'cli-2026.transcript.json')) as { entries: { entry: { body: unknown } }[] };
    expect(t.entries[0]?.entry.body).toMatchObject({ dryRun: true });
    expect(t.entries).toHaveLength(7);
    expect(tokenFiles()).toEqual([]);
    expect(json(file('trust-history.json')).keyHistory).toBeUndefined();
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('qtrust-dryrun-'))).toEqual([]);
    const v = qtrust([
      'ceremony',
      'verify',
      '--trust',
      'trust.json',
      file('dry', 'cli-2026.transcript.json'),
    ]);
    expect(v.status).toBe(0);
  });

  it('performs the script on the real tokens, writes the transcript, the shares and the key registry', () => {
    const r = qtrust([
      'ceremony',
      'run',
      '--script',
      'script.yaml',
      '--answers',
      'answers.json',
      '--out',
      'real',
      '--tenant-dir',
      'tenant',
      '--trust',
      'trust-history.json',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^ceremony cli-2026: complete; transcript .*real\/cli-2026\.transcript\.json\n$/,
    );
    expect(tokenFiles()).toHaveLength(2);
    const t = json(file('real', 'cli-2026.transcript.json')) as { entries: { entry: { body: unknown } }[] };
    expect(t.entries).toHaveLength(7);
    expect(t.entries[0]?.entry.body).toMatchObject({ dryRun: false });
    // One share per custodian, per PIN, per token; each readable only by its owner (0600).
    expect(readdirSync(file('real', 'shares')).sort()).toHaveLength(12);
    const registry = json(file('tenant', 'hsm-keys.json')) as { keys: { label: string; token: string }[] };
    expect(registry.keys.map((k) => `${k.token}:${k.label}`).sort()).toEqual([
      'cli-a:qt:acme:prod:approve:signer',
      'cli-a:qt:acme:prod:grant:ed',
      'cli-b:qt:acme:prod:approve:signer',
    ]);
  });

  it('refuses unusable input with exit 2 and one line', () => {
    writeFileSync(file('bad-script.yaml'), 'v: 1\ntype: qtrust/ceremony-script\nid: Bad Id\n');
    const a = qtrust(['ceremony', 'run', '--script', 'bad-script.yaml', '--answers', 'answers.json']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/^qtrust: error QT_CEREMONY_SCRIPT: /);
    writeFileSync(file('bad-answers.json'), JSON.stringify({ present: 'adm' }));
    const b = qtrust(['ceremony', 'run', '--script', 'script.yaml', '--answers', 'bad-answers.json']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/^qtrust: error QT_USAGE: .*bad-answers\.json.*present/);
    writeFileSync(file('ghost-answers.json'), JSON.stringify({ present: ['adm'] }));
    const c = qtrust([
      'ceremony',
      'run',
      '--script',
      'script.yaml',
      '--answers',
      'ghost-answers.json',
      '--dry-run',
    ]);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/^qtrust: error QT_USAGE: .*adm/);
    const d = qtrust(['ceremony', 'run', '--script', 'missing.yaml']);
    expect(d.status).toBe(2);
    expect(d.stderr.trimEnd().split('\n')).toHaveLength(1);
    const e = qtrust(['ceremony', 'run']);
    expect(e.status).toBe(2);
  });
});

describe('qtrust ceremony verify', () => {
  it('exits 0 for the real transcript', () => {
    const r = qtrust([
      'ceremony',
      'verify',
      '--trust',
      'trust.json',
      file('real', 'cli-2026.transcript.json'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('verified: ceremony cli-2026, 7 entries, complete\n');
  });

  it('exits 1 naming the entry and step of a tampered transcript', () => {
    const t = json(file('real', 'cli-2026.transcript.json')) as {
      entries: { entry: { body: { outcome: { key: { publicKey: string } } } } }[];
    };
    const key = (t.entries[3] as (typeof t.entries)[number]).entry.body.outcome.key;
    key.publicKey = (key.publicKey.startsWith('A') ? 'B' : 'A') + key.publicKey.slice(1);
    writeFileSync(file('tampered.json'), JSON.stringify(t));
    const r = qtrust(['ceremony', 'verify', '--trust', 'trust.json', 'tampered.json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^qtrust: error QT_CEREMONY_CHAIN: entry 3 \(step gen-signer\): /);
    expect(r.stdout).toBe('verification FAILED\n');
    const j = qtrust(['ceremony', 'verify', '--json', '--trust', 'trust.json', 'tampered.json']);
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      seq: 3,
      step: 'gen-signer',
      code: 'QT_CEREMONY_CHAIN',
    });
  });

  it('exits 2 for an unusable transcript or trust file', () => {
    writeFileSync(file('junk.json'), '{"v":2}');
    const a = qtrust(['ceremony', 'verify', '--trust', 'trust.json', 'junk.json']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/^qtrust: error QT_CEREMONY_TRANSCRIPT: /);
    const b = qtrust([
      'ceremony',
      'verify',
      '--trust',
      'junk.json',
      file('real', 'cli-2026.transcript.json'),
    ]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/^qtrust: error QT_CEREMONY_TRUST: /);
    writeFileSync(file('not-json.json'), '{');
    expect(qtrust(['ceremony', 'verify', '--trust', 'trust.json', 'not-json.json']).status).toBe(2);
    expect(existsSync(file('junk.json'))).toBe(true);
  });
});

function rotationScript(id: string, from: string, to: string, publicKey: string): string {
  return scriptYaml(id).replace(
    /steps:[\s\S]*$/,
    `existingKeys:
  - { token: a, name: ${from}, class: approve, type: p256, backupable: true, publicKey: ${publicKey} }
steps:
  - { id: rotate, kind: rotate-key, token: a, from: ${from}, key: { name: ${to}, class: approve, type: p256 } }
`,
  );
}

interface History {
  label: string;
  token: string;
  keyid?: string;
  status: string;
  since?: string;
  until?: string;
  replacedBy?: string;
}

describe('rotation updates the trust file key history', () => {
  const shares = ['real/shares/a-user-c1.json', 'real/shares/a-user-c2.json'];
  let signer: { publicKey: string; keyid: string };

  it('lists the new key as current from the rotation and the old key as retiring from then', () => {
    const t = json(file('real', 'cli-2026.transcript.json')) as {
      entries: {
        entry: { time: string; body: { outcome: { key: { publicKey: string; keyid: string } } } };
      }[];
    };
    signer = (t.entries[3] as (typeof t.entries)[number]).entry.body.outcome.key;
    const before = json(file('trust-history.json')).keyHistory as History[];
    expect(before.map((h) => `${h.token}:${h.label}:${h.status}`).sort()).toEqual([
      'cli-a:qt:acme:prod:approve:signer:active',
      'cli-a:qt:acme:prod:grant:ed:active',
      'cli-b:qt:acme:prod:approve:signer:active',
    ]);
    expect(before[0]).toMatchObject({ keyid: signer.keyid, since: t.entries[3]?.entry.time });
    writeFileSync(file('rotate.yaml'), rotationScript('cli-rotate', 'signer', 'signer2', signer.publicKey));
    writeFileSync(file('rotate-answers.json'), JSON.stringify(answers({ shares })));
    const r = qtrust([
      'ceremony',
      'run',
      '--script',
      'rotate.yaml',
      '--answers',
      'rotate-answers.json',
      '--out',
      'rot',
      '--trust',
      'trust-history.json',
    ]);
    expect(r.stderr).toContain('Rotate signer on cli-a');
    expect(r.status).toBe(0);
    const rt = json(file('rot', 'cli-rotate.transcript.json')) as {
      entries: { entry: { time: string; body: { outcome: { key: { keyid: string } } } } }[];
    };
    const at = rt.entries[1]?.entry.time;
    const newKeyid = rt.entries[1]?.entry.body.outcome.key.keyid;
    const after = json(file('trust-history.json')).keyHistory as History[];
    const onA = after.filter((h) => h.token === 'cli-a' && h.label.includes(':approve:'));
    expect(onA).toEqual([
      expect.objectContaining({ keyid: signer.keyid, status: 'retiring', until: at, replacedBy: newKeyid }),
      expect.objectContaining({
        label: 'qt:acme:prod:approve:signer2',
        keyid: newKeyid,
        status: 'active',
        since: at,
      }),
    ]);
    // The backup copy on the second token is the same key: it is retiring from the same moment.
    expect(after.find((h) => h.token === 'cli-b')).toMatchObject({ keyid: signer.keyid, status: 'retiring' });
  });

  it('ceremony verify with the updated trust file accepts each key in its range and refuses the old key after retirement', () => {
    const verify = (f: string) => qtrust(['ceremony', 'verify', '--trust', 'trust-history.json', f]);
    expect(verify(file('real', 'cli-2026.transcript.json')).status).toBe(0);
    expect(verify(file('rot', 'cli-rotate.transcript.json')).status).toBe(0);
    // A later ceremony that makes the retired key sign again (it is still on the token) runs, but
    // does not verify against the history.
    writeFileSync(file('again.yaml'), rotationScript('cli-again', 'signer', 'signer3', signer.publicKey));
    const r = qtrust([
      'ceremony',
      'run',
      '--script',
      'again.yaml',
      '--answers',
      'rotate-answers.json',
      '--out',
      'again',
    ]);
    expect(r.status).toBe(0);
    const v = verify(file('again', 'cli-again.transcript.json'));
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/^qtrust: error QT_CEREMONY_KEY_RETIRED: entry 1 \(step rotate\): .*signer|key/);
    // Without the history the same transcript verifies: the range comes from the pinned trust file.
    expect(
      qtrust(['ceremony', 'verify', '--trust', 'trust.json', file('again', 'cli-again.transcript.json')])
        .status,
    ).toBe(0);
  });
});
