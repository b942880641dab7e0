/**
 * What the Settings page and the Evidence section need from anchoring (docs/app.md, "Settings and
 * anchor status"), over the committed AnchorService: the tenant's settings, a connection test, and
 * the anchor state of a log's checkpoints with their confirmations at the chain head.
 *
 * The AnchorService here is used for settings, status and the connection test only; it never
 * starts a publisher (that needs the publisher key and the log's own origin, and runs where the
 * log is written). Its queue database (`<tenant dir>/anchors.sqlite`) is opened lazily and created
 * only by saving settings, so reading the page of a tenant that never anchored writes nothing.
 * The log's checkpoints are read from the tenant's evidence database on a query_only connection
 * of its own, as the EvidenceBrowser reads records.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createPublicClient, http, type Transport } from 'viem';
import { DEFAULT_CONFIRMATIONS, type Hex } from '../../src-shared/anchor/lifecycle.js';
import { bytesToHex } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { ANCHOR_STATUS_MAX } from '../../src-shared/ipc/anchor-contract.js';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import { AnchorService, type AnchorSettings } from '../anchor/service.js';

export const ANCHOR_DB_FILE = 'anchors.sqlite';
/** Timeout of the head look-up made for the status (polled): short, so a dead RPC shows quickly. */
export const HEAD_TIMEOUT_MS = 4000;

export type AnchorSettingsView = NonNullable<ResponseOf<'readAnchorSettings'>['settings']>;
export type AnchorStatusView = ResponseOf<'readAnchorStatus'>;
export type ConnectionView = ResponseOf<'readAnchorConnection'>;

export interface AnchorSettingsOptions {
  readonly tenantDir: string;
  /** The tenant's evidence database (may not exist yet). */
  readonly evidencePath: string;
  /** viem transport per RPC URL (tests); default http with retries off. */
  readonly transport?: (url: string, timeoutMs: number) => Transport;
}

/** The sink the UI's AnchorService would give a publisher: it never starts one, so any use is a bug. */
const NO_EVIDENCE = Object.freeze({
  append(): Promise<never> {
    return Promise.reject(new QtError('QT_ANCHOR_SETTINGS', 'the settings service does not publish anchors'));
  },
});

function view(s: AnchorSettings): AnchorSettingsView {
  return {
    enabled: s.enabled,
    rpcUrl: s.rpcUrl,
    chainId: s.chainId,
    contract: s.contract,
    confirmations: s.confirmations,
    fromBlock: s.fromBlock,
    publisherKey: s.keyDir !== undefined,
  };
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

export class AnchorSettingsService {
  readonly #opts: AnchorSettingsOptions;
  #service: AnchorService | null = null;
  #evidence: Database.Database | null = null;

  constructor(opts: AnchorSettingsOptions) {
    if (typeof opts?.tenantDir !== 'string' || typeof opts.evidencePath !== 'string') {
      throw new QtError('QT_TYPE', 'tenantDir and evidencePath must be strings', { path: 'opts' });
    }
    this.#opts = opts;
  }

  #transport(url: string, timeoutMs: number): Transport {
    return this.#opts.transport?.(url, timeoutMs) ?? http(url, { retryCount: 0, timeout: timeoutMs });
  }

  /** The AnchorService over the tenant's queue database; null when it does not exist and `create` is false. */
  #anchors(create: boolean): AnchorService | null {
    if (this.#service !== null) return this.#service;
    const path = join(this.#opts.tenantDir, ANCHOR_DB_FILE);
    if (!create && !existsSync(path)) return null;
    if (create) mkdirSync(this.#opts.tenantDir, { recursive: true, mode: 0o700 });
    this.#service = new AnchorService({
      queuePath: path,
      // Keys only the salt and the publisher, neither of which this service uses.
      origin: 'qtrust.local/settings',
      evidence: NO_EVIDENCE,
      transport: (url) => this.#transport(url, 10_000),
    });
    return this.#service;
  }

  read(): ResponseOf<'readAnchorSettings'> {
    const s = this.#anchors(false)?.getSettings() ?? null;
    return { settings: s === null ? null : view(s) };
  }

  /**
   * Stores new settings. Fields the page does not edit (fromBlock, the publisher key folder) keep
   * their stored values. TODO (no implicit admin): this is a critical action and must become a
   * request to the policy engine with approvals and an evidence record (docs/app.md).
   */
  save(request: RequestOf<'writeAnchorSettings'>): ResponseOf<'writeAnchorSettings'> {
    assertUrl(request.rpcUrl);
    const svc = this.#anchors(true) as AnchorService;
    const old = svc.getSettings();
    const saved = svc.setSettings({
      enabled: request.enabled,
      rpcUrl: request.rpcUrl,
      chainId: request.chainId,
      contract: request.contract,
      confirmations: request.confirmations,
      fromBlock: old?.fromBlock ?? 0,
      ...(old?.keyDir === undefined ? {} : { keyDir: old.keyDir }),
    });
    return { settings: view(saved) };
  }

  /** The connection test: reads only; RPC failures are QT_ANCHOR_RPC with the RPC's first line. */
  async testConnection(request: RequestOf<'readAnchorConnection'>): Promise<ConnectionView> {
    assertUrl(request.rpcUrl);
    const stored = this.#anchors(false);
    const svc = stored ?? this.#probe();
    try {
      return await svc.testConnection(
        request.rpcUrl,
        request.chainId,
        request.contract.toLowerCase() as Hex,
        request.publisher === null ? undefined : (request.publisher.toLowerCase() as Hex),
      );
    } finally {
      if (stored === null) await svc.close();
    }
  }

  /** A throwaway AnchorService on an in-memory queue: the connection test must not create files. */
  #probe(): AnchorService {
    return new AnchorService({
      queuePath: ':memory:',
      origin: 'qtrust.local/settings',
      evidence: NO_EVIDENCE,
      transport: (url) => this.#transport(url, 10_000),
    });
  }

  /** Anchor state of the newest ANCHOR_STATUS_MAX checkpoints of `log`, with confirmations at the head. */
  async status(log: string): Promise<AnchorStatusView> {
    const checkpoints = this.#checkpoints(log);
    const svc = this.#anchors(false);
    const settings = svc?.getSettings() ?? null;
    if (svc === null || settings === null) {
      return {
        configured: false,
        confirmations: DEFAULT_CONFIRMATIONS,
        head: null,
        headError: null,
        checkpoints: checkpoints.map((c) => ({ ...c, ...UNANCHORED })),
      };
    }
    let head: number | null = null;
    let headError: string | null = null;
    try {
      head = await this.#head(settings);
    } catch (e) {
      headError = e instanceof QtError ? e.message : firstLine(e);
    }
    const rows = new Map(svc.status(head ?? undefined).map((r) => [r.checkpointHash.toLowerCase(), r]));
    return {
      configured: true,
      confirmations: settings.confirmations,
      head,
      headError,
      checkpoints: checkpoints.map((c) => {
        const r = rows.get(`0x${c.checkpointHash}`);
        if (r === undefined) return { ...c, ...UNANCHORED };
        return {
          ...c,
          state: r.state,
          confirmations: r.confirmations,
          blockNumber: r.blockNumber,
          txHash: r.txHash?.toLowerCase() ?? null,
          reorgs: r.reorgs,
          lastError: r.lastError === null ? null : r.lastError.slice(0, 2048),
        };
      }),
    };
  }

  async #head(s: AnchorSettings): Promise<number> {
    const client = createPublicClient({ transport: this.#transport(s.rpcUrl, HEAD_TIMEOUT_MS) });
    let id: number;
    let block: bigint;
    try {
      [id, block] = await Promise.all([client.getChainId(), client.getBlockNumber({ cacheTime: 0 })]);
    } catch (e) {
      throw new QtError('QT_ANCHOR_RPC', `the RPC did not answer: ${firstLine(e)}`, { cause: e });
    }
    if (id !== s.chainId) {
      // Blocks of another chain say nothing about these anchors.
      throw new QtError('QT_ANCHOR_CHAIN_ID', `the RPC serves chain ${id}, the settings say ${s.chainId}`);
    }
    return Number(block);
  }

  #checkpoints(log: string): { treeSize: number; checkpointHash: string; time: number }[] {
    const db = this.#openEvidence();
    if (db === null) return [];
    const rows = db
      .prepare(
        `SELECT c.size AS size, c.hash AS hash, c.time AS time FROM checkpoints c
         JOIN logs l ON l.id = c.log WHERE l.origin = ? AND c.size > 0 ORDER BY c.size DESC LIMIT ?`,
      )
      .all(log, ANCHOR_STATUS_MAX) as { size: number; hash: Buffer; time: number }[];
    return rows.map((r) => ({ treeSize: r.size, checkpointHash: bytesToHex(r.hash), time: r.time }));
  }

  #openEvidence(): Database.Database | null {
    if (this.#evidence !== null) return this.#evidence;
    if (!existsSync(this.#opts.evidencePath)) return null;
    const db = new Database(this.#opts.evidencePath, { fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    if ((db.pragma('user_version', { simple: true }) as number) === 0) {
      db.close(); // not migrated by its writer yet: look again next time
      return null;
    }
    this.#evidence = db;
    return db;
  }

  async close(): Promise<void> {
    this.#evidence?.close();
    this.#evidence = null;
    await this.#service?.close();
    this.#service = null;
  }
}

const UNANCHORED = {
  state: 'none',
  confirmations: null,
  blockNumber: null,
  txHash: null,
  reorgs: 0,
  lastError: null,
} as const;

function assertUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QtError('QT_ANCHOR_SETTINGS', 'settings.rpcUrl: not a valid URL', { path: 'settings.rpcUrl' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new QtError('QT_ANCHOR_SETTINGS', 'settings.rpcUrl: must be an http or https URL', {
      path: 'settings.rpcUrl',
    });
  }
}
