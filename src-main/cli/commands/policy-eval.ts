/** `qtrust policy eval`: the decision of a policy on a request, optionally with approvals counted. */
import { EXIT } from '../context.js';
import { stringOption } from '../input.js';
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

const NAME = 'qtrust policy eval';

export const policyEvalCommand: CommandSpec = {
  name: ['policy', 'eval'],
  summary: 'decide a request under a policy (allow, deny or pending)',
  usage:
    'policy eval --policy FILE --request FILE [--approvals DIR --approval-request FILE --roster FILE --roster-trust FILE] [--json]',
  description: `Evaluates the request under the policy (JSON, or YAML for .yaml/.yml files) and prints the
decision, the deciding rules, evaluation errors, the obligations (who must approve) and the policy
and request hashes. With --approvals, a pending decision is re-evaluated after counting the
approval envelopes in DIR against the approval request (--approval-request) and the signed roster
(--roster), which must verify under every key of --roster-trust: pending becomes allow when every
quorum is met. Exit 0 whatever the decision; 2 on a malformed policy, request or approval input
(the message names the file and the JSON path of the fault).`,
  options: {
    policy: { type: 'string', value: 'FILE', description: 'policy document (.json, .yaml or .yml)' },
    request: { type: 'string', value: 'FILE', description: 'authorization request (.json, .yaml or .yml)' },
    ...APPROVAL_OPTIONS,
    now: NOW_OPTION,
  },
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx) {
    const compiled = await readPolicyArg(stringOption(ctx.values, 'policy', NAME));
    const request = await readRequestArg(stringOption(ctx.values, 'request', NAME));
    const now = nowOption(ctx.values, NAME);
    const inputs = await readApprovalInputs(ctx.values, NAME);
    const outcome = decide(compiled, request, inputs, now);
    if (ctx.json) ctx.stdout(`${JSON.stringify(outcomeJson(outcome, inputs?.files))}\n`);
    else ctx.stdout(outcomeText(outcome, inputs?.files));
    return EXIT.ok;
  },
};
