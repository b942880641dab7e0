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
import { DEFAULT_GRANT_TTL_SECONDS } from './limits.js';
import { isParsedRequest, parseRequest, requestHash } from './parse-request.js';
import { patternMatches, type Pattern } from './pattern.js';
import type { ApprovalStatus, AuthzRequest, Decision, EvaluationError, Obligation, Rule } from './types.js';

export interface EvaluateOptions {
  readonly approvals?: ApprovalStatus;
  readonly hashes?: HashPrimitives;
}

function matchesAny(patterns: readonly Pattern[], value: string): boolean {
  for (const p of patterns) if (patternMatches(p, value)) return true;
  return false;
}

function subjectMatches(patterns: readonly Pattern[], req: AuthzRequest): boolean {
  for (const p of patterns) {
    if (p.space === 'id') {
      if (patternMatches(p, req.subject.id)) return true;
    } else {
      for (const g of req.subject.groups) if (patternMatches(p, g)) return true;
    }
  }
  return false;
}

/** Rule numbers whose subject, action and resource lists all match, ascending, without repeats. */
export function candidates(compiled: CompiledPolicy, req: AuthzRequest): number[] {
  const subj: number[][] = [];
  let subjCount = compiled.subjectIds.collect(req.subject.id, subj);
  for (const g of req.subject.groups) subjCount += compiled.subjectGroups.collect(g, subj);
  const act: number[][] = [];
  const actCount = compiled.actions.collect(req.action, act);
  const res: number[][] = [];
  const resCount = compiled.resources.collect(req.resource, res);
  // Start from the dimension with the fewest postings; check the other two per rule.
  const min = Math.min(subjCount, actCount, resCount);
  const lists = min === actCount ? act : min === resCount ? res : subj;
  const out: number[] = [];
  for (const list of lists) {
    for (const n of list) {
      const cr = compiled.rules[n] as CompiledRule;
      if (
        (lists === subj || subjectMatches(cr.subjects, req)) &&
        (lists === act || matchesAny(cr.actions, req.action)) &&
        (lists === res || matchesAny(cr.resources, req.resource))
      ) {
        out.push(n);
      }
    }
  }
  if (lists.length > 1) {
    out.sort((a, b) => a - b);
    let w = 0;
    for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[w - 1]) out[w++] = out[i] as number;
    out.length = w;
  }
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
  const req = isParsedRequest(request) ? request : parseRequest(request);
  // Candidates come in rule-number order, which is rule-id order: `rules` and `errors` need no sort.
  let errors: EvaluationError[] | undefined;
  let denies: string[] | undefined;
  let allows: Rule[] | undefined;
  for (const n of candidates(cp, req)) {
    const rule = (cp.rules[n] as CompiledRule).rule;
    const r = rule.when === undefined ? true : evalCondition(rule.when, req);
    if (typeof r !== 'boolean') {
      (errors ??= []).push(Object.freeze({ ruleId: rule.id, message: r.message, path: r.path }));
    }
    if (rule.effect === 'deny') {
      if (r !== false) (denies ??= []).push(rule.id); // true, or an error: fail closed
    } else if (r === true) {
      (allows ??= []).push(rule);
    }
  }
  const errs = errors === undefined ? NONE : Object.freeze(errors);
  const requestHashHex = requestHash(req, options.hashes ?? nobleHashes);
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
  for (const rule of allows) {
    ids.push(rule.id);
    const ruleTtl = rule.grantTtlSeconds ?? DEFAULT_GRANT_TTL_SECONDS;
    if (ruleTtl < ttl) ttl = ruleTtl;
    if (rule.approvals !== undefined) {
      const ob: Obligation = {
        ruleId: rule.id,
        quorum: rule.approvals.quorum,
        from: rule.approvals.from,
        allowRequester: rule.approvals.allowRequester,
      };
      (obligations ??= []).push(
        Object.freeze(
          rule.grantTtlSeconds === undefined ? ob : { ...ob, grantTtlSeconds: rule.grantTtlSeconds },
        ),
      );
    }
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
