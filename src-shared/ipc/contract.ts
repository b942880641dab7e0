/**
 * The IPC contract: the only door between the renderer and main. One map from channel name to
 * its request and response schemas. Requests are strict objects (an unknown field is refused,
 * not ignored) so a caller cannot smuggle options the contract does not name.
 *
 * Naming: a channel's name starts with its kind. `read*` channels change no persistent state
 * and may be called freely; `write*` channels change state and will go through the policy
 * engine (none exist yet). The kind is also recorded in the entry so main can tell them apart
 * without parsing names. The channel name is also the Electron IPC channel and the method
 * name on `window.qtrust`.
 */
import { z } from 'zod';

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
