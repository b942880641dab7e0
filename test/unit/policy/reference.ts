/**
 * A deliberately naive reference evaluator for differential tests: a linear scan over the rules with
 * its own pattern matching and decision logic (it shares only the condition evaluator). The index in
 * src-shared/policy must give exactly its decisions. With `skipErroringDenies` it follows Cedar's rule
 * (a policy that errors is skipped), which the Cedar differential test compares against.
 */
import { evalCondition } from '../../../src-shared/policy/condition.js';
import type { AuthzRequest, Policy } from '../../../src-shared/policy/index.js';

export interface ReferenceDecision {
  decision: 'allow' | 'deny' | 'pending';
  rules: string[];
  errors: string[];
}

function match(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function subjectMatch(pattern: string, req: AuthzRequest): boolean {
  if (pattern.startsWith('group:')) return req.subject.groups.some((g) => match(pattern.slice(6), g));
  return match(pattern, req.subject.id);
}

export function referenceEvaluate(
  policy: Policy,
  req: AuthzRequest,
  opts: { skipErroringDenies?: boolean; approved?: ReadonlySet<string> } = {},
): ReferenceDecision {
  const denies: string[] = [];
  const allows: string[] = [];
  const errors: string[] = [];
  let pending = false;
  for (const rule of policy.rules) {
    if (!rule.subjects.some((p) => subjectMatch(p, req))) continue;
    if (!rule.actions.some((p) => match(p, req.action))) continue;
    if (!rule.resources.some((p) => match(p, req.resource))) continue;
    const r = rule.when === undefined ? true : evalCondition(rule.when, req);
    if (typeof r !== 'boolean') errors.push(rule.id);
    if (rule.effect === 'deny') {
      if (r === true || (typeof r !== 'boolean' && opts.skipErroringDenies !== true)) denies.push(rule.id);
    } else if (r === true) {
      allows.push(rule.id);
      if (rule.approvals !== undefined && opts.approved?.has(rule.id) !== true) pending = true;
    }
  }
  const sort = (a: string[]): string[] => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (denies.length > 0) return { decision: 'deny', rules: sort(denies), errors: sort(errors) };
  if (allows.length === 0) return { decision: 'deny', rules: [], errors: sort(errors) };
  return { decision: pending ? 'pending' : 'allow', rules: sort(allows), errors: sort(errors) };
}
