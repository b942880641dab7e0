/**
 * A table-driven decoder of canonical unpadded base64url (RFC 4648 §5) for the envelope fields a
 * verifier decodes by the thousand (payloads of about a kilobyte, signatures). It answers only for
 * text that bytes.ts's fromBase64url accepts, with the same bytes: the 64-letter alphabet, no
 * padding, a length that is not 1 modulo 4 (one letter cannot end a byte), and zero bits left over
 * in the last letter (RFC 4648 §3.5: the canonical encoding). Anything else is null, and the caller
 * runs fromBase64url, which refuses it and says why.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Letter (char code below 128) to its 6-bit value, or -1. */
const VALUES = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

function value(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (VALUES[c] as number) : -1;
}

export function decodeBase64urlFast(s: string): Uint8Array | null {
  const n = s.length;
  const rest = n % 4;
  if (rest === 1) return null;
  const out = new Uint8Array(((n - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = value(s, i);
    const b = value(s, i + 1);
    const c = value(s, i + 2);
    const d = value(s, i + 3);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rest === 0) return out;
  const a = value(s, i);
  const b = value(s, i + 1);
  if ((a | b) < 0) return null;
  if (rest === 2) {
    // 12 bits for one byte: the low 4 bits of the second letter must be zero.
    if ((b & 0x0f) !== 0) return null;
    out[o] = (a << 2) | (b >>> 4);
    return out;
  }
  const c = value(s, i + 2);
  // 18 bits for two bytes: the low 2 bits of the third letter must be zero.
  if (c < 0 || (c & 0x03) !== 0) return null;
  out[o++] = (a << 2) | (b >>> 4);
  out[o] = ((b & 0x0f) << 4) | (c >>> 2);
  return out;
}
