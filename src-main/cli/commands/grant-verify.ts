/** `qtrust grant verify`: is this grant valid for this audience and request, now, for the first time? */
import { formatTime } from '../../../src-shared/approvals/index.js';
import { QtError, isQtError } from '../../../src-shared/errors.js';
import { MemoryReplayCache, verifyGrant, type ReplayCache } from '../../../src-shared/grants/index.js';
import { SqliteReplayCache } from '../../grants/replay-cache.js';
import { readJsonFile, readPublicKeySetFile } from '../../keys/keyfile.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { NOW_OPTION, nowOption } from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust grant verify';
const MAX_GRANT_FILE_BYTES = 1024 * 1024;

/** Verdicts about the grant itself (exit 1); any other failure is bad usage or input (exit 2). */
function isGrantVerdict(e: unknown): e is QtError {
  return isQtError(e) && e.code.startsWith('QT_GRANT_') && e.code !== 'QT_GRANT_NOT_HYBRID';
}

export const grantVerifyCommand: CommandSpec = {
  name: ['grant', 'verify'],
  summary: 'verify a grant for one use (exit 0 valid, 1 invalid with the reason code)',
  usage:
    'grant verify --grant FILE --issuer PUBLIC.json --audience A --request-hash H [--replay-db FILE] [--json]',
  description: `Runs verifyGrant (docs/approvals.md, "Grants"): envelope, every issuer key's signature
(PUBLIC.json must be the issuer's full hybrid set), payload, audience, request hash, time window,
and last single use. --replay-db FILE is a SQLite replay cache shared by every verifier of the
target: a grant id it has seen is refused (QT_GRANT_REPLAYED). Without it single use is NOT
enforced across runs (a warning says so). Exit 0 valid; 1 invalid, with its reason code
(QT_GRANT_SIGNATURE, QT_GRANT_EXPIRED, QT_GRANT_REPLAYED, ...); 2 bad usage or unreadable input.
--json prints {"ok":true,"grantId","requestHash","audience","issuedAt","expiresAt"} or
{"ok":false,"code","message"}.`,
  options: {
    grant: { type: 'string', value: 'FILE', description: 'the grant envelope' },
    issuer: { type: 'string', value: 'FILE', description: "the issuer's public key set (public.json)" },
    audience: { type: 'string', value: 'A', description: 'your own audience name' },
    'request-hash': { type: 'string', value: 'H', description: 'hash of the request about to be executed' },
    'replay-db': { type: 'string', value: 'FILE', description: 'SQLite replay cache (created if missing)' },
    now: NOW_OPTION,
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const grantPath = stringOption(ctx.values, 'grant', NAME);
    const issuerKeys = await readPublicKeySetFile(stringOption(ctx.values, 'issuer', NAME));
    const audience = stringOption(ctx.values, 'audience', NAME);
    const requestHash = stringOption(ctx.values, 'request-hash', NAME);
    const replayDb = stringOption(ctx.values, 'replay-db', NAME, true);
    const now = nowOption(ctx.values, NAME);
    let replay: ReplayCache & { close?: () => void };
    if (replayDb === undefined) {
      ctx.stderr('qtrust: warning: no --replay-db: single use is not enforced across runs\n');
      replay = new MemoryReplayCache();
    } else {
      replay = SqliteReplayCache.open(replayDb, { clock: () => now });
    }
    try {
      let verified;
      try {
        const envelope = await readJsonFile(grantPath, MAX_GRANT_FILE_BYTES, 'QT_GRANT_MALFORMED');
        verified = verifyGrant(envelope, { issuerKeys, audience, requestHash, now, replay });
      } catch (e) {
        if (!isGrantVerdict(e)) throw e;
        if (ctx.json) ctx.stdout(`${JSON.stringify({ ok: false, code: e.code, message: e.message })}\n`);
        else ctx.stderr(`qtrust: invalid grant ${e.code}: ${e.message}\n`);
        return EXIT.verifyFailed;
      }
      const issuedAt = formatTime(verified.issuedAt);
      const expiresAt = formatTime(verified.expiresAt);
      if (ctx.json) {
        ctx.stdout(`${JSON.stringify({ ok: true, ...verified, issuedAt, expiresAt })}\n`);
      } else {
        ctx.stdout(
          `valid: grant ${verified.grantId}\naudience: ${verified.audience}\nrequest hash: ${verified.requestHash}\n` +
            `valid from ${issuedAt} to ${expiresAt}\n`,
        );
      }
      return EXIT.ok;
    } finally {
      replay.close?.();
    }
  },
};
