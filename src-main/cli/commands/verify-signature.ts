/** `qtrust verify-signature`: does an envelope carry a valid signature by every key of a public key set? */
import { parseJsonBytes } from '../../../src-shared/canonical.js';
import { QtError, isQtError } from '../../../src-shared/errors.js';
import { parseEnvelope, verifyEnvelope, type PublicKeyEntry } from '../../../src-shared/sign/index.js';
import { nodeSuiteBackend } from '../../crypto/node-backend.js';
import { readJsonFile, readPublicKeySetFile } from '../../keys/keyfile.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust verify-signature';
/** A verification failure (exit 1), as opposed to a malformed input (exit 2). */
const FAILURES = new Set(['QT_SIGNATURE_MISSING', 'QT_SIGNATURE_INVALID', 'QT_PAYLOAD_TYPE_MISMATCH']);
const MAX_ENVELOPE_BYTES = 128 * 1024 * 1024;

interface KeyResult {
  suite: string;
  keyid: string;
  ok: boolean;
  code?: string;
  message?: string;
}

export const verifySignatureCommand: CommandSpec = {
  name: ['verify-signature'],
  summary: 'verify an envelope against every key of a public key set',
  usage: 'verify-signature --pub PUBLIC.json [--payload-type T] ENVELOPE',
  description: `Succeeds (exit 0) only when the envelope holds a valid signature by EVERY key of the public key
set (a hybrid set is as strong as its strongest suite only if all of them must verify). Each key is
checked and reported; a missing or invalid signature exits 1 naming its suite and key id. An
unreadable or malformed envelope or key file exits 2. ENVELOPE may be - for stdin.
--json prints {"ok","payloadType","results":[{"suite","keyid","ok","code"}]}.`,
  options: {
    pub: {
      type: 'string',
      value: 'FILE',
      description: 'public key set (public.json) whose keys must all verify',
    },
    'payload-type': { type: 'string', value: 'T', description: 'also require this exact payload type' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const pubPath = stringOption(ctx.values, 'pub', NAME);
    const payloadType = stringOption(ctx.values, 'payload-type', NAME, true);
    const keys = await readPublicKeySetFile(pubPath);
    const envPath = ctx.positionals[0] as string;
    const bytesIn = envPath === '-' ? await ctx.readStdin(MAX_ENVELOPE_BYTES) : new Uint8Array(0);
    const json =
      envPath === '-'
        ? withFile('<stdin>', () => parseJsonBytes(bytesIn))
        : await readJsonFile(envPath, MAX_ENVELOPE_BYTES, 'QT_ENVELOPE_FORMAT');
    const envelope = withFile(envPath, () => parseEnvelope(json));
    const results = keys.map((key) => verifyOne(envelope, key, payloadType));
    const ok = results.every((r) => r.ok);
    if (ctx.json) {
      ctx.stdout(`${JSON.stringify({ ok, payloadType: envelope.payloadType, results })}\n`);
    } else {
      for (const r of results) {
        if (r.ok) ctx.stdout(`ok      ${r.suite} ${r.keyid}\n`);
        else
          ctx.stderr(
            `qtrust: error ${r.code ?? 'QT_VERIFY_FAILED'}: ${r.message ?? 'verification failed'}\n`,
          );
      }
      ctx.stdout(ok ? `verified: all ${results.length} signatures valid\n` : 'verification FAILED\n');
    }
    return ok ? EXIT.ok : EXIT.verifyFailed;
  },
};

function verifyOne(envelope: unknown, key: PublicKeyEntry, payloadType: string | undefined): KeyResult {
  try {
    verifyEnvelope(envelope, [key], {
      backend: nodeSuiteBackend,
      ...(payloadType === undefined ? {} : { payloadType }),
    });
    return { suite: key.suite, keyid: key.keyid, ok: true };
  } catch (e) {
    if (isQtError(e) && FAILURES.has(e.code)) {
      return { suite: key.suite, keyid: key.keyid, ok: false, code: e.code, message: e.message };
    }
    throw e;
  }
}

function withFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}
