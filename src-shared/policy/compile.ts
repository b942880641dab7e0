/**
 * compilePolicy: builds the match index (docs/policy.md, "Index"). For each dimension (subject id,
 * subject group, action, resource) an exact-id map and a character trie of prefixes point to posting
 * lists of rule numbers; rules are numbered in order of id, so nothing depends on document order.
 */
import { bytesToHex } from '../bytes.js';
import { canonicalBytes } from '../canonical.js';
import { QtError } from '../errors.js';
import { hashTagged, nobleHashes, TAGS, type HashPrimitives } from '../hash.js';
import { isParsedPolicy, parsePolicy } from './parse-policy.js';
import { toPattern, type Pattern } from './pattern.js';
import type { Policy, Rule } from './types.js';

interface TrieNode {
  rules: number[];
  readonly next: Map<number, TrieNode>;
}

/** Exact ids and prefixes of one dimension. */
export class PatternIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly root: TrieNode = { rules: [], next: new Map() };

  add(p: Pattern, rule: number): void {
    if (!p.prefix) {
      const list = this.exact.get(p.text);
      if (list === undefined) this.exact.set(p.text, [rule]);
      else if (list[list.length - 1] !== rule) list.push(rule);
      return;
    }
    let node = this.root;
    for (let i = 0; i < p.text.length; i++) {
      const c = p.text.charCodeAt(i);
      let child = node.next.get(c);
      if (child === undefined) {
        child = { rules: [], next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    if (node.rules[node.rules.length - 1] !== rule) node.rules.push(rule);
  }

  /** Appends the posting lists matching `value` to `out`; returns the number of postings added. */
  collect(value: string, out: number[][]): number {
    let total = 0;
    const exact = this.exact.get(value);
    if (exact !== undefined) {
      out.push(exact);
      total += exact.length;
    }
    let node: TrieNode | undefined = this.root;
    for (let i = 0; ; i++) {
      if (node.rules.length > 0) {
        out.push(node.rules);
        total += node.rules.length;
      }
      if (i === value.length) break;
      node = node.next.get(value.charCodeAt(i));
      if (node === undefined) break;
    }
    return total;
  }
}

/** Per-rule matchers, for checking the dimensions a candidate was not found through. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly subjects: readonly Pattern[];
  readonly actions: readonly Pattern[];
  readonly resources: readonly Pattern[];
}

export interface CompiledPolicy {
  readonly policy: Policy;
  /** Rules sorted by id; a rule's number is its position here. */
  readonly rules: readonly CompiledRule[];
  readonly subjectIds: PatternIndex;
  readonly subjectGroups: PatternIndex;
  readonly actions: PatternIndex;
  readonly resources: PatternIndex;
  /** Hex H("qtrust/policy/v1", canonical(document)). */
  readonly policyHash: string;
}

const COMPILED = new WeakSet<object>();

export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return typeof value === 'object' && value !== null && COMPILED.has(value);
}

/** Asserts `value` came from compilePolicy. */
export function acompiled(value: unknown, name = 'compiled'): CompiledPolicy {
  if (!isCompiledPolicy(value)) {
    throw new QtError('QT_TYPE', `${name} must be the result of compilePolicy`, { path: name });
  }
  return value;
}

/** Hex H("qtrust/policy/v1", canonical(policy document)). */
export function policyHash(policy: Policy, hashes: HashPrimitives = nobleHashes): string {
  return bytesToHex(hashTagged(TAGS.policy, canonicalBytes(policy.document), hashes));
}

/**
 * Compiles a policy (the result of parsePolicy, or a raw document, which is parsed first) into
 * an indexed form for evaluate.
 */
export function compilePolicy(policy: unknown, hashes: HashPrimitives = nobleHashes): CompiledPolicy {
  const parsed = isParsedPolicy(policy) ? policy : parsePolicy(policy);
  const sorted = [...parsed.rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  const subjectIds = new PatternIndex();
  const subjectGroups = new PatternIndex();
  const actions = new PatternIndex();
  const resources = new PatternIndex();
  const rules = sorted.map((rule, n): CompiledRule => {
    const cr: CompiledRule = Object.freeze({
      rule,
      subjects: Object.freeze(rule.subjects.map((s) => toPattern(s, true))),
      actions: Object.freeze(rule.actions.map((s) => toPattern(s, false))),
      resources: Object.freeze(rule.resources.map((s) => toPattern(s, false))),
    });
    for (const p of cr.subjects) (p.space === 'id' ? subjectIds : subjectGroups).add(p, n);
    for (const p of cr.actions) actions.add(p, n);
    for (const p of cr.resources) resources.add(p, n);
    return cr;
  });
  const compiled: CompiledPolicy = Object.freeze({
    policy: parsed,
    rules: Object.freeze(rules),
    subjectIds,
    subjectGroups,
    actions,
    resources,
    policyHash: policyHash(parsed, hashes),
  });
  COMPILED.add(compiled);
  return compiled;
}
