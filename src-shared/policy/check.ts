/**
 * checkPolicy: cheap static warnings about rules that can never match or can never take effect
 * (docs/policy.md, "Checks"). Sound but incomplete: every warning is true, not every dead rule is found.
 */
import { compareInstants } from '../time.js';
import { isParsedPolicy, parsePolicy } from './parse-policy.js';
import { patternCovers, toPattern } from './pattern.js';
import type { Condition, Policy, Rule } from './types.js';

export type WarningKind = 'empty-match' | 'empty-window' | 'contradiction' | 'shadowed';

export interface PolicyWarning {
  readonly ruleId: string;
  readonly kind: WarningKind;
  readonly message: string;
}

type Warn = (kind: WarningKind, message: string) => void;

/** Looks for contradictions among the direct children of one `all` (and the nodes themselves). */
function checkCondition(c: Condition, warn: Warn): void {
  switch (c.kind) {
    case 'timeOfDay':
      if (c.from === c.to) warn('empty-window', `${c.at}: timeOfDay from equals to, an empty window`);
      return;
    case 'weekdays':
      if (c.days.length === 0) warn('empty-window', `${c.at}: weekdays lists no day`);
      return;
    case 'in':
      if (c.values.length === 0) warn('empty-window', `${c.at}: in lists no value`);
      return;
    case 'not':
      checkCondition(c.item, warn);
      return;
    case 'any':
      for (const item of c.items) checkCondition(item, warn);
      return;
    case 'all':
      break;
    default:
      return;
  }
  for (const item of c.items) checkCondition(item, warn);
  const eqs = new Map<string, unknown>();
  const lower = new Map<string, { v: number; strict: boolean }>();
  const upper = new Map<string, { v: number; strict: boolean }>();
  let after: Condition | undefined;
  let before: Condition | undefined;
  for (const item of c.items) {
    if (
      item.kind === 'after' &&
      (after === undefined || (after.kind === 'after' && compareInstants(item.instant, after.instant) > 0))
    )
      after = item;
    if (
      item.kind === 'before' &&
      (before === undefined ||
        (before.kind === 'before' && compareInstants(item.instant, before.instant) < 0))
    )
      before = item;
    if (item.kind === 'eq') {
      const key = item.attr.join('.');
      if (eqs.has(key) && eqs.get(key) !== item.value) {
        warn(
          'contradiction',
          `${c.at}: ${key} cannot equal both ${JSON.stringify(eqs.get(key))} and ${JSON.stringify(item.value)}`,
        );
      }
      eqs.set(key, item.value);
    }
    if (item.kind === 'gt' || item.kind === 'ge') {
      const key = item.attr.join('.');
      const cur = lower.get(key);
      const v = item.value as number;
      if (cur === undefined || v > cur.v || (v === cur.v && item.kind === 'gt'))
        lower.set(key, { v, strict: item.kind === 'gt' });
    }
    if (item.kind === 'lt' || item.kind === 'le') {
      const key = item.attr.join('.');
      const cur = upper.get(key);
      const v = item.value as number;
      if (cur === undefined || v < cur.v || (v === cur.v && item.kind === 'lt'))
        upper.set(key, { v, strict: item.kind === 'lt' });
    }
  }
  for (const [key, lo] of lower) {
    const hi = upper.get(key);
    if (hi !== undefined && (lo.v > hi.v || (lo.v === hi.v && (lo.strict || hi.strict)))) {
      warn('contradiction', `${c.at}: no number satisfies the bounds on ${key}`);
    }
  }
  if (
    after?.kind === 'after' &&
    before?.kind === 'before' &&
    compareInstants(after.instant, before.instant) >= 0
  ) {
    warn('empty-window', `${c.at}: after is not earlier than before, an empty window`);
  }
}

function covers(deny: Rule, allow: Rule): boolean {
  const dims: [readonly string[], readonly string[], boolean][] = [
    [deny.subjects, allow.subjects, true],
    [deny.actions, allow.actions, false],
    [deny.resources, allow.resources, false],
  ];
  return dims.every(([outer, inner, subject]) =>
    inner.every((i) => outer.some((o) => patternCovers(toPattern(o, subject), toPattern(i, subject)))),
  );
}

/** Warnings for a policy (parsed, or a raw document parsed first), sorted by rule id then kind. */
export function checkPolicy(policy: unknown): PolicyWarning[] {
  const parsed: Policy = isParsedPolicy(policy) ? policy : parsePolicy(policy);
  const out: PolicyWarning[] = [];
  const unconditionalDenies = parsed.rules.filter((r) => r.effect === 'deny' && r.when === undefined);
  for (const rule of parsed.rules) {
    const warn: Warn = (kind, message) => out.push(Object.freeze({ ruleId: rule.id, kind, message }));
    for (const dim of ['subjects', 'actions', 'resources'] as const) {
      if (rule[dim].length === 0) warn('empty-match', `${dim} is empty, so the rule never matches`);
    }
    if (rule.when !== undefined) checkCondition(rule.when, warn);
    if (rule.effect === 'allow') {
      const by = unconditionalDenies.find((d) => covers(d, rule));
      if (by !== undefined)
        warn('shadowed', `every request it matches is denied by rule ${JSON.stringify(by.id)}`);
    }
  }
  // Two warnings never share rule, kind and message (messages name the condition's path).
  const key = (w: PolicyWarning): string => `${w.ruleId}\u0000${w.kind}\u0000${w.message}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}
