/**
 * parsePolicy: the strict reader of policy documents (docs/policy.md, "Policy documents"). Every
 * failure is QT_POLICY_INVALID with the JSON path of the offending value.
 */
import { isPlainObject } from '../bytes.js';
import { parseCondition } from './condition.js';
import { POLICY_LIMITS } from './limits.js';
import { parsePattern } from './pattern.js';
import { Reader } from './strict-json.js';
import type { ApprovalRequirement, Condition, Effect, Policy, Rule } from './types.js';

const R = new Reader('QT_POLICY_INVALID');
const PARSED = new WeakSet<object>();

const DOC_KEYS = ['policy', 'version', 'description', 'rules'] as const;
const RULE_KEYS = [
  'id',
  'effect',
  'subjects',
  'actions',
  'resources',
  'when',
  'approvals',
  'grantTtlSeconds',
  'description',
] as const;
const APPROVAL_KEYS = ['quorum', 'from', 'allowRequester'] as const;

/** True for values returned by parsePolicy (not look-alikes). */
export function isParsedPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && PARSED.has(value);
}

/** A frozen deep copy of a value already validated as JSON (plain objects, arrays, primitives). */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return Object.freeze(value.map(copyJson));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(value)) out[k] = copyJson(value[k]);
    return Object.freeze(out);
  }
  return value;
}

function parseList(
  value: unknown,
  path: string,
  subject: boolean,
  count: { n: number; values: number },
): string[] {
  const list = R.array(value, path, POLICY_LIMITS.maxPatternsPerList);
  count.n += list.length;
  if (count.n > POLICY_LIMITS.maxPatternsPerPolicy) {
    R.fail(path, `the policy has more than ${POLICY_LIMITS.maxPatternsPerPolicy} patterns`);
  }
  return list.map((v, i) => {
    parsePattern(R, v, `${path}[${i}]`, subject);
    return v as string;
  });
}

function parseApprovals(value: unknown, path: string): ApprovalRequirement {
  const o = R.object(value, path, APPROVAL_KEYS);
  const quorum = R.integer(R.required(o, 'quorum', path), `${path}.quorum`, 1, POLICY_LIMITS.maxQuorum);
  const raw = R.array(R.required(o, 'from', path), `${path}.from`, POLICY_LIMITS.maxApprovalGroups);
  if (raw.length === 0) R.fail(`${path}.from`, 'must name at least one approver group');
  const from = raw.map((g, i) => R.text(g, `${path}.from[${i}]`, POLICY_LIMITS.maxIdLength));
  if (new Set(from).size !== from.length) R.fail(`${path}.from`, 'must not repeat a group');
  const allowRequester = o.has('allowRequester')
    ? R.boolean(o.get('allowRequester'), `${path}.allowRequester`)
    : false;
  return Object.freeze({ quorum, from: Object.freeze(from), allowRequester });
}

function parseRule(value: unknown, path: string, count: { n: number; values: number }): Rule {
  const o = R.object(value, path, RULE_KEYS);
  const id = R.text(R.required(o, 'id', path), `${path}.id`, POLICY_LIMITS.maxIdLength);
  const effect = R.required(o, 'effect', path);
  if (effect !== 'allow' && effect !== 'deny') R.fail(`${path}.effect`, 'must be "allow" or "deny"');
  const subjects = parseList(R.required(o, 'subjects', path), `${path}.subjects`, true, count);
  const actions = parseList(R.required(o, 'actions', path), `${path}.actions`, false, count);
  const resources = parseList(R.required(o, 'resources', path), `${path}.resources`, false, count);
  if (o.has('description'))
    R.text(o.get('description'), `${path}.description`, POLICY_LIMITS.maxDescription, 0);
  const rule: {
    id: string;
    effect: Effect;
    subjects: readonly string[];
    actions: readonly string[];
    resources: readonly string[];
    when?: Condition;
    approvals?: ApprovalRequirement;
    grantTtlSeconds?: number;
  } = {
    id,
    effect: effect as Effect,
    subjects: Object.freeze(subjects),
    actions: Object.freeze(actions),
    resources: Object.freeze(resources),
  };
  if (o.has('when'))
    rule.when = parseCondition(R, o.get('when'), `${path}.when`, 'when', { nodes: 0, policy: count });
  for (const key of ['approvals', 'grantTtlSeconds'] as const) {
    if (o.has(key) && effect === 'deny') R.fail(`${path}.${key}`, 'is allowed on allow rules only');
  }
  if (o.has('approvals')) rule.approvals = parseApprovals(o.get('approvals'), `${path}.approvals`);
  if (o.has('grantTtlSeconds')) {
    rule.grantTtlSeconds = R.integer(
      o.get('grantTtlSeconds'),
      `${path}.grantTtlSeconds`,
      1,
      POLICY_LIMITS.maxGrantTtlSeconds,
    );
  }
  return Object.freeze(rule);
}

/**
 * Parses and validates a policy document (JSON value, e.g. from canonical.ts `parseJson`).
 * Throws QtError QT_POLICY_INVALID naming the JSON path of the first problem.
 */
export function parsePolicy(json: unknown): Policy {
  const o = R.object(json, '$', DOC_KEYS);
  const name = R.text(R.required(o, 'policy', '$'), '$.policy', POLICY_LIMITS.maxNameLength);
  const version = R.integer(R.required(o, 'version', '$'), '$.version', 0, Number.MAX_SAFE_INTEGER);
  if (o.has('description')) R.text(o.get('description'), '$.description', POLICY_LIMITS.maxDescription, 0);
  const rawRules = R.array(R.required(o, 'rules', '$'), '$.rules', POLICY_LIMITS.maxRules);
  const count = { n: 0, values: 0 };
  const ids = new Set<string>();
  const rules = rawRules.map((raw, i) => {
    const rule = parseRule(raw, `$.rules[${i}]`, count);
    if (ids.has(rule.id)) R.fail(`$.rules[${i}].id`, `duplicate rule id ${JSON.stringify(rule.id)}`);
    ids.add(rule.id);
    return rule;
  });
  const policy: Policy = Object.freeze({
    name,
    version,
    rules: Object.freeze(rules),
    document: copyJson(json),
  });
  PARSED.add(policy);
  return policy;
}
