/**
 * parseRequest: the strict reader of authorization requests (docs/policy.md, "Requests"). Every
 * failure is QT_REQUEST_INVALID with the JSON path. The result is a frozen deep copy, so the caller
 * cannot change a request between its evaluation and its hashing.
 */
import { bytesToHex, utf8ToBytes } from '../bytes.js';
import { hashTagged, nobleHashes, TAGS, type HashPrimitives } from '../hash.js';
import { REQUEST_LIMITS } from './limits.js';
import { GROUP_PREFIX } from './pattern.js';
import { parseRfc3339 } from './rfc3339.js';
import { Reader } from './strict-json.js';
import type { AuthzRequest } from './types.js';

const R = new Reader('QT_REQUEST_INVALID');
const PARSED = new WeakSet<object>();

export function isParsedRequest(value: unknown): value is AuthzRequest {
  return typeof value === 'object' && value !== null && PARSED.has(value);
}

function copyContextValue(value: unknown, path: string, depth: number, budget: { nodes: number }): unknown {
  if (++budget.nodes > REQUEST_LIMITS.maxContextNodes) {
    R.fail(path, `context has more than ${REQUEST_LIMITS.maxContextNodes} values`);
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    // The canonical JSON domain (docs/formats.md): finite, within ±(2^53 - 1), so the request can be hashed.
    if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER))
      R.fail(path, 'must be a finite number within ±(2^53 - 1)');
    return value === 0 ? 0 : value;
  }
  if (typeof value === 'string') return R.text(value, path, REQUEST_LIMITS.maxContextString, 0, true);
  if (depth >= REQUEST_LIMITS.maxContextDepth)
    R.fail(path, `context deeper than ${REQUEST_LIMITS.maxContextDepth}`);
  if (Array.isArray(value)) {
    const items = R.array(value, path, REQUEST_LIMITS.maxContextNodes);
    return Object.freeze(items.map((v, i) => copyContextValue(v, `${path}[${i}]`, depth + 1, budget)));
  }
  return copyContextObject(value, path, depth, budget);
}

function copyContextObject(
  value: unknown,
  path: string,
  depth: number,
  budget: { nodes: number },
): Record<string, unknown> {
  const entries = R.object(value, path, undefined, REQUEST_LIMITS.maxContextNodes);
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of entries) {
    R.text(k, `${path} key`, REQUEST_LIMITS.maxContextKey, 0, true);
    out[k] = copyContextValue(v, `${path}.${k}`, depth + 1, budget);
  }
  return Object.freeze(out);
}

/** Parses and validates an authorization request. Throws QtError QT_REQUEST_INVALID with the JSON path. */
export function parseRequest(json: unknown): AuthzRequest {
  const o = R.object(json, '$', ['subject', 'action', 'resource', 'context', 'time']);
  const s = R.object(R.required(o, 'subject', '$'), '$.subject', ['id', 'groups']);
  const id = R.text(R.required(s, 'id', '$.subject'), '$.subject.id', REQUEST_LIMITS.maxIdLength);
  if (id.startsWith(GROUP_PREFIX)) R.fail('$.subject.id', `must not begin with "${GROUP_PREFIX}"`);
  const groups = s.has('groups')
    ? R.array(s.get('groups'), '$.subject.groups', REQUEST_LIMITS.maxGroups)
    : [];
  groups.forEach((g, i) => R.text(g, `$.subject.groups[${i}]`, REQUEST_LIMITS.maxGroupLength));
  if (new Set(groups).size !== groups.length) R.fail('$.subject.groups', 'must not repeat a group');
  const action = R.text(R.required(o, 'action', '$'), '$.action', REQUEST_LIMITS.maxIdLength);
  const resource = R.text(R.required(o, 'resource', '$'), '$.resource', REQUEST_LIMITS.maxIdLength);
  const context = o.has('context')
    ? copyContextObject(o.get('context'), '$.context', 0, { nodes: 0 })
    : (Object.freeze(Object.create(null)) as Record<string, unknown>);
  const timeText = R.required(o, 'time', '$');
  const time = parseRfc3339(timeText, '$.time', 'QT_REQUEST_INVALID');
  const request: AuthzRequest = Object.freeze({
    subject: Object.freeze({ id, groups: Object.freeze(groups as string[]) }),
    action,
    resource,
    context,
    time,
    timeText: timeText as string,
  });
  PARSED.add(request);
  return request;
}

/** The JSON form of a parsed request that its hash covers (defaults filled in: `groups`, `context`). */
export function requestDocument(req: AuthzRequest): unknown {
  return {
    subject: { id: req.subject.id, groups: req.subject.groups },
    action: req.action,
    resource: req.resource,
    context: req.context,
    time: req.timeText,
  };
}

/**
 * RFC 8785 text of a parsed context value. Parsing already put every value in the canonical domain
 * (well-formed strings, finite numbers within ±(2^53 - 1), -0 read as 0, plain containers), and for
 * such values RFC 8785 §3.2.2 serializes primitives exactly as ECMAScript's JSON.stringify does, with
 * object members sorted by UTF-16 code units (§3.2.3). A test checks equality with canonicalize().
 */
function canonicalText(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalText).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${canonicalText(o[k])}`;
  }
  return `${out}}`;
}

/** canonicalBytes(requestDocument(req)), by the fast path above (parsed requests only). */
export function requestCanonicalBytes(req: AuthzRequest): Uint8Array {
  const r = isParsedRequest(req) ? req : parseRequest(req);
  // Members in RFC 8785 order: action, context, resource, subject (groups, id), time.
  const text =
    `{"action":${JSON.stringify(r.action)},"context":${canonicalText(r.context)},` +
    `"resource":${JSON.stringify(r.resource)},"subject":{"groups":${canonicalText(r.subject.groups)},` +
    `"id":${JSON.stringify(r.subject.id)}},"time":${JSON.stringify(r.timeText)}}`;
  return utf8ToBytes(text);
}

/** Hex H("qtrust/request/v1", canonical(requestDocument(req))). */
export function requestHash(req: AuthzRequest, hashes: HashPrimitives = nobleHashes): string {
  return bytesToHex(hashTagged(TAGS.request, requestCanonicalBytes(req), hashes));
}
