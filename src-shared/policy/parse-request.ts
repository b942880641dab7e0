/**
 * parseRequest: the strict reader of authorization requests (docs/policy.md, "Requests"). Every
 * failure is QT_REQUEST_INVALID with the JSON path. The result is a frozen deep copy, so the caller
 * cannot change a request between its evaluation and its hashing.
 *
 * The request is hashed on every decision, so its RFC 8785 text is written while it is copied, in the
 * same pass: parsing already puts every value in the canonical domain (well-formed strings, finite
 * numbers within ±(2^53 - 1), -0 read as 0, plain containers), and for such values RFC 8785 §3.2.2
 * serializes primitives exactly as ECMAScript's JSON.stringify does, with object members sorted by
 * UTF-16 code units (§3.2.3). A test checks the text against canonicalBytes(requestDocument(r)).
 */
import { abytes, utf8ToBytes } from '../bytes.js';
import { nobleHashes, TAGS, type HashPrimitives } from '../hash.js';
import { parseRfc3339 } from '../time.js';
import { REQUEST_LIMITS } from './limits.js';
import { GROUP_PREFIX } from './pattern.js';
import { isCleanText, Reader } from './strict-json.js';
import type { Instant } from '../time.js';
import type { AuthzRequest } from './types.js';

const R = new Reader('QT_REQUEST_INVALID');
const REQUEST_KEYS: readonly string[] = ['subject', 'action', 'resource', 'context', 'time'];
const SUBJECT_KEYS: readonly string[] = ['id', 'groups'];
const {
  maxIdLength: MAX_ID,
  maxGroups: MAX_GROUPS,
  maxGroupLength: MAX_GROUP,
  maxContextDepth: MAX_DEPTH,
  maxContextNodes: MAX_NODES,
  maxContextString: MAX_STRING,
  maxContextKey: MAX_KEY,
} = REQUEST_LIMITS;

const EMPTY_CONTEXT = Object.freeze(Object.create(null) as Record<string, unknown>);

function groupsText(groups: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < groups.length; i++) out += `${i === 0 ? '' : ','}${quote(groups[i] as string)}`;
  return `${out}]`;
}

/**
 * A parsed request: frozen, and carrying the RFC 8785 text of its request document in a private
 * field. No copy of the object (spread, structuredClone, a look-alike) has that field, so only
 * parseRequest's results are taken as parsed. (A WeakMap from request to text did the same at several
 * times the cost per request.)
 */
class ParsedRequest implements AuthzRequest {
  readonly subject: AuthzRequest['subject'];
  readonly context: Readonly<Record<string, unknown>>;
  readonly #canonical: string;

  constructor(
    id: string,
    groups: readonly string[],
    readonly action: string,
    readonly resource: string,
    context: Readonly<Record<string, unknown>>,
    contextText: string,
    readonly time: Instant,
    readonly timeText: string,
  ) {
    this.subject = Object.freeze({ id, groups: Object.freeze(groups) });
    this.context = context;
    // Members in RFC 8785 order: action, context, resource, subject (groups, id), time. The time
    // text is ASCII without characters to escape.
    this.#canonical =
      `{"action":${quote(action)},"context":${contextText},"resource":${quote(resource)},` +
      `"subject":{"groups":${groupsText(groups)},"id":${quote(id)}},"time":"${timeText}"}`;
    Object.freeze(this);
  }

  /** The canonical text of a parsed request; undefined for any other value. */
  static canonical(value: unknown): string | undefined {
    return typeof value === 'object' && value !== null && #canonical in value ? value.#canonical : undefined;
  }
}

export function isParsedRequest(value: unknown): value is AuthzRequest {
  return ParsedRequest.canonical(value) !== undefined;
}

/**
 * JSON.stringify(s) for a well-formed string (no lone surrogates, as the readers ensure): only `"`,
 * `\\` and C0 controls are escaped, so text without them is quoted as it is, without entering the
 * serializer.
 */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** Sorts member names by UTF-16 code units (RFC 8785 §3.2.3), by insertion for the usual few. */
function sortNames(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort(); // the default order compares UTF-16 code units
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > k; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = k;
  }
}

function childPath(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;
}

/** Copies context data into null-prototype frozen containers and writes its canonical text. */
class ContextCopy {
  nodes = 0;
  text = '';

  /** The copy of `v`, found at `key` of the container at `parent` (paths are built only when needed). */
  value(v: unknown, parent: string, key: string | number, depth: number): unknown {
    if (++this.nodes > MAX_NODES) R.fail(childPath(parent, key), `context has more than ${MAX_NODES} values`);
    if (v === null) {
      this.text += 'null';
      return v;
    }
    switch (typeof v) {
      case 'boolean':
        this.text += v ? 'true' : 'false';
        return v;
      case 'number': {
        // The canonical JSON domain (docs/formats.md): finite, within ±(2^53 - 1), so the request can be hashed.
        if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) {
          R.fail(childPath(parent, key), 'must be a finite number within ±(2^53 - 1)');
        }
        const n = v === 0 ? 0 : v;
        this.text += `${n}`;
        return n;
      }
      case 'string':
        // Reader.text names the failure; the test is repeated here so valid text needs no path.
        if (v.length > MAX_STRING || !isCleanText(v, true))
          R.text(v, childPath(parent, key), MAX_STRING, 0, true);
        this.text += quote(v);
        return v;
      default:
        break;
    }
    const path = childPath(parent, key);
    if (depth >= MAX_DEPTH) R.fail(path, `context deeper than ${MAX_DEPTH}`);
    if (!Array.isArray(v)) return this.object(v, path, depth);
    const items = R.array(v, path, MAX_NODES);
    this.text += '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.text += ',';
      items[i] = this.value(items[i], path, i, depth + 1);
    }
    this.text += ']';
    return Object.freeze(items);
  }

  object(v: unknown, path: string, depth: number): Record<string, unknown> {
    const keys = R.keys(v, path, undefined, MAX_NODES);
    sortNames(keys);
    const out = Object.create(null) as Record<string, unknown>;
    this.text += '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (k.length > MAX_KEY || !isCleanText(k, true)) R.text(k, `${path} key`, MAX_KEY, 0, true);
      this.text += `${i === 0 ? '' : ','}${quote(k)}:`;
      out[k] = this.value(R.value(v as object, k, path), path, k, depth + 1);
    }
    this.text += '}';
    return Object.freeze(out);
  }
}

function required(obj: object, keys: readonly string[], key: string, path: string): unknown {
  if (!keys.includes(key)) R.fail(path, `missing required key "${key}"`);
  return R.value(obj, key, path);
}

/** Parses and validates an authorization request. Throws QtError QT_REQUEST_INVALID with the JSON path. */
export function parseRequest(json: unknown): AuthzRequest {
  const keys = R.keys(json, '$', REQUEST_KEYS);
  const o = json as object;
  const subject = required(o, keys, 'subject', '$');
  const sKeys = R.keys(subject, '$.subject', SUBJECT_KEYS);
  const id = R.text(required(subject as object, sKeys, 'id', '$.subject'), '$.subject.id', MAX_ID);
  if (id.startsWith(GROUP_PREFIX)) R.fail('$.subject.id', `must not begin with "${GROUP_PREFIX}"`);
  const groups = sKeys.includes('groups')
    ? R.array(R.value(subject as object, 'groups', '$.subject'), '$.subject.groups', MAX_GROUPS)
    : [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (typeof g !== 'string' || g.length < 1 || g.length > MAX_GROUP || !isCleanText(g)) {
      R.text(g, `$.subject.groups[${i}]`, MAX_GROUP);
    }
    // At most 64 groups: the quadratic check costs less than building a Set.
    if (groups.indexOf(g) !== i) R.fail('$.subject.groups', 'must not repeat a group');
  }
  const action = R.text(required(o, keys, 'action', '$'), '$.action', MAX_ID);
  const resource = R.text(required(o, keys, 'resource', '$'), '$.resource', MAX_ID);
  let context = EMPTY_CONTEXT;
  let contextText = '{}';
  if (keys.includes('context')) {
    const copy = new ContextCopy();
    context = copy.object(R.value(o, 'context', '$'), '$.context', 0);
    contextText = copy.text;
  }
  const timeText = required(o, keys, 'time', '$');
  const time = parseRfc3339(timeText, '$.time', 'QT_REQUEST_INVALID');
  return new ParsedRequest(
    id,
    groups as string[],
    action,
    resource,
    context,
    contextText,
    time,
    timeText as string,
  );
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

function canonicalText(req: AuthzRequest): string {
  return ParsedRequest.canonical(req) ?? (ParsedRequest.canonical(parseRequest(req)) as string);
}

/** canonicalBytes(requestDocument(req)), from the text written while parsing (raw requests are parsed). */
export function requestCanonicalBytes(req: AuthzRequest): Uint8Array {
  return utf8ToBytes(canonicalText(req));
}

// taggedInput(TAGS.request, text) is built in place (docs/formats.md, Hashing):
// u8(len(tag)) || tag || u64be(len(data)) || data, with the UTF-8 text encoded straight after the
// header. The buffer is reused: hashing is synchronous and the hash functions keep no reference.
const TAG = TAGS.request;
const HEADER = 1 + TAG.length + 8;
const REUSE_LIMIT = 1 << 16;
/** TextEncoder.encodeInto (WHATWG Encoding), present in every runtime of the core; src-shared/env.d.ts declares only encode. */
interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
const encoder = new TextEncoder() as unknown as Utf8Encoder;
let scratch = newInput(4096);

function newInput(size: number): { buf: Uint8Array; body: Uint8Array } {
  const buf = new Uint8Array(size);
  buf[0] = TAG.length;
  for (let i = 0; i < TAG.length; i++) buf[1 + i] = TAG.charCodeAt(i);
  return { buf, body: buf.subarray(HEADER) };
}

function taggedRequest(text: string): Uint8Array {
  const max = HEADER + 3 * text.length; // UTF-8 needs at most 3 bytes per UTF-16 unit
  let input = scratch;
  if (input.buf.length < max) {
    input = newInput(max);
    if (max <= REUSE_LIMIT) scratch = input;
  }
  const { buf } = input;
  const n = encoder.encodeInto(text, input.body).written;
  // The request limits keep the text far below 2^32 bytes: the high half of the length is zero.
  const at = HEADER - 8;
  buf[at] = buf[at + 1] = buf[at + 2] = buf[at + 3] = 0;
  buf[at + 4] = n >>> 24;
  buf[at + 5] = (n >>> 16) & 0xff;
  buf[at + 6] = (n >>> 8) & 0xff;
  buf[at + 7] = n & 0xff;
  return buf.subarray(0, HEADER + n);
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** Lower-case hex of a digest (bytesToHex's output, by table: this runs once per decision). */
function digestHex(digest: Uint8Array): string {
  abytes(digest, 'digest', 32);
  let out = '';
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i] as number] as string;
  return out;
}

/** Hex H("qtrust/request/v1", canonical(requestDocument(req))); raw requests are parsed first. */
export function requestHash(req: AuthzRequest, hashes: HashPrimitives = nobleHashes): string {
  return digestHex(hashes.sha256(taggedRequest(canonicalText(req))));
}
