/**
 * The anchor section of a trust file (docs/anchoring.md, "Verifier"): what an auditor pins to check
 * a log's anchors. Never taken from a bundle. JSON form (binary as unpadded base64url):
 *
 *   { "chainId": 1, "contract": "0x…40 hex", "publishers": ["0x…"], "salt": "<32 bytes>",
 *     "origin": "<log origin>", "fromBlock": 0, "confirmations": 12 }
 *
 * `fromBlock` (the contract's deployment block) bounds the event scan; `confirmations` is the
 * minimum the auditor accepts (the command line may ask for more, never silently fewer).
 */
import { z } from 'zod';
import { fromBase64url } from '../bytes.js';
import { QtError } from '../errors.js';
import { ORIGIN_PATTERN } from '../evidence/record.js';
import { ANCHOR_SALT_LENGTH } from './commitment.js';
import { DEFAULT_CONFIRMATIONS, type Hex } from './lifecycle.js';

export interface AnchorTrust {
  readonly chainId: number;
  /** Lowercase 0x address. */
  readonly contract: Hex;
  /** Lowercase 0x addresses, no duplicates. */
  readonly publishers: readonly Hex[];
  readonly salt: Uint8Array;
  readonly origin: string;
  readonly fromBlock: number;
  readonly confirmations: number;
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits');

export const anchorTrustSchema = z.strictObject({
  chainId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  contract: address,
  publishers: z.array(address).min(1).max(256),
  salt: z.string(),
  origin: z.string().regex(ORIGIN_PATTERN, 'must be a log origin'),
  fromBlock: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  confirmations: z.number().int().min(1).max(1_000_000).optional(),
});

function invalid(path: string, message: string, cause?: unknown): QtError {
  return new QtError('QT_TRUST_INVALID', `trust file ${path}: ${message}`, { path, cause });
}

/**
 * Checks a parsed anchor section (a JSON value) and returns it normalized. `path` is where it sits
 * in the trust file, for messages (QT_TRUST_INVALID naming the JSON path).
 */
export function parseAnchorTrust(value: unknown, path = '$.anchor'): AnchorTrust {
  const r = anchorTrustSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const at = [path, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join(
      '',
    );
    throw invalid(at, issue.message, r.error);
  }
  const t = r.data;
  let salt: Uint8Array;
  try {
    salt = fromBase64url(t.salt, `${path}.salt`);
  } catch (cause) {
    throw invalid(`${path}.salt`, (cause as Error).message, cause);
  }
  if (salt.length !== ANCHOR_SALT_LENGTH) {
    throw invalid(`${path}.salt`, `must be ${ANCHOR_SALT_LENGTH} bytes, got ${salt.length}`);
  }
  const publishers = t.publishers.map((p) => p.toLowerCase() as Hex);
  if (new Set(publishers).size !== publishers.length)
    throw invalid(`${path}.publishers`, 'lists one address twice');
  return Object.freeze({
    chainId: t.chainId,
    contract: t.contract.toLowerCase() as Hex,
    publishers: Object.freeze(publishers),
    salt,
    origin: t.origin,
    fromBlock: t.fromBlock ?? 0,
    confirmations: t.confirmations ?? DEFAULT_CONFIRMATIONS,
  });
}
