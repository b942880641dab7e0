// `qtrust ceremony run` on a terminal, without an answers file: who is present, key files and
// passphrases are asked (fake TTY, as in test/unit/cli/run.test.ts), and every step waits for the
// administrator's "yes". Runs in-process against a --dry-run token directory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src-shared/bytes.js';
import { QtError } from '../../../src-shared/errors.js';
import { encodePublicKeySet, generateKeySet, plaintextSecretKeySet } from '../../../src-shared/keys/index.js';
import { askAnswers, custodianSecret, passphraseOf } from '../../../src-main/cli/ceremony-answers.js';
import { ceremonyRunCommand } from '../../../src-main/cli/commands/ceremony-run.js';
import type { CliIo } from '../../../src-main/cli/context.js';
import { writeKeyDir } from '../../../src-main/keys/keyfile.js';
import { parseScript } from '../../../src-shared/ceremony/script.js';

const tmp = mkdtempSync(join(tmpdir(), 'qtrust-ceremony-tty-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => setup());

function fakeIo(opts: { tty?: boolean; answers?: string[] } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const io: CliIo = {
    stdout: (d) => void out.push(typeof d === 'string' ? d : new TextDecoder().decode(d)),
    stderr: (t) => void err.push(t),
    readStdin: async () => new Uint8Array(0),
    isTTY: opts.tty === true,
    promptHidden: async (p) => {
      prompts.push(p);
      const a = answers.shift();
      if (a === undefined) throw new QtError('QT_CANCELLED', 'no more answers');
      return a;
    },
    env: {},
  };
  return { io, out, err, prompts };
}

const xsk = { c1: x25519.utils.randomSecretKey(), c2: x25519.utils.randomSecretKey() };
const scriptValue = {
  v: 1,
  type: 'qtrust/ceremony-script',
  id: 'tty-2026',
  title: 'terminal ceremony',
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
  tokens: [{ name: 'a', label: 'tty-a' }],
  steps: [
    { id: 'init-a', kind: 'init-token', token: 'a' },
    { id: 'gen', kind: 'generate-key', token: 'a', key: { name: 'signer', class: 'approve', type: 'p256' } },
  ],
};
const script = parseScript(scriptValue);
const file = (n: string) => join(tmp, n);

async function setup(): Promise<void> {
  for (const p of ['adm', 'c1', 'c2', 'w1']) {
    const keys = generateKeySet('ed25519');
    await writeKeyDir(file(`keys-${p}`), encodePublicKeySet(keys), plaintextSecretKeySet(keys), {
      force: true,
    });
  }
  writeFileSync(file('c1.key'), toBase64url(xsk.c1));
  writeFileSync(file('c2.key'), toBase64url(xsk.c2));
  writeFileSync(file('script.json'), JSON.stringify(scriptValue));
}

/** The terminal answers for everyone present, in the order they are asked. */
const presence = () => [
  file('keys-adm'),
  file('keys-c1'),
  file('c1.key'),
  file('keys-c2'),
  file('c2.key'),
  file('keys-w1'),
];

async function run(answers: string[]): Promise<{ code: number; f: ReturnType<typeof fakeIo> }> {
  const f = fakeIo({ tty: true, answers });
  const code = await ceremonyRunCommand.run({
    ...f.io,
    values: { script: file('script.json'), out: file('out'), 'dry-run': true },
    positionals: [],
    json: false,
  });
  return { code, f };
}

describe('ceremony answers asked on a terminal', () => {
  it('asks who is present, each X25519 custodian key file, and nothing without a terminal', async () => {
    const f = fakeIo({ tty: true, answers: ['keys/adm', '', 'keys/c2', 'c2.key', ' keys/w1 '] });
    expect(await askAnswers(f.io, script)).toEqual({
      present: ['adm', 'c2', 'w1'],
      participants: { adm: { keyDir: 'keys/adm' }, c2: { keyDir: 'keys/c2' }, w1: { keyDir: 'keys/w1' } },
      custodians: { c2: { x25519KeyFile: 'c2.key' } },
    });
    expect(f.prompts).toEqual([
      'Key directory of adm (administrator), empty if absent: ',
      'Key directory of c1 (custodian), empty if absent: ',
      'Key directory of c2 (custodian), empty if absent: ',
      'X25519 key file of custodian c2: ',
      'Key directory of w1 (witness), empty if absent: ',
    ]);
    const g = fakeIo({ tty: true, answers: ['', 'keys/c1', ''] });
    await expect(askAnswers(g.io, script)).rejects.toThrow(/custodian c1 gave no X25519 key file/);
    await expect(askAnswers(fakeIo().io, script)).rejects.toMatchObject({ code: 'QT_USAGE' });
    // Earlier shares are asked only when the script works on existing keys.
    const existing = {
      ...script,
      existingKeys: [{ token: 'a', name: 'old', class: 'approve', type: 'aes-256' as const }],
    };
    const h = fakeIo({ tty: true, answers: ['', '', '', '', 'a.json, b.json ,'] });
    expect((await askAnswers(h.io, existing)).shares).toEqual(['a.json', 'b.json']);
  });

  it('asks passphrases naming whose, never without a terminal, and checks custodian key files', async () => {
    const f = fakeIo({ tty: true, answers: ['custodian secret words'] });
    expect(new TextDecoder().decode(await passphraseOf(f.io, undefined, tmp, 'custodian c3'))).toBe(
      'custodian secret words',
    );
    expect(f.prompts).toEqual(['Passphrase of custodian c3: ']);
    await expect(passphraseOf(fakeIo().io, undefined, tmp, 'adm')).rejects.toThrow(/no passphrase for adm/);
    writeFileSync(file('short.key'), toBase64url(new Uint8Array(31)));
    writeFileSync(file('junk.key'), 'not base64url!');
    for (const k of ['short.key', 'junk.key'])
      await expect(
        custodianSecret(fakeIo().io, { custodians: { c1: { x25519KeyFile: k } } }, tmp, 'c1'),
      ).rejects.toMatchObject({ code: 'QT_USAGE' });
    const ok = await custodianSecret(
      fakeIo().io,
      { custodians: { c1: { x25519KeyFile: 'c1.key' } } },
      tmp,
      'c1',
    );
    expect(ok).toEqual({ x25519SecretKey: xsk.c1 });
  });
});

describe('qtrust ceremony run on a terminal', () => {
  it('runs every step after the administrator types yes, and aborts (exit 1) on anything else', async () => {
    const done = await run([...presence(), 'yes', 'yes']);
    expect(done.f.err.join('')).toContain('Step 2 of 2 (gen)');
    expect(done.code).toBe(0);
    expect(done.f.prompts.filter((p) => p === 'Type yes to perform this step: ')).toHaveLength(2);
    expect(done.f.out.join('')).toMatch(/^ceremony tty-2026: complete \(dry run\)/);

    const refused = await run([...presence(), 'yes', 'no']);
    expect(refused.code).toBe(1);
    const t = JSON.parse(readFileSync(file('out/tty-2026.transcript.json'), 'utf8')) as {
      entries: { entry: { event: string; step: string | null; body: Record<string, unknown> } }[];
    };
    expect(t.entries.map((e) => e.entry.event)).toEqual(['start', 'step', 'failure', 'end']);
    expect(t.entries[2]?.entry).toMatchObject({
      step: 'gen',
      body: { code: 'QT_CEREMONY_ABORTED', message: 'the administrator did not confirm the step' },
    });
  });
});
