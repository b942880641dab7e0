// Shared set-up of the policy CLI integration tests: the CLI bundle built once per file, a
// temporary directory, and a runner that spawns `node bin/qtrust.js` as a user would.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/qtrust.js');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliFixture {
  readonly dir: string;
  readonly runs: Run[];
  file(name: string): string;
  write(name: string, value: unknown): string;
  qtrust(args: string[], input?: string): Run;
  close(): void;
}

export function buildCli(): void {
  execFileSync(process.execPath, [join(repo, 'scripts/build-cli.mjs')], { cwd: repo, stdio: 'pipe' });
}

export function cliFixture(prefix: string): CliFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const runs: Run[] = [];
  const file = (name: string) => join(dir, name);
  return {
    dir,
    runs,
    file,
    write(name, value) {
      writeFileSync(file(name), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
      return file(name);
    },
    qtrust(args, input) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: dir,
        input: input ?? '',
        encoding: 'utf8',
        env: { ...process.env, QTRUST_DEBUG: '' },
        timeout: 60_000,
      });
      const run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
      runs.push(run);
      return run;
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
      // Whatever happened, no run may have printed a stack trace.
      for (const r of runs) expect(r.stderr).not.toContain('    at ');
    },
  };
}

/** The one-line error of a failed run: `qtrust: error CODE: ...`. */
export function expectErrorLine(r: Run, code: string): void {
  expect(r.stderr).toMatch(new RegExp(`^qtrust: error ${code}: `));
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
}

/** A time in the approvals profile, `seconds` from now (whole seconds, UTC). */
export function isoIn(seconds: number): string {
  return new Date((Math.floor(Date.now() / 1000) + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const POLICY = {
  policy: 'prod-access',
  version: 3,
  rules: [
    {
      id: 'deploy-prod',
      effect: 'allow',
      subjects: ['group:release'],
      actions: ['deploy'],
      resources: ['prod/*'],
      approvals: { quorum: 2, from: ['sre'] },
      grantTtlSeconds: 600,
    },
    { id: 'read-any', effect: 'allow', subjects: ['*'], actions: ['read'], resources: ['*'] },
    {
      id: 'freeze',
      effect: 'deny',
      subjects: ['*'],
      actions: ['*'],
      resources: ['prod/*'],
      when: { eq: { attr: 'freeze', value: true } },
    },
  ],
};

export function request(action: string, resource: string, context: Record<string, unknown> = {}) {
  return {
    subject: { id: 'dave', groups: ['release'] },
    action,
    resource,
    context,
    time: '2026-11-26T13:40:00Z',
  };
}
