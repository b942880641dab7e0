/** `qtrust policy check`: validate a policy document and warn about rules that cannot do what they say. */
import { checkPolicy } from '../../../src-shared/policy/index.js';
import { EXIT } from '../context.js';
import { readPolicyArg } from '../policy-inputs.js';
import type { CommandSpec } from '../registry.js';

export const policyCheckCommand: CommandSpec = {
  name: ['policy', 'check'],
  summary: 'validate a policy and warn about rules that never match or are shadowed by a deny',
  usage: 'policy check [--strict] [--json] FILE',
  description: `Parses the policy strictly (JSON, or YAML for .yaml/.yml files) and runs the checks of
docs/policy.md ("Checks"): empty-match, empty-window, contradiction, shadowed. Prints the policy's
name, version and hash, then one line per warning. Exit 0 for a valid policy (1 with --strict when
there are warnings); 2 for an invalid one, naming the JSON path of the fault.
--json prints {"policy","version","policyHash","rules","warnings":[{"ruleId","kind","message"}]}.`,
  options: {
    strict: { type: 'boolean', description: 'exit 1 when there are warnings' },
  },
  positionals: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const compiled = await readPolicyArg(ctx.positionals[0] as string);
    const policy = compiled.policy;
    const warnings = checkPolicy(policy);
    if (ctx.json) {
      ctx.stdout(
        `${JSON.stringify({
          policy: policy.name,
          version: policy.version,
          policyHash: compiled.policyHash,
          rules: policy.rules.length,
          warnings,
        })}\n`,
      );
    } else {
      ctx.stdout(
        `valid: policy ${policy.name} version ${policy.version}, ${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'}\n` +
          `policy hash: ${compiled.policyHash}\n`,
      );
      for (const w of warnings) ctx.stdout(`warning: rule ${w.ruleId}: ${w.kind}: ${w.message}\n`);
      if (warnings.length === 0) ctx.stdout('no warnings\n');
    }
    return warnings.length > 0 && ctx.values.strict === true ? EXIT.verifyFailed : EXIT.ok;
  },
};
