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
import { DEFAULT_GRANT_TTL_SECONDS } from './limits.js';
import type { Obligation, Policy, Rule } from './types.js';

interface TrieNode {
  readonly rules: number[];
  /** Children by the first UTF-16 unit of their edge's label. */
  readonly next: Map<number, TrieEdge>;
  /** After compress(), for a node with few children: their first units, in the order of `edges`. */
  firsts: number[];
  edges: TrieEdge[];
  /** After compress(): more than SMALL_FANOUT children, found through `next`. */
  big: boolean;
}

/** An edge of the prefix trie; chains of nodes without rules and with one child are merged into one label. */
interface TrieEdge {
  label: string;
  node: TrieNode;
}

/** Up to this many children a node is searched by a scan of their first units, faster than a Map here. */
const SMALL_FANOUT = 8;

function newNode(): TrieNode {
  return { rules: [], next: new Map(), firsts: [], edges: [], big: false };
}

/** The child edge of `node` whose label starts with `value[i]`. */
function child(node: TrieNode, value: string, i: number): TrieEdge | undefined {
  if (i >= value.length) return undefined;
  const c = value.charCodeAt(i);
  if (node.big) return node.next.get(c);
  const { firsts } = node;
  for (let k = 0; k < firsts.length; k++) if (firsts[k] === c) return node.edges[k];
  return undefined;
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
      node.big = node.next.size > SMALL_FANOUT;
      if (!node.big) {
        node.edges = [...node.next.values()];
        node.firsts = node.edges.map((e) => e.label.charCodeAt(0));
      }
    }
  }

  /**
   * Advances the marks (RuleMarks.advance) of the rules of every pattern matching `value`: the exact
   * id's list, and the list of each prefix along the trie path (a rule may appear in several).
   */
  mark(value: string, marks: RuleMarks, from: number, to: number, out?: number[]): void {
    const exact = this.exact.get(value);
    if (exact !== undefined) marks.advance(exact, from, to, out);
    let node = this.root;
    for (let i = 0; ;) {
      if (node.rules.length > 0) marks.advance(node.rules, from, to, out);
      const edge = child(node, value, i);
      if (edge === undefined || !value.startsWith(edge.label, i)) break;
      i += edge.label.length;
      node = edge.node;
    }
  }
}

/**
 * Scratch marks for intersecting the dimensions of a request (docs/policy.md, "Index"): one integer
 * per rule, compared against a per-call base that grows by 3 on every call, so nothing is cleared
 * between calls. A rule reached through the subject gets base + 1; through the action as well,
 * base + 2; through the resource as well, base + 3, and is then a candidate. Marks hold no result:
 * every call starts from a base no earlier mark can equal. Matching runs no caller code, so calls
 * never interleave.
 */
export class RuleMarks {
  private readonly marks: Int32Array;
  private next = 0;

  constructor(rules: number) {
    this.marks = new Int32Array(rules);
  }

  /** A fresh base: no mark equals base + 1..3 yet. */
  begin(): number {
    if (this.next > 0x7fff_fff0) {
      this.marks.fill(0);
      this.next = 0;
    }
    const base = this.next;
    this.next += 3;
    return base;
  }

  /**
   * Moves each rule of `list` marked `from` to `to` (every rule, when `from` is -1), appending it to
   * `out` when given; a rule listed twice is moved once.
   */
  advance(list: readonly number[], from: number, to: number, out: number[] | undefined): void {
    const { marks } = this;
    for (let k = 0; k < list.length; k++) {
      const n = list[k] as number;
      if (from === -1 ? marks[n] !== to : marks[n] === from) {
        marks[n] = to;
        if (out !== undefined) out.push(n);
      }
    }
  }
}

/** A rule as decisions use it; its patterns live in the indexes (matching never revisits them). */
export interface CompiledRule {
  readonly rule: Rule;
  /** The rule's grant lifetime, its own or the default. */
  readonly grantTtlSeconds: number;
  /** What the rule requires when it allows (frozen, shared by every decision it takes part in). */
  readonly obligation: Obligation | undefined;
}

function obligationOf(rule: Rule): Obligation | undefined {
  if (rule.approvals === undefined) return undefined;
  const ob: Obligation = {
    ruleId: rule.id,
    quorum: rule.approvals.quorum,
    from: rule.approvals.from,
    allowRequester: rule.approvals.allowRequester,
  };
  return Object.freeze(
    rule.grantTtlSeconds === undefined ? ob : { ...ob, grantTtlSeconds: rule.grantTtlSeconds },
  );
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
  /** Internal scratch space of the matcher (see RuleMarks). */
  readonly marks: RuleMarks;
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
    for (const s of rule.subjects) {
      const p = toPattern(s, true);
      (p.space === 'id' ? subjectIds : subjectGroups).add(p, n);
    }
    for (const s of rule.actions) actions.add(toPattern(s, false), n);
    for (const s of rule.resources) resources.add(toPattern(s, false), n);
    return Object.freeze({
      rule,
      grantTtlSeconds: rule.grantTtlSeconds ?? DEFAULT_GRANT_TTL_SECONDS,
      obligation: obligationOf(rule),
    });
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
    marks: new RuleMarks(rules.length),
  });
  COMPILED.add(compiled);
  return compiled;
}
