/**
 * The IPC contract: the only door between the renderer and main. One map from channel name to
 * its request and response schemas. Requests are strict objects (an unknown field is refused,
 * not ignored) so a caller cannot smuggle options the contract does not name.
 *
 * Naming: a channel's name starts with its kind. `read*` channels change no persistent state
 * and may be called freely; `write*` channels change state and will go through the policy
 * engine. The kind is also recorded in the entry so main can tell them apart
 * without parsing names. The channel name is also the Electron IPC channel and the method
 * name on `window.qtrust`.
 */
import './zod-config.js';
import { z } from 'zod';
import { ANCHOR_CHANNELS } from './anchor-contract.js';
import { CEREMONY_CHANNELS } from './ceremony-contract.js';
import { EVIDENCE_CHANNELS, VERIFY_CHANNELS } from './evidence-contract.js';

export type ChannelKind = 'read' | 'write';

export interface ChannelSpec {
  readonly kind: ChannelKind;
  readonly request: z.ZodType;
  readonly response: z.ZodType;
  readonly summary: string;
}

const suiteId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);
const shortText = z.string().max(256);
const emptyRequest = z.strictObject({});

const appInfo = z.strictObject({
  appVersion: shortText,
  coreVersion: shortText,
  platform: z.string().max(32),
  tenant: z.string().max(64),
  /** True when no plane and no chain RPC is configured: nothing leaves the machine. */
  offline: z.boolean(),
  dataDir: z.string().max(4096),
});

const suiteInfo = z.strictObject({
  id: suiteId,
  postQuantum: z.boolean(),
  publicKeyLength: z
    .int()
    .min(0)
    .max(1 << 20),
  seedLength: z
    .int()
    .min(0)
    .max(1 << 20),
});

const selfTestResult = z.strictObject({
  suite: suiteId,
  ok: z.boolean(),
  /** Wall time for keygen + sign + verify + tamper check, in milliseconds. */
  ms: z.number().min(0).max(3_600_000),
  /** Why the suite failed; null when it passed. */
  error: z.string().max(512).nullable(),
});

// Policies (docs/app.md, "Policies"). Bounds follow the policy engine's limits (docs/policy.md).
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const policyText = z.string().max(1024);
const patternList = z.array(z.string().max(256)).max(64);
const policySigner = z.strictObject({ suite: suiteId, keyid: z.string().max(128) });
const policyRule = z.strictObject({
  id: z.string().max(128),
  effect: z.enum(['allow', 'deny']),
  subjects: patternList,
  actions: patternList,
  resources: patternList,
  /** The condition as canonical JSON text; null when the rule has none. */
  when: z.string().max(1_000_000).nullable(),
  approvals: z
    .strictObject({
      quorum: z.int().min(1).max(64),
      from: z.array(z.string().max(128)).max(32),
      allowRequester: z.boolean(),
    })
    .nullable(),
  grantTtlSeconds: z.int().min(1).max(86_400).nullable(),
  description: policyText.nullable(),
});
const policyView = z.strictObject({
  name: z.string().max(128),
  version: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: hex64,
  description: policyText.nullable(),
  signedBy: z.array(z.string().max(128)).max(64),
  rules: z.array(policyRule).max(10_000),
  warnings: z
    .array(
      z.strictObject({
        ruleId: z.string().max(128),
        kind: z.string().max(32),
        message: z.string().max(4096),
      }),
    )
    .max(100_000),
});
const decisionKind = z.enum(['allow', 'deny', 'pending']);
const simulationRequest = z.strictObject({
  subject: z.string().min(1).max(256),
  groups: z.array(z.string().min(1).max(128)).max(64),
  action: z.string().min(1).max(256),
  resource: z.string().min(1).max(256),
  /** JSON text, parsed strictly in main (duplicate keys refused). */
  context: z.string().max(32_768),
  time: z.string().min(1).max(64),
});
const simulationResult = z.strictObject({
  decision: decisionKind,
  rules: z.array(z.string().max(128)).max(10_000),
  errors: z
    .array(
      z.strictObject({
        ruleId: z.string().max(128),
        message: z.string().max(4096),
        path: z.string().max(1024),
      }),
    )
    .max(10_000),
  obligations: z
    .array(
      z.strictObject({
        ruleId: z.string().max(128),
        quorum: z.int().min(1).max(64),
        from: z.array(z.string().max(128)).max(32),
        allowRequester: z.boolean(),
        grantTtlSeconds: z.int().min(1).max(86_400).nullable(),
      }),
    )
    .max(10_000),
  grantTtlSeconds: z.int().min(1).max(86_400).nullable(),
  policyHash: hex64,
  requestHash: hex64,
});

export const CONTRACT = {
  readAppInfo: {
    kind: 'read',
    summary: 'app and core versions, platform, active tenant, offline flag, data directory',
    request: emptyRequest,
    response: appInfo,
  },
  readSuites: {
    kind: 'read',
    summary: 'the signature suites in the registry',
    request: emptyRequest,
    response: z.strictObject({ suites: z.array(suiteInfo).max(64) }),
  },
  readSelfTest: {
    kind: 'read',
    summary: 'sign and verify with every suite (fresh keys, nothing stored); result and time per suite',
    request: emptyRequest,
    response: z.strictObject({ ok: z.boolean(), results: z.array(selfTestResult).max(64) }),
  },
  readSettings: {
    kind: 'read',
    summary: 'settings of the active tenant',
    request: emptyRequest,
    response: z.strictObject({ tenant: z.string().max(64) }),
  },
  readPolicy: {
    kind: 'read',
    summary:
      "the tenant's trusted policy signers and active policy (name, version, hash, signer, rules, warnings)",
    request: emptyRequest,
    response: z.strictObject({
      signers: z.array(policySigner).max(64),
      policy: policyView.nullable(),
      problem: z.string().max(4096).nullable(),
    }),
  },
  readPolicySimulation: {
    kind: 'read',
    summary: 'what-if: the decision the active policy gives a request (nothing is recorded)',
    request: simulationRequest,
    response: simulationResult,
  },
  writePolicySigners: {
    kind: 'write',
    summary: 'set the trusted policy signer keys (a public key set), only while none are configured',
    request: z.strictObject({ publicKeySet: z.string().min(1).max(60_000) }),
    response: z.strictObject({ signers: z.array(policySigner).max(64) }),
  },
  writeLoadPolicy: {
    kind: 'write',
    summary: 'verify a signed policy envelope and make it active (rollback refused)',
    request: z.strictObject({ envelope: z.string().min(1).max(60_000) }),
    response: z.strictObject({
      update: z.enum(['new', 'same', 'upgrade']),
      name: z.string().max(128),
      version: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      hash: hex64,
    }),
  },
  ...EVIDENCE_CHANNELS,
  ...VERIFY_CHANNELS,
  ...CEREMONY_CHANNELS,
  ...ANCHOR_CHANNELS,
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof CONTRACT;
export type ChannelName = keyof Contract;
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Contract[C]['response']>;

/** Every channel name, in contract order. */
export const CHANNEL_NAMES: readonly ChannelName[] = Object.freeze(Object.keys(CONTRACT) as ChannelName[]);

/** Own-key lookup: `toString`, `__proto__` and other inherited names are not channels. */
export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONTRACT, value);
}
