/**
 * `qtrust ceremony run`: performs a ceremony script on real tokens, or on a throwaway SoftHSM token
 * directory with --dry-run (the module's single C_Initialize must see that directory, so a dry run is
 * its own process). The answers file (JSON or YAML) makes it scriptable for CI:
 *   { "present": ["adm", "c1", ...],                      participants checked in (witness confirmations)
 *     "participants": { "adm": { "keyDir": "...", "passphraseFile": "..." } },
 *     "custodians": { "c1": { "x25519KeyFile": "..." } | { "passphraseFile": "..." } },
 *     "shares": ["earlier/shares/a-user-c1.json", ...] }   shares from an earlier ceremony
 * On a terminal without answers for someone, passphrases are asked without echo and each step waits
 * for the administrator's "yes".
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { fromBase64url } from '../../../src-shared/bytes.js';
import { QtError } from '../../../src-shared/errors.js';
import type { SecretKeyEntry } from '../../../src-shared/sign/index.js';
import { parseSealedShare, type CustodianSecret, type SealedShare } from '../../ceremony/custody.js';
import { loadScript, readStructured, updateKeyRegistry, writeJson } from '../../ceremony/files.js';
import { CeremonyRunner } from '../../ceremony/runner.js';
import { nodeSuiteBackend } from '../../crypto/node-backend.js';
import { Pkcs11Module } from '../../hsm/module.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../../keys/keyfile.js';
import { readPassphraseFile } from '../../keys/passphrase.js';
import { readFileLimited } from '../../io/read-file.js';
import { obtainPassphrase } from '../passphrase-source.js';
import { EXIT, type CliIo } from '../context.js';
import { stringOption } from '../input.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust ceremony run';
const DEFAULT_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

const answersSchema = z.strictObject({
  present: z.array(z.string()).max(64).optional(),
  participants: z
    .record(z.string(), z.strictObject({ keyDir: z.string(), passphraseFile: z.string().optional() }))
    .optional(),
  custodians: z
    .record(
      z.string(),
      z.union([
        z.strictObject({ x25519KeyFile: z.string() }),
        z.strictObject({ passphraseFile: z.string() }),
      ]),
    )
    .optional(),
  shares: z.array(z.string()).max(1024).optional(),
});
type Answers = z.infer<typeof answersSchema>;

async function custodianSecret(
  io: CliIo,
  answers: Answers,
  base: string,
  id: string,
): Promise<CustodianSecret> {
  const a = answers.custodians?.[id];
  if (a !== undefined && 'x25519KeyFile' in a) {
    const text = new TextDecoder().decode(await readFileLimited(resolve(base, a.x25519KeyFile), 1024)).trim();
    return { x25519SecretKey: fromBase64url(text, `${id} x25519 key`) };
  }
  if (a !== undefined) return { passphrase: await readPassphraseFile(resolve(base, a.passphraseFile)) };
  return {
    passphrase: await obtainPassphrase(io, undefined, 'existing', NAME, `no answer for custodian ${id}`),
  };
}

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
    'dry-run': { type: 'boolean', description: 'rehearse on a throwaway SoftHSM token directory' },
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const scriptPath = stringOption(ctx.values, 'script', NAME);
    const answersPath = stringOption(ctx.values, 'answers', NAME, true);
    const script = await loadScript(scriptPath);
    let answers: Answers = {};
    if (answersPath !== undefined) {
      const r = answersSchema.safeParse(await readStructured(answersPath, 1024 * 1024, 'QT_USAGE'));
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new QtError(
          'QT_USAGE',
          `${answersPath}: ${issue?.message ?? 'malformed'} at $.${issue?.path.join('.') ?? ''}`,
          { path: answersPath },
        );
      }
      answers = r.data;
    }
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
        const pass =
          'sealed' in set
            ? a.passphraseFile
              ? await readPassphraseFile(resolve(base, a.passphraseFile))
              : await obtainPassphrase(ctx, undefined, 'existing', NAME, `no passphrase for ${p}`)
            : undefined;
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
