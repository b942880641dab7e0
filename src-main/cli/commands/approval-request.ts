/** `qtrust approval request`: the approval request for a pending decision, to hand to the approvers. */
import { randomBytes } from 'node:crypto';
import { canonicalize } from '../../../src-shared/canonical.js';
import { QtError } from '../../../src-shared/errors.js';
import {
  approvalRequestHash,
  createApprovalRequest,
  MAX_APPROVAL_WINDOW_SECONDS,
} from '../../../src-shared/approvals/index.js';
import { evaluate, requestDocument } from '../../../src-shared/policy/index.js';
import { writeFileAtomic } from '../../keys/atomic-write.js';
import { ioError } from '../../io/read-file.js';
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
import { NOW_OPTION, nowOption, readPolicyArg, readRequestArg } from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';
import { renderApprovalRequest } from '../render-approval.js';

const NAME = 'qtrust approval request';
const DEFAULT_WINDOW_SECONDS = 3600;

export const approvalRequestCommand: CommandSpec = {
  name: ['approval', 'request'],
  summary: 'create the approval request for a pending decision (what approvers will sign)',
  usage: 'approval request --policy FILE --request FILE --out FILE [--expires-in SECONDS] [--json]',
  description: `Evaluates the request; only a pending decision needs approvals (anything else is refused,
QT_APPROVAL_NOT_PENDING). Writes the approval request as canonical JSON to --out: the full request,
its hash, the policy hash, the obligations, the requester, a validity window (now to now +
--expires-in, default ${DEFAULT_WINDOW_SECONDS} s, at most ${MAX_APPROVAL_WINDOW_SECONDS} s) and a fresh 32-byte nonce. Prints it as
approvers will see it in 'qtrust approve', with its hash. --json prints
{"approvalRequestHash","out","approvalRequest"}.`,
  options: {
    policy: { type: 'string', value: 'FILE', description: 'policy document (.json, .yaml or .yml)' },
    request: { type: 'string', value: 'FILE', description: 'authorization request (.json, .yaml or .yml)' },
    out: { type: 'string', value: 'FILE', description: 'where to write the approval request' },
    'expires-in': {
      type: 'string',
      value: 'SECONDS',
      description: `validity window in seconds (default ${DEFAULT_WINDOW_SECONDS})`,
    },
    now: NOW_OPTION,
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const compiled = await readPolicyArg(stringOption(ctx.values, 'policy', NAME));
    const request = await readRequestArg(stringOption(ctx.values, 'request', NAME));
    const out = stringOption(ctx.values, 'out', NAME);
    const windowText = stringOption(ctx.values, 'expires-in', NAME, true);
    const window = windowText === undefined ? DEFAULT_WINDOW_SECONDS : Number(windowText);
    if (
      !/^[0-9]{1,9}$/.test(windowText ?? '1') ||
      !Number.isSafeInteger(window) ||
      window < 1 ||
      window > MAX_APPROVAL_WINDOW_SECONDS
    ) {
      throw new QtError(
        'QT_USAGE',
        `${NAME}: --expires-in must be 1 to ${MAX_APPROVAL_WINDOW_SECONDS} seconds`,
        {
          path: '--expires-in',
        },
      );
    }
    const now = nowOption(ctx.values, NAME);
    const decision = evaluate(compiled, request);
    if (decision.decision !== 'pending') {
      throw new QtError(
        'QT_APPROVAL_NOT_PENDING',
        `the decision is ${decision.decision}, not pending: there is nothing to approve`,
        { path: '$' },
      );
    }
    const ar = createApprovalRequest({
      request: requestDocument(request),
      requestHash: decision.requestHash,
      policyHash: decision.policyHash,
      obligations: decision.obligations,
      requester: request.subject.id,
      createdAt: now,
      expiresAt: now + window,
      nonce: new Uint8Array(randomBytes(32)),
    });
    await writeFileAtomic(out, new TextEncoder().encode(`${canonicalize(ar)}\n`), 0o644).catch(
      (err: unknown) => {
        throw ioError(err, out, 'write');
      },
    );
    const hash = approvalRequestHash(ar);
    if (ctx.json) ctx.stdout(`${JSON.stringify({ approvalRequestHash: hash, out, approvalRequest: ar })}\n`);
    else ctx.stdout(`${renderApprovalRequest(ar)}wrote ${out}\n`);
    return EXIT.ok;
  },
};
