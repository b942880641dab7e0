/**
 * Internal: writes RFC 8785 text as UTF-8 straight into a growable byte buffer, so the request hash
 * input is built while the request is copied, without an intermediate string (no rope to flatten, no
 * TextEncoder call). Only values already in the canonical domain are written: well-formed strings
 * (a lone surrogate makes `string` return false, and the caller refuses the value) and finite numbers.
 *
 * Strings are serialized as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2): `"` and `\` escaped
 * with a backslash, U+0008/09/0A/0C/0D as \b \t \n \f \r, other C0 controls as \u00xx (lower-case
 * hex), everything else as itself, encoded in UTF-8 (RFC 3629).
 */

/** Escapes of the C0 controls, `"` (0x22) and `\` (0x5c), by code unit; '' where none is needed. */
const ESCAPES: readonly string[] = Array.from({ length: 0x5d }, (_, c) => {
  if (c === 0x22 || c === 0x5c || c < 0x20) return JSON.stringify(String.fromCharCode(c)).slice(1, -1);
  return '';
});

/** UTF-8 needs at most 3 bytes per UTF-16 unit; an escape (\u00xx) at most 6. */
const MAX_BYTES_PER_UNIT = 6;

/** The bytes of an ASCII literal, for `Utf8Writer.bytes`. */
export function asciiBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

export class Utf8Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  /** Makes room for `n` more bytes (doubling, so a long request costs amortized linear time). */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(need, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Writes one ASCII character (punctuation), given by its code. */
  byte(c: number): void {
    if (this.pos === this.buf.length) this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Writes bytes prepared once (see `asciiBytes`): cheaper than reading a literal's characters. */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i] as number;
    this.pos = p;
  }

  /** Writes ASCII text without escaping (literal punctuation, numbers, validated RFC 3339 times). */
  ascii(s: string): void {
    this.reserve(s.length);
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Writes `s` as a JSON string; false (with partial output) when `s` holds a lone surrogate. */
  string(s: string): boolean {
    this.reserve(2 + MAX_BYTES_PER_UNIT * s.length);
    const { buf } = this;
    let p = this.pos;
    buf[p++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) {
          const e = ESCAPES[c] as string;
          for (let k = 0; k < e.length; k++) buf[p++] = e.charCodeAt(k);
        } else {
          buf[p++] = c;
        }
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        // A surrogate: valid only as a high one (D800..DBFF) followed by a low one (DC00..DFFF).
        const d = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return false;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        i++;
      }
    }
    buf[p++] = 0x22;
    this.pos = p;
    return true;
  }
}
