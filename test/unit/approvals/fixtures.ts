// Shared fixtures for approval and grant tests: deterministic keys, a signed roster, a request.
import {
  createApprovalRequest,
  requestHashOf,
  type ApprovalRequest,
} from '../../../src-shared/approvals/request.js';
import { signRoster, verifyRoster, type Roster } from '../../../src-shared/approvals/roster.js';
import {
  getSuite,
  publicKeyEntry,
  secretKeyEntry,
  type PublicKeyEntry,
  type SecretKeyEntry,
  type SuiteId,
} from '../../../src-shared/sign/index.js';

/** A deterministic key of `suite` from one seed byte (tests only). */
export function key(suite: SuiteId, seedByte: number): SecretKeyEntry {
  const s = getSuite(suite);
  return secretKeyEntry(s.keygen(new Uint8Array(s.seedLength).fill(seedByte)));
}

export function pub(k: SecretKeyEntry): PublicKeyEntry {
  return publicKeyEntry(k.suite, k.publicKey);
}

export const HYBRID: readonly SuiteId[] = ['ed25519', 'ml-dsa-65'];

/** Each person's hybrid set (classical + post-quantum) and groups. */
export const PEOPLE = {
  alice: { groups: ['sre'], keys: HYBRID.map((s) => key(s, 1)) },
  bob: { groups: ['sre', 'security'], keys: HYBRID.map((s) => key(s, 2)) },
  carol: { groups: ['security'], keys: HYBRID.map((s) => key(s, 3)) },
  dave: { groups: ['sre'], keys: HYBRID.map((s) => key(s, 4)) },
  erin: { groups: ['finance'], keys: [key('p256', 5)] },
} as const;
export type Person = keyof typeof PEOPLE;

/** Keys nobody registered. */
export const MALLORY = HYBRID.map((s) => key(s, 66));

export const ADMIN = [key('ed25519', 90), key('ml-dsa-65', 91)];
export const ADMIN_PUB = ADMIN.map(pub);

export function rosterDoc(version = 1): Record<string, unknown> {
  return {
    type: 'qtrust/roster/v1',
    roster: 'ops',
    version,
    approvers: Object.entries(PEOPLE).map(([id, p]) => ({
      id,
      ...(id === 'alice' ? { name: 'Alice A.' } : {}),
      groups: [...p.groups],
      keys: p.keys.map((k) => ({ suite: k.suite, keyid: k.keyid, publicKey: b64(k.publicKey) })),
    })),
  };
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

let cachedRoster: Roster | undefined;
export function roster(): Roster {
  cachedRoster ??= verifyRoster(signRoster(rosterDoc(), ADMIN), ADMIN_PUB);
  return cachedRoster;
}

export const REQUEST = { action: 'deploy', resource: 'prod/api', subject: { id: 'dave' } };
export const REQUEST_HASH = requestHashOf(REQUEST);
export const POLICY_HASH = 'ab'.repeat(32);
export const T0 = 1_800_000_000; // 2027-01-15T08:00:00Z
export const NONCE = new Uint8Array(16).fill(7);

export const OBLIGATIONS = [
  { ruleId: 'two-sre', quorum: 2, from: ['sre'], allowRequester: false, grantTtlSeconds: 120 },
  { ruleId: 'one-security', quorum: 1, from: ['security'], allowRequester: false },
];

export function approvalRequest(overrides: Record<string, unknown> = {}): ApprovalRequest {
  return createApprovalRequest({
    request: REQUEST,
    requestHash: REQUEST_HASH,
    policyHash: POLICY_HASH,
    obligations: OBLIGATIONS,
    requester: 'dave',
    createdAt: T0,
    expiresAt: T0 + 3600,
    nonce: NONCE,
    ...overrides,
  } as Parameters<typeof createApprovalRequest>[0]);
}

/** Runs `fn` and returns the QtError it threw (fails the test if it did not throw). */
export function caught(fn: () => unknown): { code: string; message: string; path?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; path?: string };
  }
  throw new Error('expected an error');
}
