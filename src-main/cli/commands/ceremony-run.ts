/**
 * `qtrust ceremony run`: performs a ceremony script on real tokens, or on a throwaway SoftHSM token
 * directory with --dry-run (the module's single C_Initialize must see that directory, so a dry run is
 * its own process). The answers file (src-main/cli/ceremony-answers.ts) makes it scriptable for CI;
 * without one, on a terminal, who is present is asked, passphrases are asked without echo and each
 * step waits for the administrator's "yes". With --trust, the trust file's key history is updated
 * from the transcript (new keys current from their step, rotated keys retiring).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCeremonyTrust, updateKeyHistoryFromTranscript } from '../../../src-shared/ceremony/trust.js';
import { QtError } from '../../../src-shared/errors.js';
import type { SecretKeyEntry } from '../../../src-shared/sign/index.js';
import { parseSealedShare, type SealedShare } from '../../ceremony/custody.js';
import {
  MAX_TRANSCRIPT_BYTES,
  loadScript,
  readStructured,
  updateKeyRegistry,
  writeJson,
} from '../../ceremony/files.js';
import { CeremonyRunner } from '../../ceremony/runner.js';
import { nodeSuiteBackend } from '../../crypto/node-backend.js';
import { Pkcs11Module } from '../../hsm/module.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../../keys/keyfile.js';
import {
  askAnswers,
  custodianSecret,
  parseAnswers,
  passphraseOf,
  type Answers,
} from '../ceremony-answers.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust ceremony run';
const DEFAULT_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export const ceremonyRunCommand: CommandSpec = {
  name: ['ceremony', 'run'],
  summary: 'perform a key ceremony script on HSM tokens (or a throwaway token with --dry-run)',
  usage: 'ceremony run --script FILE [--answers FILE] [--out DIR] [--tenant-dir DIR] [--dry-run]',
  description: `Runs every step of the script in order, printing what each step will do before it does it.
Writes DIR/<id>.transcript.json (attested, hash-chained) and the sealed PIN shares under DIR/shares/,
and updates the tenant's HSM key registry. A failed step stops the ceremony; the transcript then
records where and why (exit 1). --dry-run runs the script against a temporary SoftHSM token directory.`,
  options: {
    script: { type: 'string', value: 'FILE', description: 'ceremony script (YAML or JSON)' },
    answers: {
      type: 'string',
      value: 'FILE',
      description: 'answers for CI: participants, key dirs, custodian secrets',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: 'where the transcript and shares go (default: ./ceremony-<id>)',
    },
    'tenant-dir': { type: 'string', value: 'DIR', description: 'tenant directory holding hsm-keys.json' },
    module: { type: 'string', value: 'PATH', description: `PKCS#11 module (default ${DEFAULT_MODULE})` },
    trust: {
      type: 'string',
      value: 'FILE',
      description: 'ceremony trust file whose key history the ceremony updates',
    },
    'dry-run': { type: 'boolean', description: 'rehearse on a throwaway SoftHSM token directory' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const scriptPath = stringOption(ctx.values, 'script', NAME);
    const answersPath = stringOption(ctx.values, 'answers', NAME, true);
    const script = await loadScript(scriptPath);
    const trustPath = stringOption(ctx.values, 'trust', NAME, true);
    // Read the trust file first: a ceremony must not run to its end and then fail to be recorded.
    const trust =
      trustPath === undefined
        ? undefined
        : parseCeremonyTrust(await readStructured(trustPath, MAX_TRANSCRIPT_BYTES, 'QT_CEREMONY_TRUST'));
    const answers: Answers =
      answersPath === undefined
        ? await askAnswers(ctx, script)
        : parseAnswers(await readStructured(answersPath, 1024 * 1024, 'QT_USAGE'), answersPath);
    const base = answersPath === undefined ? resolve('.') : dirname(resolve(answersPath));
    const out = resolve(stringOption(ctx.values, 'out', NAME, true) ?? `ceremony-${script.id}`);
    const dryRun = ctx.values['dry-run'] === true;
    let tmp: string | undefined;
    if (dryRun) {
      tmp = mkdtempSync(join(tmpdir(), 'qtrust-dryrun-'));
      mkdirSync(join(tmp, 'tokens'));
      writeFileSync(
        join(tmp, 'softhsm2.conf'),
        `directories.tokendir = ${join(tmp, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
      );
      // SoftHSM reads its configuration at C_Initialize, which Pkcs11Module.open performs next.
      process.env.SOFTHSM2_CONF = join(tmp, 'softhsm2.conf');
    }
    const mod = Pkcs11Module.open(stringOption(ctx.values, 'module', NAME, true) ?? DEFAULT_MODULE);
    try {
      const signers = new Map<string, SecretKeyEntry[]>();
      const present = answers.present ?? [];
      for (const p of present) {
        const a = answers.participants?.[p];
        if (a === undefined)
          throw new QtError('QT_USAGE', `${NAME}: the answers name ${p} as present but give no keyDir`);
        const { path, set } = await readSecretKeySetFile(resolve(base, a.keyDir));
        const pass = 'sealed' in set ? await passphraseOf(ctx, a.passphraseFile, base, p) : undefined;
        signers.set(p, (await openSecretKeySetFile(path, set, pass)).keys);
      }
      const runner = new CeremonyRunner({
        module: mod,
        script,
        signers,
        now: () => new Date().toISOString(),
        dryRun,
        backend: nodeSuiteBackend,
        passphraseOf: async (c) => {
          const s = await custodianSecret(ctx, answers, base, c);
          if ('passphrase' in s) return s.passphrase;
          throw new QtError(
            'QT_CEREMONY_CUSTODIAN',
            `custodian ${c} seals with a passphrase but the answers give a key file`,
          );
        },
      });
      for (const p of present) runner.checkIn(p);
      const prior: SealedShare[] = [];
      for (const f of answers.shares ?? [])
        prior.push(
          parseSealedShare(await readStructured(resolve(base, f), 64 * 1024, 'QT_CEREMONY_SHARE_FORMAT'), f),
        );
      mkdirSync(out, { recursive: true, mode: 0o700 });
      let code: number = EXIT.ok;
      try {
        while (runner.requirements() !== undefined) {
          const req = runner.requirements();
          ctx.stderr(`${runner.describeNext()}\n`);
          if (answersPath === undefined && ctx.isTTY) {
            const yes = await ctx.promptHidden('Type yes to perform this step: ');
            if (yes.trim() !== 'yes') {
              await runner.abort('the administrator did not confirm the step');
              code = EXIT.verifyFailed;
              break;
            }
          }
          for (const [token, secret] of [
            ...(req?.userPin ?? []).map((t) => [t, 'user'] as const),
            ...(req?.soPin ?? []).map((t) => [t, 'so'] as const),
          ]) {
            for (const c of present.filter((p) => script.roles.custodians.members.some((m) => m.id === p))) {
              const share = [...runner.shares, ...prior].find(
                (s) => s.token === token && s.secret === secret && s.custodian === c,
              );
              if (share !== undefined)
                await runner.presentShare(share, await custodianSecret(ctx, answers, base, c));
            }
          }
          await runner.performNext();
        }
      } catch (e) {
        if (runner.state.status !== 'failed') throw e;
        ctx.stderr(
          `qtrust: ceremony stopped at step ${runner.state.failure?.step}: ${runner.state.failure?.code}: ${runner.state.failure?.message}\n`,
        );
        code = EXIT.verifyFailed;
      } finally {
        await writeJson(join(out, `${script.id}.transcript.json`), runner.transcript);
        mkdirSync(join(out, 'shares'), { recursive: true, mode: 0o700 });
        for (const s of runner.shares)
          await writeJson(join(out, 'shares', `${s.token}-${s.secret}-${s.custodian}.json`), s, 0o600);
      }
      const tenantDir = stringOption(ctx.values, 'tenant-dir', NAME, true);
      if (tenantDir !== undefined && !dryRun)
        await updateKeyRegistry(resolve(tenantDir), script, runner.state.keys);
      if (trust !== undefined && trustPath !== undefined && !dryRun && runner.transcript.entries.length > 0)
        await writeJson(trustPath, updateKeyHistoryFromTranscript(trust.json, runner.transcript));
      if (ctx.json)
        ctx.stdout(
          `${JSON.stringify({ ok: code === EXIT.ok, ceremony: script.id, status: runner.state.status, dryRun, transcript: join(out, `${script.id}.transcript.json`) })}\n`,
        );
      else
        ctx.stdout(
          `ceremony ${script.id}: ${runner.state.status}${dryRun ? ' (dry run)' : ''}; transcript ${join(out, `${script.id}.transcript.json`)}\n`,
        );
      return code;
    } finally {
      mod.finalize();
      if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    }
  },
};
