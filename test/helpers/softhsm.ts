/**
 * Private SoftHSM2 tokens for one test run: a temporary token directory and a config file pointed to by
 * SOFTHSM2_CONF (which must be set before the process's single C_Initialize), tokens initialised with
 * softhsm2-util. `cleanup()` removes everything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmEnv {
  readonly dir: string;
  readonly conf: string;
  initToken(label: string, soPin: string, userPin: string): void;
  cleanup(): void;
}

export function softHsmAvailable(): boolean {
  return existsSync(SOFTHSM_MODULE);
}

export function createSoftHsm(): SoftHsmEnv {
  const dir = mkdtempSync(join(tmpdir(), 'qtrust-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    conf,
    initToken(label, soPin, userPin) {
      execFileSync(
        'softhsm2-util',
        ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', userPin],
        {
          env: { ...process.env, SOFTHSM2_CONF: conf },
          stdio: 'pipe',
        },
      );
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
