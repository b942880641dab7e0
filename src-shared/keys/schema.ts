/**
 * Strict schemas for the key-set files (docs/formats.md, "Secret keys at rest"). Unknown fields
 * are refused, not ignored, and every fault becomes QT_KEYSET_FORMAT naming its JSON path.
 * Binary fields are checked here for alphabet and size only; their canonical base64url form and
 * their exact lengths per suite are checked by the decoders, which know the suite.
 */
import { z } from 'zod';
import { canonicalize, parseJson, type JsonValue } from '../canonical.js';
import { QtError, isQtError } from '../errors.js';
import { KEYID_PATTERN, SUITE_IDS, type SuiteId } from '../sign/index.js';

export const PUBLIC_KEYSET_TYPE = 'qtrust/public-keyset';
export const SECRET_KEYSET_TYPE = 'qtrust/secret-keyset';
export const SEALED_AEAD = 'xchacha20-poly1305';
/** A key set holds one key per suite; six suites exist. */
export const MAX_KEYS = 16;

const b64url = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');

const suite = z.enum(SUITE_IDS as unknown as [SuiteId, ...SuiteId[]]);
const keyid = z.string().max(80).regex(KEYID_PATTERN, 'must look like "<suite>:<32 lowercase hex digits>"');

const publicKeyEntry = z.strictObject({ suite, keyid, publicKey: b64url(8192) });
const secretKeyEntry = z.strictObject({ suite, keyid, publicKey: b64url(8192), secretKey: b64url(8192) });

export const publicKeySetSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal(PUBLIC_KEYSET_TYPE),
  keys: z.array(publicKeyEntry).min(1).max(MAX_KEYS),
});

const keyids = z.array(keyid).min(1).max(MAX_KEYS);

export const sealedSecretKeySetSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal(SECRET_KEYSET_TYPE),
  keyids,
  sealed: z.strictObject({
    kdf: z.strictObject({
      name: z.literal('scrypt'),
      N: z.int(),
      r: z.int(),
      p: z.int(),
      salt: b64url(86),
    }),
    aead: z.literal(SEALED_AEAD),
    nonce: b64url(64),
    ciphertext: b64url(65536),
  }),
});

export const plaintextSecretKeySetSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal(SECRET_KEYSET_TYPE),
  keyids,
  insecure: z.literal(true),
  plaintext: z.strictObject({ keys: z.array(secretKeyEntry).min(1).max(MAX_KEYS) }),
});

export type PublicKeySetJson = z.infer<typeof publicKeySetSchema>;
export type SealedSecretKeySetJson = z.infer<typeof sealedSecretKeySetSchema>;
export type PlaintextSecretKeySetJson = z.infer<typeof plaintextSecretKeySetSchema>;
export type SecretKeySetJson = SealedSecretKeySetJson | PlaintextSecretKeySetJson;

/** `$.a.b[2]`: the JSON path of a zod issue. */
function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/**
 * Parses `value` with `schema`. The value is first passed through canonical JSON, so look-alike
 * objects, undefined, NaN and unsafe integers are refused before the schema sees them.
 */
export function parseKeySetJson<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  let json: JsonValue;
  try {
    json = parseJson(canonicalize(value));
  } catch (cause) {
    const path = isQtError(cause) ? (cause.path ?? '$') : '$';
    const detail = isQtError(cause) ? cause.message : 'not JSON';
    throw new QtError('QT_KEYSET_FORMAT', `${what} is not valid JSON: ${detail}`, { path, cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = jsonPath(issue?.path ?? []);
    throw new QtError('QT_KEYSET_FORMAT', `${what}: ${path}: ${issue?.message ?? 'invalid'}`, { path });
  }
  return parsed.data;
}

/** Which of the two secret key-set forms `value` claims to be (by the presence of `sealed`). */
export function parseSecretKeySetJson(value: unknown): SecretKeySetJson {
  const sealed = typeof value === 'object' && value !== null && !Array.isArray(value) && 'sealed' in value;
  return sealed
    ? parseKeySetJson(sealedSecretKeySetSchema, value, 'secret key set')
    : parseKeySetJson(plaintextSecretKeySetSchema, value, 'secret key set');
}
