/**
 * Contract entries of the Settings page's anchoring settings and of the anchor status shown in the
 * Evidence section (docs/app.md, "Settings and anchor status"; docs/anchoring.md). Spread into
 * CONTRACT by contract.ts. Settings are the tenant's (stored in its anchors.sqlite).
 */
import './zod-config.js';
import { z } from 'zod';
import { ORIGIN_PATTERN } from '../evidence/record.js';
import type { ChannelSpec } from './contract.js';

/** Checkpoints (newest first) one readAnchorStatus answer covers. */
export const ANCHOR_STATUS_MAX = 200;

const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const chainId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const txHash = z.string().regex(/^0x[0-9a-f]{64}$/);
/** http(s) only; the full check (a parseable URL) is main's (QT_ANCHOR_SETTINGS). */
const rpcUrl = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/i);
const confirmations = z.int().min(1).max(1_000_000);

const settingsView = z.strictObject({
  enabled: z.boolean(),
  rpcUrl: z.string().max(2048),
  chainId,
  contract: address,
  confirmations,
  fromBlock: count,
  /** Whether a publisher key folder is configured (set with the CLI; the path is not shown). */
  publisherKey: z.boolean(),
});

export const ANCHOR_CHANNELS = {
  readAnchorSettings: {
    kind: 'read',
    summary: "the tenant's anchoring settings (RPC URL, chain id, contract, confirmations), or null",
    request: z.strictObject({}),
    response: z.strictObject({ settings: settingsView.nullable() }),
  },
  writeAnchorSettings: {
    kind: 'write',
    summary: "store the tenant's anchoring settings (validated; a critical action)",
    request: z.strictObject({ enabled: z.boolean(), rpcUrl, chainId, contract: address, confirmations }),
    response: z.strictObject({ settings: settingsView }),
  },
  readAnchorConnection: {
    kind: 'read',
    summary:
      'ask an RPC about the chain and contract (nothing stored): chain id match, latest and finalized block, code, allowlist',
    request: z.strictObject({ rpcUrl, chainId, contract: address, publisher: address.nullable() }),
    response: z.strictObject({
      chainId: count,
      chainIdMatches: z.boolean(),
      latestBlock: count,
      finalizedBlock: count.nullable(),
      contractCodePresent: z.boolean(),
      publisherAllowlisted: z.boolean().nullable(),
    }),
  },
  readAnchorStatus: {
    kind: 'read',
    summary: "anchor state of a log's checkpoints (newest first) with confirmations at the chain head",
    request: z.strictObject({ log: z.string().regex(ORIGIN_PATTERN) }),
    response: z.strictObject({
      configured: z.boolean(),
      /** Confirmations the settings require (the finality rule also waits for the `finalized` tag). */
      confirmations: count,
      head: count.nullable(),
      /** Why the head could not be read (RPC down); states are then shown without confirmations. */
      headError: z.string().max(2048).nullable(),
      checkpoints: z
        .array(
          z.strictObject({
            treeSize: count,
            checkpointHash: hex32,
            time: count,
            state: z.enum(['none', 'queued', 'submitted', 'included', 'final']),
            confirmations: count.nullable(),
            blockNumber: count.nullable(),
            txHash: txHash.nullable(),
            reorgs: count,
            lastError: z.string().max(2048).nullable(),
          }),
        )
        .max(ANCHOR_STATUS_MAX),
    }),
  },
} as const satisfies Record<string, ChannelSpec>;
