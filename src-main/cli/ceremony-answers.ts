/**
 * Who takes part in `qtrust ceremony run`, and with which secrets: from an answers file (JSON or
 * YAML, for CI), or asked on the terminal. The answers file:
 *   { "present": ["adm", "c1", ...],                      participants checked in (witness confirmations)
 *     "participants": { "adm": { "keyDir": "...", "passphraseFile": "..." } },
 *     "custodians": { "c1": { "x25519KeyFile": "..." } | { "passphraseFile": "..." } },
 *     "shares": ["earlier/shares/a-user-c1.json", ...] }   shares from an earlier ceremony
 * Relative paths are resolved against the answers file's directory (the working directory when
 * asked). Without a terminal nothing is ever asked: a missing answer is a usage error.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { fromBase64url } from '../../src-shared/bytes.js';
import { roleOf } from '../../src-shared/ceremony/machine.js';
import type { CeremonyScript } from '../../src-shared/ceremony/script.js';
import { QtError } from '../../src-shared/errors.js';
import { passphraseFromText } from '../../src-shared/keys/index.js';
import type { CustodianSecret } from '../ceremony/custody.js';
import { readFileLimited } from '../io/read-file.js';
import { readPassphraseFile } from '../keys/passphrase.js';
import type { CliIo } from './context.js';

const NAME = 'qtrust ceremony run';

export const answersSchema = z.strictObject({
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
export type Answers = z.infer<typeof answersSchema>;

/** Parses an answers value (QT_USAGE naming the file and the JSON path). */
export function parseAnswers(value: unknown, name: string): Answers {
  const r = answersSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new QtError(
      'QT_USAGE',
      `${name}: ${issue?.message ?? 'malformed'} at $.${issue?.path.join('.') ?? ''}`,
      {
        path: name,
      },
    );
  }
  return r.data;
}

async function ask(io: CliIo, prompt: string): Promise<string> {
  return (await io.promptHidden(prompt)).trim();
}

/**
 * Asks on the terminal who is present (a key directory for each participant who is; empty when
 * absent), each present X25519 custodian's key file, and earlier shares when the script works on
 * existing keys. Passphrases are asked later, when they are needed.
 */
export async function askAnswers(io: CliIo, script: CeremonyScript): Promise<Answers> {
  if (!io.isTTY) {
    throw new QtError(
      'QT_USAGE',
      `${NAME}: give --answers FILE (stdin is not a terminal, so nobody can be asked who is present)`,
    );
  }
  const r = script.roles;
  const everyone = [r.administrator, ...r.custodians.members.map((c) => c.id), ...r.witnesses.members];
  const present: string[] = [];
  const participants: NonNullable<Answers['participants']> = {};
  const custodians: NonNullable<Answers['custodians']> = {};
  for (const p of everyone) {
    const dir = await ask(io, `Key directory of ${p} (${roleOf(script, p)}), empty if absent: `);
    if (dir === '') continue;
    present.push(p);
    participants[p] = { keyDir: dir };
    const seal = r.custodians.members.find((c) => c.id === p)?.seal;
    if (seal !== undefined && 'x25519' in seal) {
      const keyFile = await ask(io, `X25519 key file of custodian ${p}: `);
      if (keyFile === '') throw new QtError('QT_USAGE', `${NAME}: custodian ${p} gave no X25519 key file`);
      custodians[p] = { x25519KeyFile: keyFile };
    }
  }
  const out: Answers = { present, participants, custodians };
  if ((script.existingKeys ?? []).length === 0) return out;
  const list = await ask(io, 'Sealed share files from the earlier ceremony (comma-separated): ');
  return {
    ...out,
    shares: list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

/** A passphrase from a file, or asked (naming whose) on a terminal; never asked without one. */
export async function passphraseOf(
  io: CliIo,
  file: string | undefined,
  base: string,
  who: string,
): Promise<Uint8Array> {
  if (file !== undefined) return readPassphraseFile(resolve(base, file));
  if (!io.isTTY) {
    throw new QtError(
      'QT_USAGE',
      `${NAME}: no passphrase for ${who} in the answers (stdin is not a terminal, so none can be asked for)`,
    );
  }
  return passphraseFromText(await io.promptHidden(`Passphrase of ${who}: `), `passphrase of ${who}`);
}

/** What custodian `id` brings to open a share: their X25519 key file or their passphrase. */
export async function custodianSecret(
  io: CliIo,
  answers: Answers,
  base: string,
  id: string,
): Promise<CustodianSecret> {
  const a = answers.custodians?.[id];
  if (a !== undefined && 'x25519KeyFile' in a) {
    const path = resolve(base, a.x25519KeyFile);
    const text = new TextDecoder().decode(await readFileLimited(path, 1024)).trim();
    let key: Uint8Array | undefined;
    try {
      key = fromBase64url(text, `${id} x25519 key`);
    } catch {
      key = undefined;
    }
    if (key?.length !== 32)
      throw new QtError('QT_USAGE', `${NAME}: ${path} does not hold a 32-byte base64url X25519 key`);
    return { x25519SecretKey: key };
  }
  return { passphrase: await passphraseOf(io, a?.passphraseFile, base, `custodian ${id}`) };
}
