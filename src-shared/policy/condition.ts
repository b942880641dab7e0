/**
 * The condition language (docs/policy.md, "Conditions"): a closed grammar of comparisons, set
 * membership, boolean combinators and time windows over the request. Nothing here loops beyond the
 * parsed document's own (limited) size: no variables, no recursion other than the tree's depth.
 */
import { POLICY_LIMITS } from './limits.js';
import { compareInstants, parseRfc3339 } from '../time.js';
import type { Reader } from './strict-json.js';
import type { AuthzRequest, Condition, Literal } from './types.js';

const ATTR_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/; // anchored, no alternation or nesting: linear time
const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const OFFSET = /^([+-])([01][0-9]|2[0-3]):([0-5][0-9])$/;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Node counts: of the rule being parsed, and of the whole policy (where `in` literals count too). */
export interface Budget {
  nodes: number;
  readonly policy: { values: number };
}

function parseAttr(r: Reader, value: unknown, path: string): string[] {
  const text = r.text(value, path, POLICY_LIMITS.maxAttrSegments * (POLICY_LIMITS.maxAttrSegmentLength + 1));
  const segments = text.split('.');
  if (segments.length > POLICY_LIMITS.maxAttrSegments) {
    r.fail(path, `must have at most ${POLICY_LIMITS.maxAttrSegments} segments`);
  }
  for (const s of segments) {
    if (s.length > POLICY_LIMITS.maxAttrSegmentLength || !ATTR_SEGMENT.test(s)) {
      r.fail(path, `segment ${JSON.stringify(s)} must match [A-Za-z_][A-Za-z0-9_]* (at most 64 characters)`);
    }
  }
  return segments;
}

function parseLiteral(r: Reader, value: unknown, path: string): Literal {
  if (typeof value === 'string') return r.text(value, path, POLICY_LIMITS.maxStringLiteral, 0);
  if (typeof value === 'number') {
    // The canonical JSON domain (docs/formats.md): finite, within ±(2^53 - 1), so the policy can be hashed.
    if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER))
      r.fail(path, 'must be a finite number within ±(2^53 - 1)');
    return value === 0 ? 0 : value;
  }
  if (typeof value === 'boolean') return value;
  return r.fail(path, 'must be a string, number or boolean literal');
}

function parseOffset(r: Reader, value: unknown, path: string): number {
  if (value === undefined) return 0;
  const m = OFFSET.exec(r.text(value, path, 6));
  if (m === null) return r.fail(path, 'must be +HH:MM or -HH:MM');
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

function parseHhmm(r: Reader, value: unknown, path: string): number {
  const m = HHMM.exec(r.text(value, path, 5));
  if (m === null) return r.fail(path, 'must be HH:MM (00:00 to 23:59)');
  return Number(m[1]) * 60 + Number(m[2]);
}

function spend(r: Reader, budget: Budget, n: number, path: string): void {
  budget.policy.values += n;
  if (budget.policy.values > POLICY_LIMITS.maxConditionValuesPerPolicy) {
    r.fail(
      path,
      `the policy has more than ${POLICY_LIMITS.maxConditionValuesPerPolicy} condition nodes and literals`,
    );
  }
}

/** Parses one condition node. `path` is the document's JSON path, `at` the path within the rule. */
export function parseCondition(
  r: Reader,
  value: unknown,
  path: string,
  at: string,
  budget: Budget,
  depth = 1,
): Condition {
  if (depth > POLICY_LIMITS.maxConditionDepth)
    r.fail(path, `condition deeper than ${POLICY_LIMITS.maxConditionDepth}`);
  if (++budget.nodes > POLICY_LIMITS.maxConditionNodes) {
    r.fail(path, `condition has more than ${POLICY_LIMITS.maxConditionNodes} nodes`);
  }
  spend(r, budget, 1, path);
  const node = r.object(value, path, undefined, 1);
  const [entry] = node;
  if (entry === undefined) return r.fail(path, 'condition must have exactly one key');
  const [kind, body] = entry;
  const p = `${path}.${kind}`;
  const a = `${at}.${kind}`;
  switch (kind) {
    case 'all':
    case 'any': {
      const list = r.array(body, p, POLICY_LIMITS.maxConditionNodes);
      const items = list.map((c, i) => parseCondition(r, c, `${p}[${i}]`, `${a}[${i}]`, budget, depth + 1));
      return Object.freeze({ kind, at, items: Object.freeze(items) });
    }
    case 'not':
      return Object.freeze({ kind, at, item: parseCondition(r, body, p, a, budget, depth + 1) });
    case 'eq':
    case 'ne':
    case 'contains': {
      const o = r.object(body, p, ['attr', 'value']);
      const attr = parseAttr(r, r.required(o, 'attr', p), `${p}.attr`);
      const lit = parseLiteral(r, r.required(o, 'value', p), `${p}.value`);
      return Object.freeze({ kind, at, attr: Object.freeze(attr), value: lit });
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const o = r.object(body, p, ['attr', 'value']);
      const attr = parseAttr(r, r.required(o, 'attr', p), `${p}.attr`);
      const lit = parseLiteral(r, r.required(o, 'value', p), `${p}.value`);
      if (typeof lit !== 'number') r.fail(`${p}.value`, 'must be a number');
      return Object.freeze({ kind, at, attr: Object.freeze(attr), value: lit });
    }
    case 'in': {
      const o = r.object(body, p, ['attr', 'values']);
      const attr = parseAttr(r, r.required(o, 'attr', p), `${p}.attr`);
      const raw = r.array(r.required(o, 'values', p), `${p}.values`, POLICY_LIMITS.maxInValues);
      spend(r, budget, raw.length, `${p}.values`);
      const values = raw.map((v, i) => parseLiteral(r, v, `${p}.values[${i}]`));
      if (values.some((v) => typeof v !== typeof values[0]))
        r.fail(`${p}.values`, 'literals must all have one type');
      return Object.freeze({ kind, at, attr: Object.freeze(attr), values: Object.freeze(values) });
    }
    case 'exists': {
      const o = r.object(body, p, ['attr']);
      const attr = parseAttr(r, r.required(o, 'attr', p), `${p}.attr`);
      return Object.freeze({ kind, at, attr: Object.freeze(attr) });
    }
    case 'after':
    case 'before':
      return Object.freeze({ kind, at, instant: parseRfc3339(body, p, r.code) });
    case 'timeOfDay': {
      const o = r.object(body, p, ['from', 'to', 'utcOffset']);
      const from = parseHhmm(r, r.required(o, 'from', p), `${p}.from`);
      const to = parseHhmm(r, r.required(o, 'to', p), `${p}.to`);
      const offsetMinutes = parseOffset(r, o.get('utcOffset'), `${p}.utcOffset`);
      return Object.freeze({ kind, at, from, to, offsetMinutes });
    }
    case 'weekdays': {
      const o = r.object(body, p, ['days', 'utcOffset']);
      const raw = r.array(r.required(o, 'days', p), `${p}.days`, 7);
      const days = raw.map((d, i) => {
        const n = WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number]);
        if (n < 0) r.fail(`${p}.days[${i}]`, `must be one of ${WEEKDAYS.join(', ')}`);
        return n;
      });
      if (new Set(days).size !== days.length) r.fail(`${p}.days`, 'must not repeat a day');
      const offsetMinutes = parseOffset(r, o.get('utcOffset'), `${p}.utcOffset`);
      return Object.freeze({ kind, at, days: Object.freeze(days.sort((x, y) => x - y)), offsetMinutes });
    }
    default:
      return r.fail(path, `unknown condition ${JSON.stringify(kind.slice(0, 32))}`);
  }
}

/** The result of evaluating a condition: true, false, or an error with the failing node's path. */
export type CondResult = boolean | { readonly message: string; readonly path: string };

const NOT_FOUND = Symbol('not found');

/** A failed lookup; context data never holds instances of this class (parseRequest copies plain values only). */
class LookupError {
  constructor(
    readonly message: string,
    readonly path: string,
  ) {}
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Follows `attr` through the context: NOT_FOUND when a key is missing, an error when a step is not an object. */
function lookup(ctx: Readonly<Record<string, unknown>>, attr: readonly string[], at: string): unknown {
  let cur: unknown = ctx;
  for (let i = 0; i < attr.length; i++) {
    if (!isRecord(cur)) {
      return new LookupError(`context.${attr.slice(0, i).join('.')} is ${typeName(cur)}, not an object`, at);
    }
    const key = attr[i] as string;
    // Parsed contexts have null prototypes, so `in` sees own keys only.
    if (!(key in cur)) return NOT_FOUND;
    cur = cur[key];
  }
  return cur;
}

function mismatch(attr: readonly string[], at: string, want: string, got: unknown): CondResult {
  return { message: `context.${attr.join('.')} is ${typeName(got)}, expected ${want}`, path: at };
}

function floorMod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** Evaluates a condition against a parsed request (docs/policy.md, "Conditions"). Total: never throws. */
export function evalCondition(c: Condition, req: AuthzRequest): CondResult {
  switch (c.kind) {
    case 'all':
      for (const item of c.items) {
        const r = evalCondition(item, req);
        if (r !== true) return r;
      }
      return true;
    case 'any':
      for (const item of c.items) {
        const r = evalCondition(item, req);
        if (r !== false) return r;
      }
      return false;
    case 'not': {
      const r = evalCondition(c.item, req);
      return typeof r === 'boolean' ? !r : r;
    }
    case 'exists': {
      const v = lookup(req.context, c.attr, c.at);
      if (v instanceof LookupError) return { message: v.message, path: v.path };
      return v !== NOT_FOUND;
    }
    case 'after':
      return compareInstants(req.time, c.instant) >= 0;
    case 'before':
      return compareInstants(req.time, c.instant) < 0;
    case 'timeOfDay': {
      const minute = Math.floor(floorMod(req.time.seconds + c.offsetMinutes * 60, 86400) / 60);
      return c.from <= c.to ? minute >= c.from && minute < c.to : minute >= c.from || minute < c.to;
    }
    case 'weekdays': {
      // 1970-01-01 was a Thursday (day 4 counting from Sunday = 0).
      const day = floorMod(Math.floor((req.time.seconds + c.offsetMinutes * 60) / 86400) + 4, 7);
      return c.days.includes(day);
    }
    default:
      break;
  }
  const v = lookup(req.context, c.attr, c.at);
  if (v instanceof LookupError) return { message: v.message, path: v.path };
  if (v === NOT_FOUND) return { message: `context.${c.attr.join('.')} is missing`, path: c.at };
  switch (c.kind) {
    case 'eq':
    case 'ne':
      if (typeof v !== typeof c.value) return mismatch(c.attr, c.at, typeof c.value, v);
      return (v === c.value) === (c.kind === 'eq');
    case 'in':
      if (c.values.length > 0 && typeof v !== typeof c.values[0]) {
        return mismatch(c.attr, c.at, typeof c.values[0], v);
      }
      return c.values.includes(v as Literal);
    case 'contains':
      if (!Array.isArray(v)) return mismatch(c.attr, c.at, 'array', v);
      return v.includes(c.value);
    default: {
      if (typeof v !== 'number') return mismatch(c.attr, c.at, 'number', v);
      const x = c.value as number;
      return c.kind === 'lt' ? v < x : c.kind === 'le' ? v <= x : c.kind === 'gt' ? v > x : v >= x;
    }
  }
}
