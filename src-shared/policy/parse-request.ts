/**
 * parseRequest: the strict reader of authorization requests (docs/policy.md, "Requests"). Every
 * failure is QT_REQUEST_INVALID with the JSON path. The result is a frozen deep copy, so the caller
 * cannot change a request between its evaluation and its hashing.
 *
 * The request is hashed on every decision, so its RFC 8785 text is written while it is copied, in the
 * same pass: parsing already puts every value in the canonical domain (well-formed strings, finite
 * numbers within ±(2^53 - 1), -0 read as 0, plain containers), and for such values RFC 8785 §3.2.2
 * serializes primitives exactly as ECMAScript's JSON.stringify does, with object members sorted by
 * UTF-16 code units (§3.2.3). The text goes as UTF-8 straight into the hash input's buffer
 * (utf8-writer.ts), after its header. A test checks it against canonicalBytes(requestDocument(r)).
 */
import { QtError } from '../errors.js';
import { abytes } from '../bytes.js';
import { nobleHashes, TAGS, type HashPrimitives } from '../hash.js';
import { parseRfc3339 } from '../time.js';
import { REQUEST_LIMITS } from './limits.js';
import { GROUP_PREFIX } from './pattern.js';
import { isCleanText, Reader } from './strict-json.js';
import { asciiBytes, Utf8Writer } from './utf8-writer.js';
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

// The hash input taggedInput(TAGS.request, text) (docs/formats.md, Hashing) is
// u8(len(tag)) || tag || u64be(len(text)) || text: parsing writes the header, then the UTF-8 text.
const TAG = TAGS.request;
const HEADER = 1 + TAG.length + 8;
/** A shared buffer that has grown past this is dropped after use, so one huge request does not pin memory. */
const REUSE_LIMIT = 1 << 16;

function newWriter(size: number): Utf8Writer {
  const w = new Utf8Writer(size);
  w.buf[0] = TAG.length;
  for (let i = 0; i < TAG.length; i++) w.buf[1 + i] = TAG.charCodeAt(i);
  w.pos = HEADER;
  return w;
}

/**
 * The writer parseRequest reuses. Parsing can run caller code (a Proxy's traps), which could call
 * parseRequest again before the outer call finishes: a nested call gets a writer of its own, so it
 * never overwrites the outer call's text.
 */
let shared = newWriter(4096);
let sharedBusy = false;

/**
 * A parsed request: frozen, and carrying the tagged hash input of its request document (RFC 8785
 * text) in a private field. No copy of the object (spread, structuredClone, a look-alike) has that
 * field, so only parseRequest's results are taken as parsed. (A WeakMap from request to text did the
 * same at several times the cost per request.)
 */
class ParsedRequest implements AuthzRequest {
  readonly subject: AuthzRequest['subject'];
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly time: Instant;
  readonly timeText: string;
  /** Header and UTF-8 text, in a slab (see `keep`); never handed out (requestCanonicalBytes copies). */
  readonly #input: Uint8Array;

  constructor(r: AuthzRequest, input: Uint8Array) {
    this.subject = Object.freeze({ id: r.subject.id, groups: Object.freeze(r.subject.groups) });
    this.action = r.action;
    this.resource = r.resource;
    this.context = r.context;
    this.time = r.time;
    this.timeText = r.timeText;
    this.#input = input;
    Object.freeze(this);
  }

  /** The tagged hash input of a parsed request; undefined for any other value. */
  static input(value: unknown): Uint8Array | undefined {
    return typeof value === 'object' && value !== null && #input in value ? value.#input : undefined;
  }
}

export function isParsedRequest(value: unknown): value is AuthzRequest {
  return ParsedRequest.input(value) !== undefined;
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

/**
 * The objects of evaluate's private copy of a context (ContextCopy without `freeze`). Their prototype
 * is an empty, frozen, null-prototype object: as with Object.create(null), no inherited name
 * (`__proto__`, `constructor`, `toString`, ...) reaches a condition, and assigning `__proto__` makes
 * an own property. Unlike a null-prototype object, which V8 keeps in dictionary mode, they get hidden
 * classes: complete decisions ran 1.07x faster (docs/policy.md, "Throughput"). A function, not a class:
 * a class's prototype would carry `constructor`. parseRequest's results keep null prototypes.
 */
function ContextObject(): void {}
ContextObject.prototype = Object.freeze(Object.create(null) as object);
const FastContextObject = ContextObject as unknown as new () => Record<string, unknown>;

function childPath(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;
}

/**
 * Copies context data into null-prototype containers (frozen, with `freeze`) and writes its canonical
 * text to `w`.
 */
class ContextCopy {
  nodes = 0;

  constructor(
    private readonly w: Utf8Writer,
    private readonly freeze: boolean,
  ) {}

  /** The copy of `v`, found at `key` of the container at `parent` (paths are built only when needed). */
  value(v: unknown, parent: string, key: string | number, depth: number): unknown {
    if (++this.nodes > MAX_NODES) R.fail(childPath(parent, key), `context has more than ${MAX_NODES} values`);
    if (v === null) {
      this.w.ascii('null');
      return v;
    }
    switch (typeof v) {
      case 'boolean':
        this.w.ascii(v ? 'true' : 'false');
        return v;
      case 'number': {
        // The canonical JSON domain (docs/formats.md): finite, within ±(2^53 - 1), so the request can be hashed.
        if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) {
          R.fail(childPath(parent, key), 'must be a finite number within ±(2^53 - 1)');
        }
        const n = v === 0 ? 0 : v;
        // Number-to-String (ECMAScript 7.1.12.1) is RFC 8785's number form (§3.2.2.3), and ASCII.
        this.w.ascii(`${n}`);
        return n;
      }
      case 'string':
        // The writer refuses lone surrogates as it encodes; Reader.text then names the failure.
        if (v.length > MAX_STRING || !this.w.string(v))
          R.text(v, childPath(parent, key), MAX_STRING, 0, true);
        return v;
      default:
        break;
    }
    const path = childPath(parent, key);
    if (depth >= MAX_DEPTH) R.fail(path, `context deeper than ${MAX_DEPTH}`);
    if (!Array.isArray(v)) return this.object(v, path, depth);
    const items = R.array(v, path, MAX_NODES);
    this.w.byte(0x5b); // [
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.w.byte(0x2c); // ,
      items[i] = this.value(items[i], path, i, depth + 1);
    }
    this.w.byte(0x5d); // ]
    return this.freeze ? Object.freeze(items) : items;
  }

  object(v: unknown, path: string, depth: number): Record<string, unknown> {
    const keys = R.keys(v, path, undefined, MAX_NODES);
    sortNames(keys);
    const out = this.freeze ? (Object.create(null) as Record<string, unknown>) : new FastContextObject();
    this.w.byte(0x7b); // {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (i > 0) this.w.byte(0x2c); // ,
      if (k.length > MAX_KEY || !this.w.string(k)) R.text(k, `${path} key`, MAX_KEY, 0, true);
      this.w.byte(0x3a); // :
      out[k] = this.value(R.value(v as object, k, path), path, k, depth + 1);
    }
    this.w.byte(0x7d); // }
    return this.freeze ? Object.freeze(out) : out;
  }
}

/** What `field` answers for an optional key that is absent (a present key may hold undefined). */
const ABSENT: unique symbol = Symbol('absent');

/**
 * The value of `key` of `obj`, whose keys R.keys has checked; ABSENT when it is optional and absent.
 * (One descriptor read instead of a search of the key list and then the read.)
 */
function field(obj: object, key: string, path: string, optional = false): unknown {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (desc === undefined) {
    if (optional) return ABSENT;
    R.fail(path, `missing required key "${key}"`);
  }
  return R.dataValue(desc, key, path);
}

/** The first `n` bytes of `buf`, as a view (the constructor costs far less than `subarray` here). */
function view(buf: Uint8Array, n: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, n);
}

// Parsed requests keep their hash input in views of shared 8 KiB slabs, as Node's Buffer pool does:
// allocating a small ArrayBuffer per request (or `slice`) costs several times more than the rest of
// the copy. The views are private to ParsedRequest and never handed out, so sharing is invisible.
const SLAB_SIZE = 8192;
const SLAB_MAX_ITEM = 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/** A copy of the first `n` bytes of `buf` that no later parse overwrites. */
function keep(buf: Uint8Array, n: number): Uint8Array {
  let out: Uint8Array;
  if (n > SLAB_MAX_ITEM) {
    out = new Uint8Array(n);
  } else {
    if (slabUsed + n > SLAB_SIZE) {
      slab = new Uint8Array(SLAB_SIZE);
      slabUsed = 0;
    }
    out = new Uint8Array(slab.buffer, slabUsed, n);
    slabUsed += n;
  }
  out.set(view(buf, n));
  return out;
}

// The literal parts of the request document's text, in RFC 8785 member order.
const L_ACTION = asciiBytes('{"action":');
const L_CONTEXT = asciiBytes(',"context":');
const L_EMPTY = asciiBytes('{}');
const L_RESOURCE = asciiBytes(',"resource":');
const L_SUBJECT = asciiBytes(',"subject":{"groups":[');
const L_ID = asciiBytes('],"id":');
const L_TIME = asciiBytes('},"time":"');
const L_END = asciiBytes('"}');

/**
 * Reads `json` and writes its hash input to `w` (from w.pos = HEADER). The copy of the context is
 * frozen when `freeze` is set; the subject is left to the caller.
 */
function read(json: unknown, w: Utf8Writer, freeze: boolean): AuthzRequest {
  R.keys(json, '$', REQUEST_KEYS);
  const o = json as object;
  const subject = field(o, 'subject', '$');
  R.keys(subject, '$.subject', SUBJECT_KEYS);
  const id = R.text(field(subject as object, 'id', '$.subject'), '$.subject.id', MAX_ID);
  if (id.startsWith(GROUP_PREFIX)) R.fail('$.subject.id', `must not begin with "${GROUP_PREFIX}"`);
  const rawGroups = field(subject as object, 'groups', '$.subject', true);
  const groups = rawGroups === ABSENT ? [] : R.array(rawGroups, '$.subject.groups', MAX_GROUPS);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (typeof g !== 'string' || g.length < 1 || g.length > MAX_GROUP || !isCleanText(g)) {
      R.text(g, `$.subject.groups[${i}]`, MAX_GROUP);
    }
    // At most 64 groups: the quadratic check costs less than building a Set.
    if (groups.indexOf(g) !== i) R.fail('$.subject.groups', 'must not repeat a group');
  }
  const action = R.text(field(o, 'action', '$'), '$.action', MAX_ID);
  const resource = R.text(field(o, 'resource', '$'), '$.resource', MAX_ID);
  // Members in RFC 8785 order: action, context, resource, subject (groups, id), time. Every string
  // written outside the context was checked above, so `string` cannot refuse it.
  w.bytes(L_ACTION);
  w.string(action);
  w.bytes(L_CONTEXT);
  let context = EMPTY_CONTEXT;
  const rawContext = field(o, 'context', '$', true);
  if (rawContext !== ABSENT) {
    context = new ContextCopy(w, freeze).object(rawContext, '$.context', 0);
  } else {
    w.bytes(L_EMPTY);
  }
  const timeText = field(o, 'time', '$');
  const time = parseRfc3339(timeText, '$.time', 'QT_REQUEST_INVALID');
  w.bytes(L_RESOURCE);
  w.string(resource);
  w.bytes(L_SUBJECT);
  for (let i = 0; i < groups.length; i++) {
    if (i > 0) w.byte(0x2c); // ,
    w.string(groups[i] as string);
  }
  w.bytes(L_ID);
  w.string(id);
  // An accepted RFC 3339 text is ASCII without characters to escape.
  w.bytes(L_TIME);
  w.ascii(timeText as string);
  w.bytes(L_END);
  // The request limits keep the text far below 2^32 bytes: the high half of the u64be length is zero.
  const n = w.pos - HEADER;
  const { buf } = w;
  const at = HEADER - 8;
  buf[at] = buf[at + 1] = buf[at + 2] = buf[at + 3] = 0;
  buf[at + 4] = n >>> 24;
  buf[at + 5] = (n >>> 16) & 0xff;
  buf[at + 6] = (n >>> 8) & 0xff;
  buf[at + 7] = n & 0xff;
  return {
    subject: { id, groups: groups as string[] },
    action,
    resource,
    context,
    time,
    timeText: timeText as string,
  };
}

// Views of the shared writer's buffer by length, made once each: the hash input of a raw request is
// handed to the hash function as one of them, instead of a new view per decision. Cleared when the
// shared buffer is replaced; a nested call's own writer gets a fresh view.
const VIEW_CACHE_LIMIT = 4096; // lengths past this get a fresh view: at most 4,096 views are kept
let views: Uint8Array[] = [];
let viewsOf: Uint8Array | undefined;

function hashView(w: Utf8Writer): Uint8Array {
  if (w !== shared || w.pos > VIEW_CACHE_LIMIT) return view(w.buf, w.pos);
  if (viewsOf !== w.buf) {
    views = [];
    viewsOf = w.buf;
  }
  return (views[w.pos] ??= view(w.buf, w.pos));
}

/** The shared writer when it is free, a fresh one otherwise (see `shared`). */
function acquire(): Utf8Writer {
  if (sharedBusy) return newWriter(256);
  sharedBusy = true;
  shared.pos = HEADER;
  return shared;
}

function release(w: Utf8Writer): void {
  if (w !== shared) return;
  if (w.buf.length > REUSE_LIMIT) shared = newWriter(4096);
  sharedBusy = false;
}

/** Parses and validates an authorization request. Throws QtError QT_REQUEST_INVALID with the JSON path. */
export function parseRequest(json: unknown): AuthzRequest {
  const w = acquire();
  try {
    const r = read(json, w, true);
    return new ParsedRequest(r, keep(w.buf, w.pos));
  } finally {
    release(w);
  }
}

/**
 * evaluate's path for a raw request: the request and its hash, taken from the shared buffer without a
 * copy. The request is not returned to the caller (evaluate keeps it to itself and its own pure
 * condition code), so its copy is not frozen: no one else ever holds a reference to freeze it
 * against, and freezing the null-prototype containers costs more than copying them.
 */
export function parseAndHash(json: unknown, hashes: HashPrimitives): { req: AuthzRequest; hash: string } {
  const w = acquire();
  try {
    const req = read(json, w, false);
    return { req, hash: sha256Hex(hashes, hashView(w)) };
  } finally {
    release(w);
  }
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

/** The tagged hash input of `req`; a raw request is parsed first. */
function inputOf(req: AuthzRequest): Uint8Array {
  return ParsedRequest.input(req) ?? (ParsedRequest.input(parseRequest(req)) as Uint8Array);
}

/** canonicalBytes(requestDocument(req)), from the text written while parsing (raw requests are parsed). */
export function requestCanonicalBytes(req: AuthzRequest): Uint8Array {
  return inputOf(req).slice(HEADER);
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** Lower-case hex of a digest (bytesToHex's output, by table: this runs once per decision). */
function digestHex(digest: Uint8Array): string {
  abytes(digest, 'digest', 32);
  let out = '';
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i] as number] as string;
  return out;
}

/**
 * Lower-case hex SHA-256 of `input`: the backend's own hex when it has one (OpenSSL writes it in C,
 * half the cost of bytes plus the table here), else digestHex of its bytes. A hex function that
 * answers anything but 64 characters is refused rather than trusted (QT_TYPE).
 */
function sha256Hex(hashes: HashPrimitives, input: Uint8Array): string {
  const hex: unknown = hashes.sha256Hex;
  if (hex === undefined) return digestHex(hashes.sha256(input));
  const h: unknown = typeof hex === 'function' ? hex(input) : undefined;
  if (typeof h !== 'string' || h.length !== 64) {
    throw new QtError('QT_TYPE', 'hashes.sha256Hex must be a function returning 64 hex digits', {
      path: 'hashes.sha256Hex',
    });
  }
  return h;
}

/** Where requestHash copies a parsed request's input for the hash function (see requestHash). */
let hashScratch = new Uint8Array(4096);

/** Hex H("qtrust/request/v1", canonical(requestDocument(req))); raw requests are parsed first. */
export function requestHash(req: AuthzRequest, hashes: HashPrimitives = nobleHashes): string {
  // The hash function may be the caller's and could alter what it is given: it gets a copy, in a
  // reused buffer (hashing is synchronous), never the request's own bytes.
  const input = inputOf(req);
  let buf = hashScratch;
  if (buf.length < input.length) {
    buf = new Uint8Array(input.length);
    if (input.length <= REUSE_LIMIT) hashScratch = buf;
  }
  buf.set(input);
  return sha256Hex(hashes, view(buf, input.length));
}
