/**
 * The bytes sealed inside a secret key set: a binary encoding rather than JSON, so that secret
 * keys never become JavaScript strings (which cannot be wiped).
 *
 *   plaintext = u8(1) || u8(count) || entry*count
 *   entry     = u8(len(suite)) || suite (ASCII) || u32be(len(pk)) || pk || u32be(len(sk)) || sk
 *
 * Trailing bytes are refused. The AEAD authenticates these bytes, so a fault here means a bug or
 * a writer that does not follow the format, never an attacker who lacks the passphrase.
 */
import { abytes, u32be, wipe } from '../bytes.js';
import { QtError } from '../errors.js';
import { SUITE_IDS, type SecretKeyEntry, type SuiteId } from '../sign/index.js';

const VERSION = 1;

export interface RawSecretKey {
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function encodeSecretKeys(keys: readonly SecretKeyEntry[]): Uint8Array {
  let total = 2;
  for (const k of keys) total += 1 + k.suite.length + 4 + k.publicKey.length + 4 + k.secretKey.length;
  const out = new Uint8Array(total);
  out[0] = VERSION;
  out[1] = keys.length;
  let off = 2;
  const put = (bytes: Uint8Array) => {
    out.set(bytes, off);
    off += bytes.length;
  };
  for (const k of keys) {
    out[off++] = k.suite.length;
    for (let i = 0; i < k.suite.length; i++) out[off++] = k.suite.charCodeAt(i);
    put(u32be(k.publicKey.length));
    put(k.publicKey);
    put(u32be(k.secretKey.length));
    put(k.secretKey);
  }
  return out;
}

/** Decodes; the returned keys are fresh copies, so the caller may wipe `bytes` at once. */
export function decodeSecretKeys(bytes: Uint8Array): RawSecretKey[] {
  abytes(bytes, 'plaintext');
  const bad = (what: string): never => {
    throw new QtError('QT_KEYSET_FORMAT', `sealed key material is malformed: ${what}`, {
      path: '$.sealed.ciphertext',
    });
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  const u8 = (): number => (off + 1 <= bytes.length ? (bytes[off++] as number) : bad('truncated'));
  const take = (n: number): Uint8Array => {
    if (off + n > bytes.length) bad('truncated');
    const out = bytes.slice(off, off + n);
    off += n;
    return out;
  };
  const len = (): number => {
    if (off + 4 > bytes.length) bad('truncated');
    const n = view.getUint32(off, false);
    off += 4;
    return n;
  };
  if (u8() !== VERSION) bad('unknown version');
  const count = u8();
  const keys: RawSecretKey[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const suiteLen = u8();
      const name = String.fromCharCode(...take(suiteLen));
      if (!(SUITE_IDS as readonly string[]).includes(name)) bad(`entry ${i} has an unknown suite`);
      const publicKey = take(len());
      const secretKey = take(len());
      keys.push({ suite: name as SuiteId, publicKey, secretKey });
    }
    if (off !== bytes.length) bad('trailing bytes');
  } catch (e) {
    for (const k of keys) wipe(k.secretKey);
    throw e;
  }
  return keys;
}
