import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { COMMANDS } from '../../../src-main/cli/commands/index.js';
import type { CliIo } from '../../../src-main/cli/context.js';
import { promptHidden } from '../../../src-main/cli/prompt.js';
import type { CommandSpec } from '../../../src-main/cli/registry.js';
import { runCli } from '../../../src-main/cli/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'qtrust-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeIo(
  opts: { tty?: boolean; answers?: string[]; stdin?: string; env?: Record<string, string> } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const io: CliIo = {
    stdout: (d) => void out.push(typeof d === 'string' ? d : new TextDecoder().decode(d)),
    stderr: (t) => void err.push(t),
    readStdin: async () => new TextEncoder().encode(opts.stdin ?? ''),
    isTTY: opts.tty === true,
    promptHidden: async (p) => {
      prompts.push(p);
      const a = answers.shift();
      if (a === undefined) throw new QtError('QT_CANCELLED', 'no more answers');
      return a;
    },
    env: opts.env ?? {},
  };
  return { io, out, err, prompts };
}

const boom: CommandSpec = {
  name: ['boom'],
  summary: 'throws a bug',
  usage: 'boom',
  options: {},
  positionals: { min: 0, max: 0 },
  json: true,
  async run() {
    throw new TypeError('undefined is not a function');
  },
};
const cancel: CommandSpec = {
  ...boom,
  name: ['cancel'],
  run: async () => Promise.reject(new QtError('QT_CANCELLED', 'stop')),
};
const info = { version: '9.9.9' };

describe('runCli', () => {
  it('an internal error exits 70 with one line and no stack trace (unless QTRUST_DEBUG=1)', async () => {
    const f = fakeIo();
    expect(await runCli(['boom'], f.io, [boom], info)).toBe(70);
    expect(f.err.join('')).toMatch(
      /^qtrust: internal error: TypeError: undefined is not a function; this is a bug/,
    );
    expect(f.err.join('')).not.toContain('    at ');
    const j = fakeIo();
    expect(await runCli(['boom', '--json'], j.io, [boom], info)).toBe(70);
    expect(JSON.parse(j.out.join(''))).toMatchObject({ ok: false, code: 'QT_INTERNAL' });
    const d = fakeIo({ env: { QTRUST_DEBUG: '1' } });
    await runCli(['boom'], d.io, [boom], info);
    expect(d.err.join('')).toContain('    at ');
  });

  it('a cancelled prompt exits 130', async () => {
    expect(await runCli(['cancel'], fakeIo().io, [cancel], info)).toBe(130);
  });

  it('flattens multi-line messages to one line', async () => {
    const multi: CommandSpec = {
      ...boom,
      name: ['multi'],
      run: async () => Promise.reject(new QtError('QT_X', 'a\nb\r\nc', { path: '$.x' })),
    };
    const f = fakeIo();
    expect(await runCli(['multi'], f.io, [multi], info)).toBe(2);
    expect(f.err).toEqual(['qtrust: error QT_X: a b c (at $.x)\n']);
  });

  it('refuses to read input from a terminal unless asked with -', async () => {
    const f = fakeIo({ tty: true });
    expect(await runCli(['canon'], f.io, COMMANDS, info)).toBe(2);
    expect(f.err.join('')).toContain('QT_USAGE');
    const g = fakeIo({ tty: true, stdin: '{"b":1,"a":2}' });
    expect(await runCli(['canon', '-'], g.io, COMMANDS, info)).toBe(0);
    expect(g.out.join('')).toBe('{"a":2,"b":1}');
  });
});

describe('passphrase prompts on a terminal', () => {
  it('key generate asks twice, sign asks once', async () => {
    const dir = join(tmp, 'tty-keys');
    const g = fakeIo({ tty: true, answers: ['tty passphrase', 'tty passphrase'] });
    expect(await runCli(['key', 'generate', '--suite', 'ed25519', '--out', dir], g.io, COMMANDS, info)).toBe(
      0,
    );
    expect(g.prompts).toEqual(['New passphrase: ', 'Repeat passphrase: ']);
    expect(JSON.parse(readFileSync(join(dir, 'secret.json'), 'utf8')).sealed).toBeDefined();
    writeFileSync(join(tmp, 'msg.txt'), 'hello');
    const s = fakeIo({ tty: true, answers: ['tty passphrase'] });
    expect(await runCli(['sign', '--key', dir, join(tmp, 'msg.txt')], s.io, COMMANDS, info)).toBe(0);
    expect(s.prompts).toEqual(['Passphrase: ']);
    expect(JSON.parse(s.out.join('')).signatures).toHaveLength(1);
  });

  it('refuses two different passphrases and an empty one', async () => {
    const m = fakeIo({ tty: true, answers: ['one', 'two'] });
    expect(
      await runCli(['key', 'generate', '--suite', 'ed25519', '--out', join(tmp, 'm')], m.io, COMMANDS, info),
    ).toBe(2);
    expect(m.err.join('')).toContain('QT_PASSPHRASE');
    const e = fakeIo({ tty: true, answers: ['', ''] });
    expect(
      await runCli(['key', 'generate', '--suite', 'ed25519', '--out', join(tmp, 'e')], e.io, COMMANDS, info),
    ).toBe(2);
    expect(e.err.join('')).toContain('QT_PASSPHRASE');
  });
});

describe('promptHidden', () => {
  class FakeTty extends EventEmitter {
    raw: boolean[] = [];
    setRawMode(mode: boolean) {
      this.raw.push(mode);
    }
    resume() {}
    pause() {}
  }

  it('reads until Enter, honours Backspace, echoes nothing and restores the terminal', async () => {
    const tty = new FakeTty();
    const written: string[] = [];
    const p = promptHidden(tty, { write: (t: string) => written.push(t) }, 'Passphrase: ');
    tty.emit('data', Buffer.from('secx\u007fret'));
    tty.emit('data', Buffer.from('\r'));
    expect(await p).toBe('secret');
    expect(written).toEqual(['Passphrase: ', '\n']);
    expect(tty.raw).toEqual([true, false]);
    expect(tty.listenerCount('data')).toBe(0);
  });

  it('cancels on Ctrl-C and on Ctrl-D at an empty prompt', async () => {
    for (const key of ['ab\u0003', '\u0004']) {
      const tty = new FakeTty();
      const p = promptHidden(tty, { write: () => undefined }, '> ');
      tty.emit('data', key);
      await expect(p).rejects.toMatchObject({ code: 'QT_CANCELLED' });
      expect(tty.raw).toEqual([true, false]);
    }
  });
});
