// The qtrust CLI as a user runs it: the bundle built by scripts/build-cli.mjs, started through
// bin/qtrust.js in a child process, with real files in a temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src-shared/canonical.js';
import { TAGS, hashTagged } from '../../../src-shared/hash.js';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/qtrust.js');
let tmp: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const runs: Run[] = [];

function qtrust(args: string[], input?: string | Buffer): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: tmp,
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, QTRUST_DEBUG: '' },
    timeout: 60_000,
  });
  const run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
  runs.push(run);
  return run;
}

const file = (name: string) => join(tmp, name);

beforeAll(() => {
  execFileSync(process.execPath, [join(repo, 'scripts/build-cli.mjs')], { cwd: repo, stdio: 'pipe' });
  tmp = mkdtempSync(join(tmpdir(), 'qtrust-cli-'));
  writeFileSync(file('pass.txt'), 'correct horse battery staple\n');
  writeFileSync(file('doc.json'), '{ "b": [1.0, 2e0, "x"], "a": {"z": null, "y": true} }\n');
  // One sealed key set at the default scrypt cost, shared by the sign and verify tests.
  const r = qtrust([
    'key',
    'generate',
    '--suite',
    'ed25519+ml-dsa-65',
    '--out',
    file('k'),
    '--passphrase-file',
    file('pass.txt'),
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  // Whatever happened, no run may have printed a stack trace.
  for (const r of runs) expect(r.stderr).not.toContain('    at ');
});

function errorLine(r: Run, code: string): void {
  expect(r.stderr).toMatch(new RegExp(`^qtrust: error ${code}: `));
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('help and dispatch', () => {
  it('qtrust --help lists every command and the exit codes', () => {
    const r = qtrust(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['canon', 'hash', 'key generate', 'sign', 'verify-signature'])
      expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout).toMatch(/70 +internal error/);
    expect(qtrust(['-h']).stdout).toBe(r.stdout);
  });

  it('--help on each command prints its usage and exits 0', () => {
    const cases: [string[], string][] = [
      [['canon'], 'canon [FILE|-]'],
      [['hash'], 'hash --tag TAG [FILE|-]'],
      [['key', 'generate'], 'key generate --suite SET --out DIR'],
      [['sign'], 'sign --key DIR'],
      [['verify-signature'], 'verify-signature --pub'],
    ];
    for (const [words, usage] of cases) {
      for (const flag of ['--help', '-h']) {
        const r = qtrust([...words, flag]);
        expect(r.status, words.join(' ')).toBe(0);
        expect(r.stdout).toContain(`Usage: qtrust ${usage}`);
        expect(r.stdout).toContain('--help');
      }
    }
    const group = qtrust(['key', '--help']);
    expect(group.status).toBe(0);
    expect(group.stdout).toContain('key generate');
  });

  it('--version prints the versions', () => {
    const r = qtrust(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^qtrust \d+\.\d+\.\d+ \(core \d+\.\d+\.\d+\)\n$/);
  });

  it('usage errors exit 2 with one line', () => {
    const cases = [
      ['frobnicate'],
      ['key'],
      ['key', 'destroy'],
      ['hash', '--bogus'],
      ['canon', 'a', 'b'],
      ['hash', '--tag'],
    ];
    for (const args of cases) {
      const r = qtrust(args);
      expect(r.status, args.join(' ')).toBe(2);
      errorLine(r, 'QT_USAGE');
    }
    expect(qtrust([]).status).toBe(2);
    // --json asks for JSON errors even when --json itself is the unknown option.
    const json = qtrust(['canon', '--json']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'QT_USAGE' });
  });

  it('with --json, errors are JSON on stdout', () => {
    const r = qtrust(['hash', '--json', '--tag', 'nope', file('doc.json')]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'QT_UNKNOWN_TAG' });
    const u = qtrust(['hash', '--json', '--bogus']);
    expect(JSON.parse(u.stdout)).toMatchObject({ ok: false, code: 'QT_USAGE' });
  });
});

describe('qtrust canon', () => {
  it('prints the canonical form without a trailing newline', () => {
    const expected = canonicalize(JSON.parse(readFileSync(file('doc.json'), 'utf8')));
    const r = qtrust(['canon', file('doc.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stdout).toBe('{"a":{"y":true,"z":null},"b":[1,2,"x"]}');
    expect(qtrust(['canon', '-'], readFileSync(file('doc.json'))).stdout).toBe(expected);
    expect(qtrust(['canon'], readFileSync(file('doc.json'))).stdout).toBe(expected);
  });

  it('refuses malformed JSON and missing files (exit 2)', () => {
    writeFileSync(file('dup.json'), '{"a":1,"a":2}');
    const dup = qtrust(['canon', file('dup.json')]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/^qtrust: error QT_\w+: .*dup\.json/);
    expect(qtrust(['canon'], '{"a":').status).toBe(2);
    const missing = qtrust(['canon', file('nope.json')]);
    expect(missing.status).toBe(2);
    errorLine(missing, 'QT_IO');
  });
});

describe('qtrust hash', () => {
  it('prints H(tag, bytes) in hex; tag names and tag strings are equivalent', () => {
    const bytes = readFileSync(file('doc.json'));
    const expected = Buffer.from(hashTagged(TAGS.file, bytes)).toString('hex');
    const byName = qtrust(['hash', '--tag', 'file', file('doc.json')]);
    expect(byName.status).toBe(0);
    expect(byName.stdout).toBe(`${expected}\n`);
    expect(qtrust(['hash', '--tag', 'qtrust/file/v1', file('doc.json')]).stdout).toBe(`${expected}\n`);
    expect(qtrust(['hash', '--tag', 'file', '-'], bytes).stdout).toBe(`${expected}\n`);
    expect(qtrust(['hash', '--tag', 'json', file('doc.json')]).stdout).not.toBe(`${expected}\n`);
  });

  it('--json gives {tag, sha256}', () => {
    const r = qtrust(['hash', '--tag', 'evidence', '--json', file('doc.json')]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      tag: 'qtrust/evidence/v1',
      sha256: Buffer.from(hashTagged(TAGS.evidence, readFileSync(file('doc.json')))).toString('hex'),
    });
  });

  it('refuses unknown tags and a missing --tag', () => {
    for (const tag of ['nope', 'qtrust/file/v2', 'toString', '__proto__']) {
      const r = qtrust(['hash', '--tag', tag, file('doc.json')]);
      expect(r.status, tag).toBe(2);
      errorLine(r, 'QT_UNKNOWN_TAG');
    }
    errorLine(qtrust(['hash', file('doc.json')]), 'QT_USAGE');
  });
});

describe('qtrust key generate', () => {
  it('wrote a sealed secret.json (0600) and public.json (0644)', () => {
    expect(statSync(file('k/secret.json')).mode & 0o777).toBe(0o600);
    expect(statSync(file('k/public.json')).mode & 0o777).toBe(0o644);
    const secret = JSON.parse(readFileSync(file('k/secret.json'), 'utf8'));
    expect(secret.sealed.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(secret.plaintext).toBeUndefined();
    const pub = JSON.parse(readFileSync(file('k/public.json'), 'utf8'));
    expect(pub.keys.map((k: { suite: string }) => k.suite)).toEqual(['ed25519', 'ml-dsa-65']);
  });

  it('--insecure-plaintext --json prints the public key set and warns', () => {
    const r = qtrust([
      'key',
      'generate',
      '--suite',
      'p256+falcon-512',
      '--out',
      file('plain'),
      '--insecure-plaintext',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning');
    const pub = JSON.parse(r.stdout);
    expect(pub).toMatchObject({ v: 1, type: 'qtrust/public-keyset' });
    expect(pub).toEqual(JSON.parse(readFileSync(file('plain/public.json'), 'utf8')));
    expect(JSON.parse(readFileSync(file('plain/secret.json'), 'utf8')).insecure).toBe(true);
    expect(statSync(file('plain/secret.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite a key set without --force', () => {
    const r = qtrust([
      'key',
      'generate',
      '--suite',
      'ed25519',
      '--out',
      file('plain'),
      '--insecure-plaintext',
    ]);
    expect(r.status).toBe(2);
    errorLine(r, 'QT_KEY_DIR_EXISTS');
    const f = qtrust([
      'key',
      'generate',
      '--suite',
      'ed25519',
      '--out',
      file('plain'),
      '--insecure-plaintext',
      '--force',
    ]);
    expect(f.status).toBe(0);
  });

  it('without a terminal, needs --passphrase-file or --insecure-plaintext (exit 2)', () => {
    const r = qtrust(['key', 'generate', '--suite', 'ed25519', '--out', file('nopass')]);
    expect(r.status).toBe(2);
    errorLine(r, 'QT_USAGE');
    const both = qtrust([
      'key',
      'generate',
      '--suite',
      'ed25519',
      '--out',
      file('nopass'),
      '--insecure-plaintext',
      '--passphrase-file',
      file('pass.txt'),
    ]);
    expect(both.status).toBe(2);
  });

  it('refuses bad suites and empty passphrase files', () => {
    writeFileSync(file('empty.txt'), '\n');
    errorLine(
      qtrust([
        'key',
        'generate',
        '--suite',
        'ed25519',
        '--out',
        file('e'),
        '--passphrase-file',
        file('empty.txt'),
      ]),
      'QT_PASSPHRASE',
    );
    errorLine(
      qtrust(['key', 'generate', '--suite', 'rsa', '--out', file('e'), '--insecure-plaintext']),
      'QT_UNKNOWN_SUITE',
    );
    errorLine(
      qtrust(['key', 'generate', '--suite', 'ed25519+ed25519', '--out', file('e'), '--insecure-plaintext']),
      'QT_SUITE_SET',
    );
  });
});

describe('qtrust sign and verify-signature', () => {
  let envelope: {
    payloadType: string;
    payload: string;
    signatures: { suite: string; keyid: string; sig: string }[];
  };

  beforeAll(() => {
    const r = qtrust(['sign', '--key', file('k'), '--passphrase-file', file('pass.txt'), file('doc.json')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    envelope = JSON.parse(r.stdout);
    writeFileSync(file('env.json'), r.stdout);
  });

  const tampered = (name: string, change: (e: typeof envelope) => void): string => {
    const e = structuredClone(envelope);
    change(e);
    writeFileSync(file(name), JSON.stringify(e));
    return file(name);
  };

  it('sign writes an envelope with one signature per suite', () => {
    expect(envelope.payloadType).toBe('application/vnd.qtrust.file');
    expect(Buffer.from(envelope.payload, 'base64url')).toEqual(readFileSync(file('doc.json')));
    expect(envelope.signatures.map((s) => s.suite).sort()).toEqual(['ed25519', 'ml-dsa-65']);
  });

  it('verify-signature exits 0 when every suite verifies', () => {
    const r = qtrust(['verify-signature', '--pub', file('k/public.json'), file('env.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ed25519');
    expect(r.stdout).toContain('ml-dsa-65');
    const j = qtrust(
      ['verify-signature', '--json', '--pub', file('k/public.json'), '-'],
      readFileSync(file('env.json')),
    );
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, payloadType: 'application/vnd.qtrust.file' });
  });

  it('a tampered signature exits 1 naming the suite and key id', () => {
    const pqIndex = envelope.signatures.findIndex((s) => s.suite === 'ml-dsa-65');
    const pq = envelope.signatures[pqIndex]!;
    const path = tampered('bad-sig.json', (e) => {
      const sig = Buffer.from(e.signatures[pqIndex]!.sig, 'base64url');
      sig[10] = (sig[10] as number) ^ 1;
      e.signatures[pqIndex]!.sig = sig.toString('base64url');
    });
    const r = qtrust(['verify-signature', '--pub', file('k/public.json'), path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ml-dsa-65');
    expect(r.stderr).toContain(pq.keyid);
    expect(r.stderr).toContain('QT_SIGNATURE_INVALID');
    expect(r.stdout).toMatch(/ok +ed25519/);
    const j = qtrust(['verify-signature', '--json', '--pub', file('k/public.json'), path]);
    expect(j.status).toBe(1);
    const out = JSON.parse(j.stdout);
    expect(out.ok).toBe(false);
    expect(out.results).toContainEqual(
      expect.objectContaining({ suite: 'ml-dsa-65', keyid: pq.keyid, ok: false }),
    );
    expect(out.results).toContainEqual(expect.objectContaining({ suite: 'ed25519', ok: true }));
  });

  it('a tampered payload exits 1 naming every suite', () => {
    const path = tampered(
      'bad-payload.json',
      (e) => (e.payload = Buffer.from('{"a":2}').toString('base64url')),
    );
    const r = qtrust(['verify-signature', '--pub', file('k/public.json'), path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ed25519.*\n.*ml-dsa-65/);
  });

  it('a missing signature, another key set or another payload type exits 1', () => {
    const path = tampered(
      'one-sig.json',
      (e) => (e.signatures = e.signatures.filter((s) => s.suite === 'ed25519')),
    );
    const r = qtrust(['verify-signature', '--pub', file('k/public.json'), path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('QT_SIGNATURE_MISSING');
    expect(r.stderr).toContain('ml-dsa-65');
    expect(qtrust(['verify-signature', '--pub', file('plain/public.json'), file('env.json')]).status).toBe(1);
    const t = qtrust([
      'verify-signature',
      '--pub',
      file('k/public.json'),
      '--payload-type',
      'application/x-other',
      file('env.json'),
    ]);
    expect(t.status).toBe(1);
  });

  it('unreadable or malformed inputs exit 2', () => {
    writeFileSync(file('garbage.json'), '{"payloadType": 1}');
    const cases = [
      ['verify-signature', '--pub', file('k/public.json'), file('garbage.json')],
      ['verify-signature', '--pub', file('k/public.json'), file('nope.json')],
      ['verify-signature', '--pub', file('nope.json'), file('env.json')],
      ['verify-signature', '--pub', file('k/secret.json'), file('env.json')],
      ['verify-signature', '--pub', file('k/public.json')],
    ];
    for (const args of cases) {
      const r = qtrust(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^qtrust: error QT_\w+: /);
    }
    const notJson = qtrust(['verify-signature', '--pub', file('k/public.json'), file('pass.txt')]);
    expect(notJson.status).toBe(2);
    errorLine(notJson, 'QT_ENVELOPE_FORMAT');
  });

  it('sign with a wrong passphrase, or none without a terminal, exits 2', () => {
    writeFileSync(file('wrong.txt'), 'incorrect horse\n');
    const r = qtrust(['sign', '--key', file('k'), '--passphrase-file', file('wrong.txt'), file('doc.json')]);
    expect(r.status).toBe(2);
    errorLine(r, 'QT_KEY_DECRYPT');
    expect(r.stderr).toContain('wrong passphrase or damaged file');
    const none = qtrust(['sign', '--key', file('k'), file('doc.json')]);
    expect(none.status).toBe(2);
    errorLine(none, 'QT_USAGE');
    errorLine(
      qtrust(['sign', '--key', file('nokey'), '--passphrase-file', file('pass.txt'), file('doc.json')]),
      'QT_IO',
    );
  });

  it('signs stdin with a plaintext key set and a chosen payload type', () => {
    const r = qtrust(
      ['sign', '--key', file('plain'), '--payload-type', 'application/vnd.example+json', '-'],
      '{"x":1}',
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning');
    writeFileSync(file('env2.json'), r.stdout);
    const v = qtrust([
      'verify-signature',
      '--pub',
      file('plain/public.json'),
      '--payload-type',
      'application/vnd.example+json',
      file('env2.json'),
    ]);
    expect(v.status).toBe(0);
    const bad = qtrust(['sign', '--key', file('plain'), '--payload-type', 'has space', '-'], 'x');
    expect(bad.status).toBe(2);
  });
});
