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
  readonly rules: number[];
  /** Children by the first UTF-16 unit of their edge's label. */
  readonly next: Map<number, TrieEdge>;
  /** After compress(), for a node with few children: their first units, in the order of `edges`. */
  firsts: string;
  edges: TrieEdge[];
}

/** An edge of the prefix trie; chains of nodes without rules and with one child are merged into one label. */
interface TrieEdge {
  label: string;
  node: TrieNode;
}

/** Up to this many children a node is searched by indexOf in a short string, faster than a Map here. */
const SMALL_FANOUT = 8;

function newNode(): TrieNode {
  return { rules: [], next: new Map(), firsts: '', edges: [] };
}

/** The child edge of `node` whose label starts with `value[i]`. */
function child(node: TrieNode, value: string, i: number): TrieEdge | undefined {
  if (i >= value.length) return undefined;
  if (node.next.size > SMALL_FANOUT) return node.next.get(value.charCodeAt(i));
  const k = node.firsts.indexOf(value.charAt(i));
  return k < 0 ? undefined : node.edges[k];
}

/** Exact ids and prefixes of one dimension. */
export class PatternIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly root: TrieNode = newNode();

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
      let edge = node.next.get(c);
      if (edge === undefined) {
        edge = { label: p.text[i] as string, node: newNode() };
        node.next.set(c, edge);
      }
      node = edge.node;
    }
    if (node.rules[node.rules.length - 1] !== rule) node.rules.push(rule);
  }

  /**
   * Merges every chain of rule-less single-child nodes into its edge (a radix tree), so a lookup
   * follows one map entry per branching point instead of one per character. Called once, after the
   * last add.
   */
  compress(): void {
    const stack: TrieNode[] = [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const edge of node.next.values()) {
        while (edge.node.rules.length === 0 && edge.node.next.size === 1) {
          const only = edge.node.next.values().next().value as TrieEdge;
          edge.label += only.label;
          edge.node = only.node;
        }
        stack.push(edge.node);
      }
      if (node.next.size <= SMALL_FANOUT) {
        node.edges = [...node.next.values()];
        node.firsts = node.edges.map((e) => e.label[0] as string).join('');
      }
    }
  }

  /** Appends the posting lists matching `value` to `out`; returns the number of postings added. */
  collect(value: string, out: number[][]): number {
    let total = 0;
    const exact = this.exact.get(value);
    if (exact !== undefined) {
      out.push(exact);
      total += exact.length;
    }
    let node = this.root;
    for (let i = 0; ;) {
      if (node.rules.length > 0) {
        out.push(node.rules);
        total += node.rules.length;
      }
      const edge = child(node, value, i);
      if (edge === undefined || !value.startsWith(edge.label, i)) break;
      i += edge.label.length;
      node = edge.node;
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
  for (const index of [subjectIds, subjectGroups, actions, resources]) index.compress();
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
