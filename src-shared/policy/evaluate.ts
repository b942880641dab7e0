/**
 * evaluate: the decision algorithm of docs/policy.md ("Decision algorithm"). Default deny, deny wins,
 * a deny rule whose condition errors counts as matching (fail closed; Cedar would skip it), an allow
 * rule whose condition errors is skipped. Total and deterministic: every input is validated first, and
 * the result depends only on the policy's rules (by id) and the request.
 */
import { aplainObject, describe } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { evalCondition } from './condition.js';
import { acompiled, type CompiledPolicy, type CompiledRule } from './compile.js';
import { isParsedRequest, parseAndHash, requestHash } from './parse-request.js';
import type { ApprovalStatus, AuthzRequest, Decision, EvaluationError, Obligation } from './types.js';

export interface EvaluateOptions {
  readonly approvals?: ApprovalStatus;
  readonly hashes?: HashPrimitives;
}

/** Sorts a short list of rule numbers in place (insertion sort: candidates are usually a handful). */
function sortNumbers(xs: number[]): void {
  if (xs.length > 32) {
    xs.sort((x, y) => x - y);
    return;
  }
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i] as number;
    let j = i - 1;
    for (; j >= 0 && (xs[j] as number) > x; j--) xs[j + 1] = xs[j] as number;
    xs[j + 1] = x;
  }
}

/**
 * Rule numbers whose subject, action and resource lists all match, ascending, without repeats: the
 * posting lists of the three dimensions intersected by marks (compile.ts, RuleMarks), without
 * building any intermediate list.
 */
export function candidates(compiled: CompiledPolicy, req: AuthzRequest): number[] {
  const { marks } = compiled;
  const base = marks.begin();
  compiled.subjectIds.mark(req.subject.id, marks, -1, base + 1);
  const { groups } = req.subject;
  for (let i = 0; i < groups.length; i++)
    compiled.subjectGroups.mark(groups[i] as string, marks, -1, base + 1);
  compiled.actions.mark(req.action, marks, base + 1, base + 2);
  const out: number[] = [];
  compiled.resources.mark(req.resource, marks, base + 2, base + 3, out);
  sortNumbers(out);
  return out;
}

function satisfied(status: ApprovalStatus | undefined, ob: Obligation): boolean {
  if (status === undefined) return false;
  if (typeof status === 'function') {
    try {
      return status(ob) === true;
    } catch {
      return false; // a failing approvals check leaves the obligation unmet: fail closed
    }
  }
  const v = status.get(ob.ruleId);
  return v === true || (typeof v === 'number' && v >= ob.quorum);
}

function checkOptions(opts: unknown): EvaluateOptions {
  const o = aplainObject(opts, 'opts');
  const approvals = o.approvals;
  if (approvals !== undefined && typeof approvals !== 'function' && !(approvals instanceof Map)) {
    throw new QtError('QT_TYPE', `opts.approvals must be a function or a Map, got ${describe(approvals)}`, {
      path: 'opts.approvals',
    });
  }
  const hashes = o.hashes;
  if (
    hashes !== undefined &&
    (typeof hashes !== 'object' || hashes === null || typeof (hashes as HashPrimitives).sha256 !== 'function')
  ) {
    throw new QtError('QT_TYPE', `opts.hashes must be HashPrimitives, got ${describe(hashes)}`, {
      path: 'opts.hashes',
    });
  }
  return o as EvaluateOptions;
}

/** The empty list every decision without rules, errors or obligations shares (frozen, so sharing is safe). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Decides `request` (the result of parseRequest, or a raw request, parsed first) under `compiled`.
 * Throws only for invalid inputs (QT_TYPE, QT_REQUEST_INVALID); every rule error becomes part of the
 * decision.
 */
export function evaluate(compiled: CompiledPolicy, request: unknown, opts: EvaluateOptions = {}): Decision {
  const cp = acompiled(compiled);
  const options = checkOptions(opts);
  const hashes = options.hashes ?? nobleHashes;
  let req: AuthzRequest;
  let requestHashHex: string;
  if (isParsedRequest(request)) {
    req = request;
    requestHashHex = requestHash(req, hashes);
  } else {
    ({ req, hash: requestHashHex } = parseAndHash(request, hashes));
  }
  // Candidates come in rule-number order, which is rule-id order: `rules` and `errors` need no sort.
  let errors: EvaluationError[] | undefined;
  let denies: string[] | undefined;
  let allows: CompiledRule[] | undefined;
  for (const n of candidates(cp, req)) {
    const cr = cp.rules[n] as CompiledRule;
    const rule = cr.rule;
    const r = rule.when === undefined ? true : evalCondition(rule.when, req);
    if (typeof r !== 'boolean') {
      (errors ??= []).push(Object.freeze({ ruleId: rule.id, message: r.message, path: r.path }));
    }
    if (rule.effect === 'deny') {
      if (r !== false) (denies ??= []).push(rule.id); // true, or an error: fail closed
    } else if (r === true) {
      (allows ??= []).push(cr);
    }
  }
  const errs = errors === undefined ? NONE : Object.freeze(errors);
  if (denies !== undefined || allows === undefined) {
    return Object.freeze({
      decision: 'deny',
      rules: denies === undefined ? NONE : Object.freeze(denies),
      errors: errs,
      policyHash: cp.policyHash,
      requestHash: requestHashHex,
      obligations: NONE,
    });
  }
  let obligations: Obligation[] | undefined;
  const ids: string[] = [];
  let ttl = Infinity;
  for (const cr of allows) {
    ids.push(cr.rule.id);
    if (cr.grantTtlSeconds < ttl) ttl = cr.grantTtlSeconds;
    // Obligations depend on the rule alone: built and frozen once, by compilePolicy.
    if (cr.obligation !== undefined) (obligations ??= []).push(cr.obligation);
  }
  const met = obligations === undefined || obligations.every((ob) => satisfied(options.approvals, ob));
  return Object.freeze({
    decision: met ? 'allow' : 'pending',
    rules: Object.freeze(ids),
    errors: errs,
    policyHash: cp.policyHash,
    requestHash: requestHashHex,
    obligations: obligations === undefined ? NONE : Object.freeze(obligations),
    grantTtlSeconds: ttl,
  });
}
