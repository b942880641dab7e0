/**
 * Translation of our policies and requests into Cedar (docs/policy.md, "Mapping to Cedar"), for the
 * differential test and the benchmark. Only the shared fragment is translated: integer numbers, no
 * null, no group prefix patterns, no obligations.
 */
import { createRequire } from 'node:module';
import { parseRfc3339 } from '../../../src-shared/time.js';

import type { StatefulAuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';

export type CedarModule = typeof import('@cedar-policy/cedar-wasm/nodejs');
export type CedarRequest = Omit<StatefulAuthorizationCall, 'preparsedPolicySetId'>;
export const cedar = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as CedarModule;

/** The utcOffset values the harness derives time-of-day and weekday attributes for. */
export const OFFSETS = [0, 330, -480, 60];
const suffix = (minutes: number): string => (minutes < 0 ? `m${-minutes}` : `p${minutes}`);
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function offsetMinutes(text: unknown): number {
  if (text === undefined) return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(text as string) as RegExpExecArray;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

const str = (s: string): string => JSON.stringify(s);
const likePattern = (prefix: string): string => str(`${prefix.replace(/\*/g, '\\*')}*`);

function lit(v: unknown): string {
  return typeof v === 'string' ? str(v) : String(v);
}

function access(attr: string): string {
  return `context${attr
    .split('.')
    .map((s) => `[${str(s)}]`)
    .join('')}`;
}

/** Cedar raises a type error exactly where our type-strict comparisons do. */
function guard(a: string, v: unknown): string {
  if (typeof v === 'string') return `(${a} like "*")`;
  if (typeof v === 'number') return `(${a} <= ${a})`;
  return `(${a} || true)`;
}

function hhmm(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

export function conditionToCedar(c: Record<string, unknown>): string {
  const [[kind, body]] = Object.entries(c) as [[string, unknown]];
  const b = body as Record<string, unknown>;
  switch (kind) {
    case 'all':
      return (body as Record<string, unknown>[]).length === 0
        ? 'true'
        : `(${(body as Record<string, unknown>[]).map(conditionToCedar).join(' && ')})`;
    case 'any':
      return (body as Record<string, unknown>[]).length === 0
        ? 'false'
        : `(${(body as Record<string, unknown>[]).map(conditionToCedar).join(' || ')})`;
    case 'not':
      return `!(${conditionToCedar(b)})`;
    case 'eq':
    case 'ne': {
      const a = access(b.attr as string);
      return `(${guard(a, b.value)} && ${a} ${kind === 'eq' ? '==' : '!='} ${lit(b.value)})`;
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[kind];
      return `(${access(b.attr as string)} ${op} ${lit(b.value)})`;
    }
    case 'in': {
      const a = access(b.attr as string);
      const values = b.values as unknown[];
      const set = `[${values.map(lit).join(', ')}].contains(${a})`;
      return values.length === 0 ? `(${set})` : `(${guard(a, values[0])} && ${set})`;
    }
    case 'contains':
      return `(${access(b.attr as string)}.contains(${lit(b.value)}))`;
    case 'exists': {
      const segs = (b.attr as string).split('.');
      return `(${segs.map((s, i) => `${i === 0 ? 'context' : access(segs.slice(0, i).join('.'))} has ${str(s)}`).join(' && ')})`;
    }
    case 'after':
      return `(context["__time"] >= ${parseRfc3339(body, 'after', 'QT_X').seconds})`;
    case 'before':
      return `(context["__time"] < ${parseRfc3339(body, 'before', 'QT_X').seconds})`;
    case 'timeOfDay': {
      const t = `context["__tod_${suffix(offsetMinutes(b.utcOffset))}"]`;
      const from = hhmm(b.from as string);
      const to = hhmm(b.to as string);
      return from <= to ? `(${t} >= ${from} && ${t} < ${to})` : `(${t} >= ${from} || ${t} < ${to})`;
    }
    case 'weekdays': {
      const d = `context["__dow_${suffix(offsetMinutes(b.utcOffset))}"]`;
      return `[${(b.days as string[]).map((x) => WEEKDAYS.indexOf(x)).join(', ')}].contains(${d})`;
    }
    default:
      throw new Error(`no Cedar translation for ${kind}`);
  }
}

function dimension(patterns: string[], variable: string, type: string): string {
  if (patterns.length === 0) return 'false';
  const parts = patterns.map((p) => {
    if (variable === 'principal' && p.startsWith('group:')) return `principal in Group::${str(p.slice(6))}`;
    return p.endsWith('*')
      ? `${variable}.id like ${likePattern(p.slice(0, -1))}`
      : `${variable} == ${type}::${str(p)}`;
  });
  return `(${parts.join(' || ')})`;
}

/** One Cedar policy per rule, keyed by the rule id. */
export function policyToCedar(doc: { rules: unknown[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of doc.rules) {
    const r = raw as Record<string, unknown>;
    const parts = [
      dimension(r.subjects as string[], 'principal', 'User'),
      dimension(r.actions as string[], 'action', 'Action'),
      dimension(r.resources as string[], 'resource', 'Resource'),
    ];
    if (r.when !== undefined) parts.push(conditionToCedar(r.when as Record<string, unknown>));
    out[r.id as string] =
      `${r.effect === 'deny' ? 'forbid' : 'permit'}(principal, action, resource) when { ${parts.join(' && ')} };`;
  }
  return out;
}

interface RawRequest {
  subject: { id: string; groups?: string[] };
  action: string;
  resource: string;
  context?: Record<string, unknown>;
  time: string;
}

/** The Cedar request for one of ours: entities carry `id` attributes and group parents. */
export function requestToCedar(req: RawRequest): CedarRequest {
  const t = parseRfc3339(req.time, 'time', 'QT_X').seconds;
  const context: Record<string, unknown> = { ...req.context, __time: t };
  for (const o of OFFSETS) {
    const local = t + o * 60;
    context[`__tod_${suffix(o)}`] = Math.floor((((local % 86400) + 86400) % 86400) / 60);
    context[`__dow_${suffix(o)}`] = (((Math.floor(local / 86400) + 4) % 7) + 7) % 7;
  }
  const groups = req.subject.groups ?? [];
  return {
    principal: { type: 'User', id: req.subject.id },
    action: { type: 'Action', id: req.action },
    resource: { type: 'Resource', id: req.resource },
    context,
    entities: [
      {
        uid: { type: 'User', id: req.subject.id },
        attrs: { id: req.subject.id },
        parents: groups.map((g) => ({ type: 'Group', id: g })),
      },
      ...groups.map((g) => ({ uid: { type: 'Group', id: g }, attrs: {}, parents: [] })),
      { uid: { type: 'Action', id: req.action }, attrs: { id: req.action }, parents: [] },
      { uid: { type: 'Resource', id: req.resource }, attrs: { id: req.resource }, parents: [] },
    ],
  } as CedarRequest;
}
