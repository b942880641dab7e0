/**
 * AnchorService: what the UI (Settings / anchor status screens, a later helper) and the CLI need
 * from anchoring, behind one object: settings get/set (validated, stored in the anchor queue's
 * database), the log's anchor salt and the trust-file section auditors need, status per checkpoint,
 * a connection test, and the publisher's start/stop and alerts.
 */
import { randomBytes } from 'node:crypto';
import { createPublicClient, http, type Account, type Transport } from 'viem';
import { z } from 'zod';
import { ANCHOR_SALT_LENGTH } from '../../src-shared/anchor/commitment.js';
import {
  confirmationsOf,
  DEFAULT_CONFIRMATIONS,
  type AnchorState,
  type Hex,
} from '../../src-shared/anchor/lifecycle.js';
import { fromBase64url, toBase64url } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { ORIGIN_PATTERN } from '../../src-shared/evidence/record.js';
import { ANCHOR_ABI } from './abi.js';
import {
  AnchorPublisher,
  type AnchorAlert,
  type CheckpointToAnchor,
  type EvidenceSink,
  type Scheduler,
} from './publisher.js';
import { AnchorQueueStore } from './queue-store.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits');
const settingsSchema = z.strictObject({
  enabled: z.boolean(),
  rpcUrl: z.url({ protocol: /^https?$/ }),
  chainId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  contract: address,
  confirmations: z.number().int().min(1).max(1_000_000).default(DEFAULT_CONFIRMATIONS),
  fromBlock: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  /** The publisher's sealed key directory (secp256k1 key), or absent for an HSM-held key. */
  keyDir: z.string().min(1).max(4096).optional(),
});
export type AnchorSettings = z.infer<typeof settingsSchema>;

export interface AnchorStatusRow {
  readonly checkpointHash: Hex;
  readonly treeSize: number;
  readonly state: AnchorState;
  readonly txHash: Hex | null;
  readonly blockNumber: number | null;
  readonly blockHash: Hex | null;
  /** Confirmations at `head` when given to status(), else null. */
  readonly confirmations: number | null;
  readonly attempts: number;
  readonly reorgs: number;
  readonly lastError: string | null;
}

export interface ConnectionReport {
  readonly chainId: number;
  readonly chainIdMatches: boolean;
  readonly latestBlock: number;
  /** null when the RPC reports no `finalized` block. */
  readonly finalizedBlock: number | null;
  readonly contractCodePresent: boolean;
  /** null when no publisher address was given or the contract is absent. */
  readonly publisherAllowlisted: boolean | null;
}

export interface AnchorServiceOptions {
  /** The tenant's anchor database (e.g. <tenant dir>/anchors.sqlite). */
  readonly queuePath: string;
  /** The log whose checkpoints are anchored. */
  readonly origin: string;
  readonly evidence: EvidenceSink;
  readonly scheduler?: Scheduler;
  readonly transport?: (url: string) => Transport;
}

const SETTINGS_KEY = 'settings';

export class AnchorService {
  readonly #store: AnchorQueueStore;
  readonly #opts: AnchorServiceOptions;
  readonly #alertListeners = new Set<(a: AnchorAlert) => void>();
  #publisher: AnchorPublisher | null = null;

  constructor(opts: AnchorServiceOptions) {
    if (typeof opts.origin !== 'string' || !ORIGIN_PATTERN.test(opts.origin)) {
      throw new QtError('QT_ANCHOR_INPUT', 'origin must be a log origin', { path: 'origin' });
    }
    this.#opts = opts;
    this.#store = AnchorQueueStore.open(opts.queuePath);
  }

  getSettings(): AnchorSettings | null {
    const text = this.#store.getSetting(SETTINGS_KEY);
    return text === undefined ? null : settingsSchema.parse(JSON.parse(text));
  }

  /** Validates and stores settings (QT_ANCHOR_SETTINGS naming the field); returns them normalized. */
  setSettings(value: unknown): AnchorSettings {
    const r = settingsSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0] as z.core.$ZodIssue;
      const path = ['settings', ...issue.path.map(String)].join('.');
      throw new QtError('QT_ANCHOR_SETTINGS', `${path}: ${issue.message}`, { path });
    }
    const s = { ...r.data, contract: r.data.contract.toLowerCase() };
    this.#store.setSetting(SETTINGS_KEY, JSON.stringify(s));
    return s;
  }

  /** The log's anchor salt: 32 random bytes made once and kept (auditors get it in trust files). */
  salt(): Uint8Array {
    const key = `salt:${this.#opts.origin}`;
    const stored = this.#store.getSetting(key);
    if (stored !== undefined) return fromBase64url(stored, key);
    const salt = new Uint8Array(randomBytes(ANCHOR_SALT_LENGTH));
    this.#store.setSetting(key, toBase64url(salt));
    return salt;
  }

  /** The `anchor` section of a trust file for this log (src-shared/anchor/trust.ts). */
  trustSection(publishers: readonly Hex[]): Record<string, unknown> {
    const s = this.#requireSettings();
    return {
      chainId: s.chainId,
      contract: s.contract,
      publishers: publishers.map((p) => p.toLowerCase()),
      salt: toBase64url(this.salt()),
      origin: this.#opts.origin,
      fromBlock: s.fromBlock,
      confirmations: s.confirmations,
    };
  }

  #requireSettings(): AnchorSettings {
    const s = this.getSettings();
    if (s === null) throw new QtError('QT_ANCHOR_SETTINGS', 'anchoring is not configured');
    return s;
  }

  /** Status of every checkpoint queued for the configured chain and contract, by tree size. */
  status(head?: number): AnchorStatusRow[] {
    const s = this.getSettings();
    if (s === null) return [];
    return this.#store.list(s.chainId, s.contract.toLowerCase() as Hex).map((e) => ({
      checkpointHash: e.checkpointHash,
      treeSize: e.treeSize,
      state: e.state,
      txHash: e.tx?.hash ?? null,
      blockNumber: e.block?.number ?? null,
      blockHash: e.block?.hash ?? null,
      confirmations:
        head === undefined || e.block === undefined ? null : confirmationsOf(e.block.number, head),
      attempts: e.attempts,
      reorgs: e.reorgs,
      lastError: e.lastError,
    }));
  }

  statusOf(checkpointHash: Hex): AnchorStatusRow | undefined {
    return this.status().find((r) => r.checkpointHash === checkpointHash.toLowerCase());
  }

  /** Asks an RPC about the chain and contract without storing anything; RPC failures throw QT_ANCHOR_RPC. */
  async testConnection(
    rpcUrl: string,
    chainId: number,
    contract: Hex,
    publisher?: Hex,
  ): Promise<ConnectionReport> {
    const transport = this.#opts.transport?.(rpcUrl) ?? http(rpcUrl, { retryCount: 0, timeout: 10_000 });
    const client = createPublicClient({ transport });
    try {
      const [id, latest] = await Promise.all([client.getChainId(), client.getBlockNumber({ cacheTime: 0 })]);
      const finalized = await client.getBlock({ blockTag: 'finalized' }).then(
        (b) => (b.number === null ? null : Number(b.number)),
        () => null,
      );
      const code = await client.getCode({ address: contract });
      const present = code !== undefined && code !== '0x';
      let allowlisted: boolean | null = null;
      if (present && publisher !== undefined) {
        allowlisted = await client.readContract({
          address: contract,
          abi: ANCHOR_ABI,
          functionName: 'isPublisher',
          args: [publisher],
        });
      }
      return {
        chainId: id,
        chainIdMatches: id === chainId,
        latestBlock: Number(latest),
        finalizedBlock: finalized,
        contractCodePresent: present,
        publisherAllowlisted: allowlisted,
      };
    } catch (e) {
      throw new QtError(
        'QT_ANCHOR_RPC',
        `connection test failed: ${(e as Error).message.split('\n')[0] ?? ''}`,
        { cause: e },
      );
    }
  }

  /** Starts publishing with the configured settings and the given account (sealed key or HSM). */
  startPublisher(account: Account): AnchorPublisher {
    if (this.#publisher !== null) return this.#publisher;
    const s = this.#requireSettings();
    if (!s.enabled) throw new QtError('QT_ANCHOR_SETTINGS', 'anchoring is disabled in the settings');
    const transport = this.#opts.transport?.(s.rpcUrl);
    const p = new AnchorPublisher(
      this.#store,
      {
        rpcUrl: s.rpcUrl,
        chainId: s.chainId,
        contract: s.contract as Hex,
        account,
        salt: this.salt(),
        origin: this.#opts.origin,
        confirmations: s.confirmations,
        fromBlock: s.fromBlock,
        ...(transport === undefined ? {} : { transport }),
      },
      {
        evidence: this.#opts.evidence,
        ...(this.#opts.scheduler === undefined ? {} : { scheduler: this.#opts.scheduler }),
      },
    );
    p.on('alert', (a) => {
      for (const f of this.#alertListeners) f(a);
    });
    this.#publisher = p;
    p.start();
    return p;
  }

  /** Queues a checkpoint with the running publisher. */
  async enqueue(cp: CheckpointToAnchor): Promise<boolean> {
    if (this.#publisher === null) throw new QtError('QT_ANCHOR_SETTINGS', 'the publisher is not running');
    return this.#publisher.enqueue(cp);
  }

  /** Subscribes to alerts (reorg of a final anchor, not allowlisted, wrong chain, RPC down); returns an unsubscribe. */
  onAlert(listener: (a: AnchorAlert) => void): () => void {
    this.#alertListeners.add(listener);
    return () => this.#alertListeners.delete(listener);
  }

  async stopPublisher(): Promise<void> {
    const p = this.#publisher;
    this.#publisher = null;
    if (p !== null) await p.stop();
  }

  async close(): Promise<void> {
    await this.stopPublisher();
    this.#store.close();
  }
}
