/**
 * Signed, versioned policies (docs/policy.md, "Signed policies and rollback protection").
 */
import { parseJsonBytes } from '../canonical.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { verifyEnvelope, type PublicKeyEntry } from '../sign/index.js';
import { policyHash } from './compile.js';
import { parsePolicy } from './parse-policy.js';
import { Reader } from './strict-json.js';
import type { Policy } from './types.js';

export const POLICY_PAYLOAD_TYPE = 'application/vnd.qtrust.policy+json';

/** What identifies a loaded policy version. */
export interface PolicyHead {
  readonly name: string;
  readonly version: number;
  /** Hex policy hash. */
  readonly hash: string;
}

export type PolicyUpdate = 'new' | 'same' | 'upgrade';

const R = new Reader('QT_TYPE');

function ahead(value: unknown, name: string): PolicyHead {
  const o = R.object(value, name, ['name', 'version', 'hash']);
  return {
    name: R.text(R.required(o, 'name', name), `${name}.name`, 128),
    version: R.integer(R.required(o, 'version', name), `${name}.version`, 0, Number.MAX_SAFE_INTEGER),
    hash: R.text(R.required(o, 'hash', name), `${name}.hash`, 128),
  };
}

/**
 * The rollback rule: may `incoming` replace `current` (the loaded version of the same policy name)?
 * Throws QT_POLICY_ROLLBACK for a lower version or the same version with another hash, and
 * QT_POLICY_NAME_MISMATCH when the names differ.
 */
export function acceptPolicyUpdate(current: PolicyHead | undefined, incoming: PolicyHead): PolicyUpdate {
  const inc = ahead(incoming, 'incoming');
  if (current === undefined) return 'new';
  const cur = ahead(current, 'current');
  if (cur.name !== inc.name) {
    throw new QtError(
      'QT_POLICY_NAME_MISMATCH',
      `incoming policy "${inc.name}" is not the loaded policy "${cur.name}"`,
      {
        path: 'incoming.name',
      },
    );
  }
  if (inc.version < cur.version) {
    throw new QtError(
      'QT_POLICY_ROLLBACK',
      `policy "${inc.name}" version ${inc.version} is older than loaded version ${cur.version}`,
      {
        path: 'incoming.version',
      },
    );
  }
  if (inc.version === cur.version) {
    if (inc.hash !== cur.hash) {
      throw new QtError(
        'QT_POLICY_ROLLBACK',
        `policy "${inc.name}" version ${inc.version} differs from the loaded document of the same version`,
        { path: 'incoming.hash' },
      );
    }
    return 'same';
  }
  return 'upgrade';
}

export interface LoadedPolicy {
  readonly policy: Policy;
  readonly head: PolicyHead;
  /** Key ids whose signatures verified. */
  readonly keyids: readonly string[];
}

/**
 * Verifies a policy envelope against the trusted signers (every one must have signed), then parses
 * the payload strictly (duplicate keys refused) as a policy document.
 */
export function loadSignedPolicy(
  envelope: unknown,
  trustedSigners: readonly PublicKeyEntry[],
  hashes: HashPrimitives = nobleHashes,
): LoadedPolicy {
  if (!Array.isArray(trustedSigners) || trustedSigners.length === 0) {
    throw new QtError('QT_RANGE', 'trustedSigners must list at least one key', { path: 'trustedSigners' });
  }
  const verified = verifyEnvelope(envelope, trustedSigners, { payloadType: POLICY_PAYLOAD_TYPE });
  const policy = parsePolicy(parseJsonBytes(verified.payload));
  return Object.freeze({
    policy,
    head: Object.freeze({ name: policy.name, version: policy.version, hash: policyHash(policy, hashes) }),
    keyids: verified.keyids,
  });
}
