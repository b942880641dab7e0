/** `qtrust grant issue`: a short-lived, single-use grant, issued only when the decision is allow. */
import { randomBytes } from 'node:crypto';
import { fromBase64url } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { QtError } from '../../../src-shared/errors.js';
import { wipeSecretKeys } from '../../../src-shared/keys/index.js';
import { grantIdOf, issueGrant, MAX_GRANT_TTL_SECONDS } from '../../../src-shared/grants/index.js';
import { writeFileAtomic } from '../../keys/atomic-write.js';
import { ioError } from '../../io/read-file.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { KEY_OPTIONS, openSigningKeys } from '../open-keys.js';
import {
  APPROVAL_OPTIONS,
  NOW_OPTION,
  decide,
  nowOption,
  outcomeJson,
  outcomeText,
  readApprovalInputs,
  readPolicyArg,
  readRequestArg,
} from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';

const NAME = 'qtrust grant issue';

export const grantIssueCommand: CommandSpec = {
  name: ['grant', 'issue'],
  summary: 'issue a grant for a request the policy allows (after approvals, if any)',
  usage:
    'grant issue --key DIR --policy FILE --request FILE --audience A [--approvals DIR --approval-request FILE --roster FILE --roster-trust FILE] [--ttl SECONDS] [--out FILE] [--json]',
  description: `Decides the request exactly as 'qtrust policy eval' does (counting the approvals when given).
Only an allow decision gets a grant: deny or pending prints the decision and exits 1
(QT_GRANT_NOT_ALLOWED). The grant binds the request hash, the audience and a fresh nonce, lives
min(--ttl (default 300 s), the decision's grantTtlSeconds, ${MAX_GRANT_TTL_SECONDS} s), and is signed by every key of DIR,
which must be a hybrid set (a classical and a post-quantum key). Writes the grant envelope to --out
(or stdout). --json prints {"grantId","requestHash","audience","out"?,"grant"}.`,
  options: {
    ...KEY_OPTIONS,
    policy: { type: 'string', value: 'FILE', description: 'policy document (.json, .yaml or .yml)' },
    request: { type: 'string', value: 'FILE', description: 'authorization request (.json, .yaml or .yml)' },
    audience: { type: 'string', value: 'A', description: 'who will honour the grant (the target service)' },
    ttl: { type: 'string', value: 'SECONDS', description: 'grant lifetime (default 300, at most 3600)' },
    out: { type: 'string', value: 'FILE', description: 'write the grant envelope here (default stdout)' },
    ...APPROVAL_OPTIONS,
    now: NOW_OPTION,
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const dir = stringOption(ctx.values, 'key', NAME);
    const passphraseFile = stringOption(ctx.values, 'passphrase-file', NAME, true);
    const audience = stringOption(ctx.values, 'audience', NAME);
    const out = stringOption(ctx.values, 'out', NAME, true);
    const ttlText = stringOption(ctx.values, 'ttl', NAME, true);
    const ttl = ttlText === undefined ? undefined : Number(ttlText);
    if (
      ttlText !== undefined &&
      (!/^[0-9]{1,5}$/.test(ttlText) || ttl === undefined || ttl < 1 || ttl > MAX_GRANT_TTL_SECONDS)
    ) {
      throw new QtError('QT_USAGE', `${NAME}: --ttl must be 1 to ${MAX_GRANT_TTL_SECONDS} seconds`, {
        path: '--ttl',
      });
    }
    const compiled = await readPolicyArg(stringOption(ctx.values, 'policy', NAME));
    const request = await readRequestArg(stringOption(ctx.values, 'request', NAME));
    const now = nowOption(ctx.values, NAME);
    const inputs = await readApprovalInputs(ctx.values, NAME);
    const outcome = decide(compiled, request, inputs, now);
    const d = outcome.decision;
    if (d.decision !== 'allow') {
      const message = `the decision is ${d.decision}: a grant is issued only for allow`;
      if (ctx.json) {
        ctx.stdout(
          `${JSON.stringify({ ok: false, code: 'QT_GRANT_NOT_ALLOWED', message, ...outcomeJson(outcome, inputs?.files) })}\n`,
        );
      } else {
        ctx.stdout(outcomeText(outcome, inputs?.files));
        ctx.stderr(`qtrust: error QT_GRANT_NOT_ALLOWED: ${message}\n`);
      }
      return EXIT.verifyFailed;
    }
    const keys = await openSigningKeys(ctx, dir, passphraseFile, NAME);
    let grant;
    try {
      grant = issueGrant({
        decision: d.decision,
        requestHash: d.requestHash,
        audience,
        nonce: new Uint8Array(randomBytes(32)),
        issuedAt: now,
        ...(ttl === undefined ? {} : { ttlSeconds: ttl }),
        ...(d.grantTtlSeconds === undefined ? {} : { maxTtlSeconds: d.grantTtlSeconds }),
        signers: keys,
      });
    } finally {
      wipeSecretKeys(keys);
    }
    const text = `${canonicalize(grant)}\n`;
    const grantId = grantIdOf(fromBase64url(grant.payload, 'payload'));
    if (out !== undefined) {
      await writeFileAtomic(out, new TextEncoder().encode(text), 0o644).catch((err: unknown) => {
        throw ioError(err, out, 'write');
      });
    }
    if (ctx.json) {
      ctx.stdout(
        `${JSON.stringify({ grantId, requestHash: d.requestHash, audience, ...(out === undefined ? {} : { out }), grant })}\n`,
      );
    } else if (out === undefined) {
      ctx.stdout(text);
    } else {
      ctx.stdout(`grant ${grantId}\nrequest hash: ${d.requestHash}\naudience: ${audience}\nwrote ${out}\n`);
    }
    return EXIT.ok;
  },
};
