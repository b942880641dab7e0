/**
 * Canonical JSON: a strict RFC 8259 parser and an RFC 8785 (JCS) serializer over one value domain.
 *
 * The Q-Trust JSON domain (docs/formats.md, "Canonical JSON") is I-JSON (RFC 7493) tightened so that
 * every accepted document has exactly one meaning and one canonical form:
 * - strings and object keys are well-formed UTF-16 (no lone surrogates, raw or escaped);
 * - object keys are unique (compared after unescaping);
 * - numbers are finite IEEE-754 doubles of magnitude at most 2^53 - 1. Every double of larger
 *   magnitude is an integer outside the safe range (RFC 7493 §2.2), so "no unsafe integers" and
 *   "|x| <= 2^53 - 1" are the same rule; -0 is read and written as 0;
 * - nesting is at most MAX_DEPTH containers deep.
 * parseJson only returns values in that domain, canonicalize only accepts values in it, so
 * canonicalize(parseJson(text)) never fails and parseJson(canonicalize(v)) gives back v.
 *
 * Every failure is a QtError naming the JSON path (`$.approvals[2].time`, `$["we ird"]`).
 */
import { abytes, bytesToUtf8, describe, utf8ToBytes } from './bytes.js';
import { QtError, type QtErrorCode } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting of arrays and objects accepted, by the parser and the serializer alike. */
export const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// JSON paths for error messages

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Keys longer than this are cut in paths, so a hostile megabyte key cannot flood logs. */
const MAX_PATH_KEY = 64;

function pathOf(segments: readonly (string | number)[], length: number): string {
  let path = '$';
  for (let i = 0; i < length; i++) {
    const s = segments[i] as string | number;
    if (typeof s === 'number') path += `[${s}]`;
    else if (s.length > MAX_PATH_KEY) path += `[${JSON.stringify(s.slice(0, MAX_PATH_KEY))}…]`;
    else if (IDENTIFIER.test(s)) path += `.${s}`;
    else path += `[${JSON.stringify(s)}]`;
  }
  return path;
}

function jsonError(code: QtErrorCode, path: string, message: string): QtError {
  return new QtError(code, `${path}: ${message}`, { path });
}

// ---------------------------------------------------------------------------------------------
// Parsing (RFC 8259 §2-§8, tightened as above). Iterative: nesting lives in an explicit stack
// bounded by MAX_DEPTH, so hostile nesting cannot exhaust the call stack. Every character is
// looked at a bounded number of times: linear time, no backtracking regular expressions.

const hasOwn = Object.prototype.hasOwnProperty;
const LITERALS = [
  ['true', true],
  ['false', false],
  ['null', null],
] as const;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
/** RFC 8259 §7 two-character escapes. */
const SHORT_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

interface Frame {
  readonly array: JsonValue[] | null;
  readonly object: { [key: string]: JsonValue } | null;
  /** The member being read; null while an object's key itself is being read. */
  key: string | null;
}

class Parser {
  pos = 0;
  readonly stack: Frame[] = [];

  constructor(readonly text: string) {}

  path(): string {
    const segments: (string | number)[] = [];
    for (const f of this.stack) {
      if (f.array !== null) segments.push(f.array.length);
      else if (f.key !== null) segments.push(f.key);
    }
    return pathOf(segments, segments.length);
  }

  fail(code: QtErrorCode, message: string, at = this.pos): never {
    throw jsonError(code, this.path(), `${message} at offset ${at}`);
  }

  unexpected(): never {
    const c = this.text.charCodeAt(this.pos);
    if (this.pos >= this.text.length) this.fail('QT_JSON_SYNTAX', 'unexpected end of input');
    const shown = c >= 0x20 && c < 0x7f ? `'${this.text[this.pos]}'` : `U+${c.toString(16).padStart(4, '0')}`;
    this.fail('QT_JSON_SYNTAX', `unexpected character ${shown}`);
  }

  /** RFC 8259 §2: only space, tab, line feed and carriage return are whitespace. */
  skipWs(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  expect(code: number): void {
    this.skipWs();
    if (this.text.charCodeAt(this.pos) !== code) this.unexpected();
    this.pos++;
  }

  /** Reads `"key"` and `:` of an object member, refusing a key already present. */
  member(frame: Frame): void {
    frame.key = null;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) !== 0x22) this.unexpected();
    const at = this.pos;
    const key = this.string();
    frame.key = key;
    if (hasOwn.call(frame.object, key)) this.fail('QT_JSON_DUPLICATE_KEY', 'duplicate object key', at);
    this.expect(0x3a);
  }

  parse(): JsonValue {
    const t = this.text;
    const stack = this.stack;
    if (t.charCodeAt(0) === 0xfeff) this.fail('QT_JSON_SYNTAX', 'byte order mark is not allowed');
    let value: JsonValue;
    for (;;) {
      // A value starts here.
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= MAX_DEPTH) this.fail('QT_JSON_DEPTH', `nesting deeper than ${MAX_DEPTH}`);
        this.pos++;
        this.skipWs();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (t.charCodeAt(this.pos) === close) {
          this.pos++;
          value = c === 0x7b ? {} : [];
        } else if (c === 0x7b) {
          const frame: Frame = { array: null, object: {}, key: null };
          stack.push(frame);
          this.member(frame);
          continue;
        } else {
          stack.push({ array: [], object: null, key: null });
          continue;
        }
      } else if (c === 0x22) value = this.string();
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = this.number();
      else value = this.literal();

      // A value is complete: attach it to its container, closing containers as they end.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) {
          this.skipWs();
          if (this.pos < t.length) this.fail('QT_JSON_SYNTAX', 'unexpected data after the JSON value');
          return value;
        }
        if (frame.array !== null) frame.array.push(value);
        else if (frame.key === '__proto__') {
          // A plain assignment would set the prototype; JSON.parse defines an own property instead.
          Object.defineProperty(frame.object, '__proto__', {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else (frame.object as { [key: string]: JsonValue })[frame.key as string] = value;
        this.skipWs();
        const d = t.charCodeAt(this.pos);
        if (d === 0x2c) {
          this.pos++;
          if (frame.array === null) this.member(frame);
          break;
        }
        if (d !== (frame.array === null ? 0x7d : 0x5d)) this.unexpected();
        this.pos++;
        stack.pop();
        value = frame.array ?? (frame.object as { [key: string]: JsonValue });
      }
    }
  }

  literal(): boolean | null {
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.unexpected();
  }

  digits(): void {
    const t = this.text;
    const start = this.pos;
    let c = t.charCodeAt(this.pos);
    while (c >= 0x30 && c <= 0x39) c = t.charCodeAt(++this.pos);
    if (this.pos === start) this.unexpected();
  }

  /**
   * RFC 8259 §6 grammar, then IEEE-754 round-to-nearest (Number() on the validated literal), as
   * RFC 8785 §3.2.2.3 requires. A literal that overflows to ±Infinity is refused. An *integer
   * literal* (no fraction, no exponent) beyond ±(2^53 - 1) is refused too: it names an exact integer
   * that a double cannot hold, so it would not survive the round trip; so is any value in
   * (2^53 - 1, 10^21), whatever its notation, because its canonical form is such a literal. Other
   * literals written with a fraction or an exponent (1E30, 4.50) are ordinary IEEE-754 values and pass.
   */
  number(): number {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(this.pos) === 0x2d) this.pos++;
    if (t.charCodeAt(this.pos) === 0x30) {
      this.pos++;
      const c = t.charCodeAt(this.pos);
      if (c >= 0x30 && c <= 0x39) this.fail('QT_JSON_SYNTAX', 'leading zero in number');
    } else this.digits();
    let c = t.charCodeAt(this.pos);
    let integerLiteral = true;
    if (c === 0x2e) {
      integerLiteral = false;
      this.pos++;
      this.digits();
      c = t.charCodeAt(this.pos);
    }
    if (c === 0x65 || c === 0x45) {
      integerLiteral = false;
      c = t.charCodeAt(++this.pos);
      if (c === 0x2b || c === 0x2d) this.pos++;
      this.digits();
    }
    const n = Number(t.slice(start, this.pos));
    if (n === Infinity || n === -Infinity) this.fail('QT_JSON_NUMBER', 'number overflows to infinity', start);
    const magnitude = Math.abs(n);
    if (magnitude > Number.MAX_SAFE_INTEGER && (integerLiteral || magnitude < 1e21)) {
      // The second case (e.g. 1.0e16) has a canonical form that is such an integer literal.
      this.fail(
        'QT_JSON_NUMBER',
        'integer outside the safe range ±(2^53 - 1) cannot survive the round trip',
        start,
      );
    }
    return n === 0 ? 0 : n; // -0 is read as 0
  }

  /** A string token: RFC 8259 §7 escapes only, no raw control characters, no lone surrogates. */
  string(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = '';
    let segment = start;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) return out + t.slice(segment, this.pos++);
      if (c === 0x5c) {
        out += t.slice(segment, this.pos);
        out += this.escape();
        segment = this.pos;
      } else if (!(c >= 0x20)) {
        // charCodeAt past the end is NaN, which lands here too.
        if (this.pos >= t.length) this.fail('QT_JSON_SYNTAX', 'unterminated string', start - 1);
        this.fail('QT_JSON_STRING', `raw control character U+${c.toString(16).padStart(4, '0')} in string`);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = t.charCodeAt(this.pos + 1);
        if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff))
          this.fail('QT_JSON_STRING', 'lone surrogate in string');
        this.pos += 2;
      } else this.pos++;
    }
  }

  /** Decodes one escape; the position is at the backslash. */
  escape(): string {
    const t = this.text;
    const at = this.pos;
    const short = SHORT_ESCAPES.get(t.charAt(at + 1));
    this.pos += 2;
    if (short !== undefined) return short;
    if (t.charCodeAt(at + 1) !== 0x75) this.fail('QT_JSON_STRING', 'invalid escape', at);
    const u = this.hex4(at);
    if (u < 0xd800 || u > 0xdfff) return String.fromCharCode(u);
    // RFC 8259 §7: a character outside the BMP is escaped as a surrogate pair, high then low.
    if (u >= 0xdc00 || t.charCodeAt(this.pos) !== 0x5c || t.charCodeAt(this.pos + 1) !== 0x75) {
      this.fail('QT_JSON_STRING', 'lone surrogate escape', at);
    }
    this.pos += 2;
    const low = this.hex4(at);
    if (low < 0xdc00 || low > 0xdfff) this.fail('QT_JSON_STRING', 'lone surrogate escape', at);
    return String.fromCharCode(u, low);
  }

  /** The four hex digits of a \u escape (either case); a fixed-length test, no backtracking. */
  hex4(at: number): number {
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!HEX4.test(digits)) this.fail('QT_JSON_STRING', 'invalid \\u escape', at);
    this.pos += 4;
    return parseInt(digits, 16);
  }
}

/**
 * Parses JSON text strictly (RFC 8259 plus the Q-Trust restrictions above). Objects come back as
 * ordinary objects whose own properties are the members (a `__proto__` member included).
 */
export function parseJson(text: string): JsonValue {
  if (typeof text !== 'string') {
    throw new QtError('QT_TYPE', `text must be a string, got ${describe(text)}`, { path: 'text' });
  }
  return new Parser(text).parse();
}

/** Decodes strict UTF-8 (invalid sequences are QT_ENCODING; a byte order mark is refused), then parses. */
export function parseJsonBytes(bytes: Uint8Array): JsonValue {
  return parseJson(bytesToUtf8(abytes(bytes, 'bytes')));
}

// ---------------------------------------------------------------------------------------------
// Serialization (RFC 8785 §3.2). Recursion is bounded by MAX_DEPTH; `trail` holds the path
// segments and `ancestors` the open containers (for cycle detection), both indexed by depth.

const getProto = Object.getPrototypeOf;
const ownSymbols = Object.getOwnPropertySymbols;

/**
 * Quoted forms of recently seen object keys. Documents repeat a small set of keys, and quoting
 * (with its well-formedness check) is most of a key's cost. Only validated keys of modest length
 * enter; the map is emptied when full, so it stays bounded whatever the input.
 */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Serializer {
  readonly trail: (string | number)[] = [];
  readonly ancestors: object[] = [];
  /** The last object's keys in insertion order and sorted: arrays of like objects sort once. */
  lastKeys: string[] = [];
  lastSorted: string[] = [];

  fail(code: QtErrorCode, depth: number, message: string): never {
    throw jsonError(code, pathOf(this.trail, depth), message);
  }

  /**
   * RFC 8785 §3.2.2.2. A string with nothing to escape is emitted between quotes as is. Otherwise
   * ECMAScript's JSON.stringify (QuoteJSONString, well-formed since ES2019) emits exactly the RFC's
   * form for a well-formed string: `"` and `\` escaped, \b \t \n \f \r short forms, other controls
   * below U+0020 as \u00xx with lowercase hex, everything else as is. The one case where the two
   * differ, a lone surrogate, is refused in the same pass.
   */
  string(s: string, depth: number, what: string): string {
    let plain = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xd800) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) plain = false;
      } else if (c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) {
          this.fail('QT_JSON_STRING', depth, `lone surrogate at index ${i} of ${what}`);
        }
        i++;
      }
    }
    return plain ? `"${s}"` : JSON.stringify(s);
  }

  key(k: string, depth: number): string {
    let q = quotedKeys.get(k);
    if (q === undefined) {
      q = this.string(k, depth, 'key');
      if (k.length <= MAX_PATH_KEY) {
        if (quotedKeys.size >= QUOTED_KEYS_MAX) quotedKeys.clear();
        quotedKeys.set(k, q);
      }
    }
    return q;
  }

  value(v: unknown, depth: number): string {
    switch (typeof v) {
      case 'string':
        return this.string(v, depth, 'string');
      case 'number':
        // RFC 8785 §3.2.2.3: ECMAScript Number::toString, which String() is; -0 becomes "0".
        // Refused: NaN and ±Infinity, and the doubles in (2^53 - 1, 10^21), which Number::toString
        // writes as plain integer literals that the parser refuses (they look exact but are not).
        // From 10^21 up, Number::toString uses exponent notation (1e+21), which parses back exactly.
        if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER || (Math.abs(v) >= 1e21 && Math.abs(v) !== Infinity))) {
          const reason = Number.isFinite(v)
            ? 'would be written as an integer literal outside the safe range ±(2^53 - 1)'
            : 'is not finite';
          this.fail('QT_JSON_NUMBER', depth, `number ${v} ${reason}`);
        }
        return v === 0 ? '0' : String(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        if (v === null) return 'null';
        return this.container(v, depth);
      default:
        // undefined, function, symbol, bigint: no JSON form. RFC 8785 has no "omit" rule; we refuse.
        return this.fail('QT_TYPE', depth, `${typeof v} is not a JSON value`);
    }
  }

  container(v: object, depth: number): string {
    const ancestors = this.ancestors;
    for (let i = 0; i < depth; i++)
      if (ancestors[i] === v) this.fail('QT_JSON_CYCLE', depth, 'cyclic reference');
    if (depth >= MAX_DEPTH) this.fail('QT_JSON_DEPTH', depth, `nesting deeper than ${MAX_DEPTH}`);
    ancestors[depth] = v;
    const trail = this.trail;
    const proto: unknown = getProto(v);
    if (Array.isArray(v)) {
      if (proto !== Array.prototype) this.fail('QT_TYPE', depth, `${describe(v)} is not a plain array`);
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        trail[depth] = i;
        if (i > 0) out += ',';
        // A hole reads through to Array.prototype, so test ownership, not the value.
        if (!hasOwn.call(v, i)) this.fail('QT_TYPE', depth + 1, 'sparse array hole is not a JSON value');
        out += this.value(v[i], depth + 1);
      }
      return out + ']';
    }
    if (proto !== Object.prototype && proto !== null) {
      this.fail('QT_TYPE', depth, `${describe(v)} is not a plain object`);
    }
    if (ownSymbols(v).length !== 0) this.fail('QT_TYPE', depth, 'object has symbol keys');
    // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names, which is the
    // default order of Array.prototype.sort on strings (no locale, no normalization).
    const own = Object.keys(v);
    let keys = this.lastSorted;
    if (!sameKeys(own, this.lastKeys)) {
      keys = own.slice().sort();
      this.lastKeys = own;
      this.lastSorted = keys;
    }
    const o = v as Record<string, unknown>;
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      trail[depth] = k;
      if (i > 0) out += ',';
      out += this.key(k, depth + 1);
      out += ':';
      out += this.value(o[k], depth + 1);
    }
    return out + '}';
  }
}

/**
 * RFC 8785 canonical form of `value`, validating as it goes: only null, booleans, finite numbers
 * within ±(2^53 - 1), well-formed strings, plain arrays (no holes) and plain objects (prototype
 * Object.prototype or null, no symbol keys) nested at most MAX_DEPTH deep, without cycles. Anything
 * else is refused rather than silently dropped or converted (no toJSON). Accessor properties are
 * read once, like data (docs/formats.md explains why they are not refused).
 */
export function canonicalize(value: unknown): string {
  return new Serializer().value(value, 0);
}

/** UTF-8 bytes of canonicalize(value): what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalize(value));
}

/** Checks that `value` is in the canonical JSON domain (the rules of canonicalize) and returns it typed. */
export function toJsonValue(value: unknown): JsonValue {
  canonicalize(value);
  return value as JsonValue;
}
