/**
 * The anchor publisher: the adapter loop around the pure lifecycle (src-shared/anchor/lifecycle.ts).
 * Each `tick()` observes the chain through viem, asks `advance` what happened and what to do, does
 * it, persists the entry (queue-store.ts) and records every transition as evidence: kind 'anchor'
 * (bookkeeping, never triggers a checkpoint), and kind 'incident' plus an alert when an anchor that
 * had been counted final is reorged away. Timers, clock and randomness are injected, so tests drive
 * it step by step; `start()` runs ticks on its own with bounded exponential backoff after failures.
 *
 * Never anchored twice: the contract refuses a duplicate checkpoint hash (AlreadyAnchored), and
 * before every submission the publisher asks `isAnchored` and looks for an existing event, adopting
 * it instead of sending another transaction.
 */
import { EventEmitter } from 'node:events';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { anchorCommitmentHex, hex0x } from '../../src-shared/anchor/commitment.js';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../../src-shared/anchor/backoff.js';
import {
  advance,
  DEFAULT_CONFIRMATIONS,
  newEntry,
  submitted,
  type AnchorEntry,
  type ChainObservation,
  type Hex,
  type Step,
  type Transition,
} from '../../src-shared/anchor/lifecycle.js';
import type { ObservedAnchorLog } from '../../src-shared/anchor/verify.js';
import { abytes, aint } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { ANCHOR_ABI } from './abi.js';
import { fetchAnchoredLogs } from './logs.js';
import type { AnchorQueueStore, QueuedAnchor } from './queue-store.js';

export interface PublisherConfig {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly contract: Hex;
  /** The publisher's account: a viem local account (sealed key file) or a custom one (HSM). */
  readonly account: Account;
  /** The log's anchor salt (32 bytes) and origin: the commitment's inputs. */
  readonly salt: Uint8Array;
  readonly origin: string;
  readonly confirmations?: number;
  /** The contract's deployment block: the earliest block an event can be in (default 0). */
  readonly fromBlock?: number;
  /** How many blocks back final anchors are still watched for a reorg (default 256). */
  readonly watchBlocks?: number;
  readonly backoff?: BackoffPolicy;
  /** Milliseconds between ticks when all is well (default 4,000). */
  readonly pollMs?: number;
  /** RPC timeout per request in ms (default 10,000). */
  readonly timeoutMs?: number;
  /** Replaces http(rpcUrl), e.g. to count calls. */
  readonly transport?: Transport;
}

/** Where transitions are recorded: the tenant's evidence log (EvidenceLog.append fits). */
export interface EvidenceSink {
  append(
    kind: 'anchor' | 'incident',
    body: Record<string, string | number | boolean | null>,
  ): Promise<unknown>;
}

export interface Scheduler {
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = Object.freeze({
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout: (fn: () => void, ms: number) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
});

export interface AnchorAlert {
  readonly code: 'QT_ANCHOR_REORG_FINAL' | 'QT_ANCHOR_NOT_PUBLISHER' | 'QT_ANCHOR_CHAIN_ID' | 'QT_ANCHOR_RPC';
  readonly message: string;
  readonly checkpointHash?: Hex;
}

export interface CheckpointToAnchor {
  readonly size: number;
  readonly root: Uint8Array;
  readonly hash: Uint8Array;
}

export interface TickResult {
  readonly ok: boolean;
  readonly error?: QtError;
  readonly head?: number;
  readonly finalized?: number | null;
  readonly transitions: readonly (Transition & { readonly checkpointHash: Hex })[];
  /** Milliseconds until the next tick start() would run. */
  readonly nextDelayMs: number;
}

const NONCE_ERRORS =
  /nonce too (low|high)|nonce has already been used|replacement transaction underpriced|already known|invalid nonce/i;

function revertName(e: unknown): string | undefined {
  if (!(e instanceof BaseError)) return undefined;
  const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
  return r instanceof ContractFunctionRevertedError ? r.data?.errorName : undefined;
}

function shortMessage(e: unknown): string {
  if (e instanceof BaseError) return e.shortMessage;
  return e instanceof Error ? e.message : String(e);
}

function rpcError(e: unknown, what: string): QtError {
  if (isQtError(e)) return e;
  return new QtError('QT_ANCHOR_RPC', `${what}: ${shortMessage(e)}`, { cause: e });
}

export class AnchorPublisher extends EventEmitter<{
  alert: [AnchorAlert];
  transition: [Transition & { checkpointHash: Hex }];
}> {
  readonly #store: AnchorQueueStore;
  readonly #config: PublisherConfig;
  readonly #evidence: EvidenceSink;
  readonly #scheduler: Scheduler;
  readonly #public: PublicClient;
  readonly #wallet: WalletClient;
  readonly #contract: Hex;
  readonly #confirmations: number;
  readonly #backoff: BackoffPolicy;
  #failures = 0;
  #chainChecked = false;
  #nonce: number | undefined;
  #timer: unknown;
  #running: Promise<TickResult> | null = null;
  #started = false;

  constructor(
    store: AnchorQueueStore,
    config: PublisherConfig,
    deps: { evidence: EvidenceSink; scheduler?: Scheduler },
  ) {
    super();
    aint(config.chainId, 'config.chainId', 1);
    abytes(config.salt, 'config.salt', 32);
    if (typeof config.contract !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(config.contract)) {
      throw new QtError('QT_ANCHOR_INPUT', 'config.contract must be 0x followed by 40 hex digits', {
        path: 'config.contract',
      });
    }
    this.#store = store;
    this.#config = config;
    this.#evidence = deps.evidence;
    this.#scheduler = deps.scheduler ?? realScheduler;
    this.#contract = config.contract.toLowerCase() as Hex;
    this.#confirmations = aint(
      config.confirmations ?? DEFAULT_CONFIRMATIONS,
      'config.confirmations',
      1,
      1_000_000,
    );
    this.#backoff = config.backoff ?? DEFAULT_BACKOFF;
    const chain: Chain = {
      id: config.chainId,
      name: `chain-${config.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [config.rpcUrl] } },
    };
    // viem's own retries are off: this loop owns retrying, with its own backoff and persistence.
    const transport =
      config.transport ?? http(config.rpcUrl, { retryCount: 0, timeout: config.timeoutMs ?? 10_000 });
    this.#public = createPublicClient({ chain, transport });
    this.#wallet = createWalletClient({ chain, transport, account: config.account });
  }

  get address(): Hex {
    return this.#config.account.address;
  }

  /** Queues a checkpoint (idempotent: false when it was already queued) and records it as 'queued'. */
  async enqueue(cp: CheckpointToAnchor): Promise<boolean> {
    aint(cp.size, 'checkpoint.size', 1);
    abytes(cp.root, 'checkpoint.root', 32);
    abytes(cp.hash, 'checkpoint.hash', 32);
    const step = newEntry({
      checkpointHash: hex0x(cp.hash),
      root: hex0x(cp.root),
      treeSize: cp.size,
      commitment: anchorCommitmentHex(this.#config.salt, this.#config.origin, cp.size),
    });
    if (!this.#store.insert(this.#config.chainId, this.#contract, step.entry, this.#scheduler.now()))
      return false;
    await this.#record(step.entry, step.transitions);
    return true;
  }

  /** Every entry of this chain and contract, by tree size. */
  entries(): QueuedAnchor[] {
    return this.#store.list(this.#config.chainId, this.#contract);
  }

  /** One pass over the queue. Never throws for chain or RPC trouble: the result says what failed. */
  tick(): Promise<TickResult> {
    if (this.#running !== null) return this.#running;
    this.#running = this.#tick().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #tick(): Promise<TickResult> {
    const done: (Transition & { checkpointHash: Hex })[] = [];
    try {
      if (!this.#chainChecked) {
        const id = await this.#public.getChainId().catch((e: unknown) => {
          throw rpcError(e, 'eth_chainId failed');
        });
        if (id !== this.#config.chainId) {
          throw new QtError(
            'QT_ANCHOR_CHAIN_ID',
            `the RPC serves chain id ${id}, the publisher is configured for ${this.#config.chainId}: refusing to anchor`,
          );
        }
        this.#chainChecked = true;
      }
      const head = Number(await this.#public.getBlockNumber({ cacheTime: 0 }));
      const finalized = await this.#finalized();
      this.#nonce = undefined; // resynced from the pending count at the first submission of this tick
      const watch = this.#config.watchBlocks ?? 256;
      const active = this.entries().filter(
        (e) => e.state !== 'final' || (e.block?.number ?? 0) > head - watch,
      );
      if (active.length > 0) {
        const from = Math.max(
          this.#config.fromBlock ?? 0,
          Math.min(...active.map((e) => (e.tx?.atBlock ?? e.block?.number ?? head) - watch)),
        );
        const events = await this.#events(active, Math.max(0, from), head);
        for (const e of active) {
          const t = await this.#one(e, head, finalized, events);
          done.push(...t.map((x) => ({ ...x, checkpointHash: e.checkpointHash })));
        }
      }
      this.#failures = 0;
      return { ok: true, head, finalized, transitions: done, nextDelayMs: this.#config.pollMs ?? 4000 };
    } catch (e) {
      const error = rpcError(e, 'anchor tick failed');
      if (error.code !== 'QT_ANCHOR_CHAIN_ID') this.#chainChecked = false;
      this.#failures++;
      this.#alert({
        code: error.code === 'QT_ANCHOR_CHAIN_ID' ? 'QT_ANCHOR_CHAIN_ID' : 'QT_ANCHOR_RPC',
        message: error.message,
      });
      return {
        ok: false,
        error,
        transitions: done,
        nextDelayMs: backoffMs(this.#failures - 1, this.#random(), this.#backoff),
      };
    }
  }

  #random(): number {
    const r = this.#scheduler.random();
    return r >= 0 && r < 1 ? r : 0;
  }

  async #finalized(): Promise<number | null> {
    try {
      const b = await this.#public.getBlock({ blockTag: 'finalized' });
      return b.number === null ? null : Number(b.number);
    } catch {
      return null; // the RPC reports no finalized block: confirmations alone decide
    }
  }

  /** Anchored events on our contract for the active entries, keyed by checkpoint hash (one scan). */
  async #events(
    entries: readonly AnchorEntry[],
    from: number,
    to: number,
  ): Promise<Map<Hex, ObservedAnchorLog>> {
    const logs = await fetchAnchoredLogs(this.#public, {
      address: this.#contract,
      commitments: [...new Set(entries.map((e) => e.commitment))],
      fromBlock: from,
      toBlock: to,
    });
    const map = new Map<Hex, ObservedAnchorLog>();
    for (const l of logs) if (!l.removed && !map.has(l.checkpointHash)) map.set(l.checkpointHash, l);
    return map;
  }

  async #observe(
    e: QueuedAnchor,
    head: number,
    finalized: number | null,
    events: Map<Hex, ObservedAnchorLog>,
  ): Promise<ChainObservation> {
    const ev = events.get(e.checkpointHash);
    const existing =
      ev === undefined ? null : { txHash: ev.txHash, block: { number: ev.blockNumber, hash: ev.blockHash } };
    const obs: { -readonly [K in keyof ChainObservation]: ChainObservation[K] } = {
      head,
      finalized,
      existing,
    };
    if (e.state === 'submitted' && e.tx !== undefined) {
      try {
        const r = await this.#public.getTransactionReceipt({ hash: e.tx.hash });
        obs.receipt = {
          status: r.status,
          block: { number: Number(r.blockNumber), hash: r.blockHash.toLowerCase() as Hex },
        };
      } catch (err) {
        if (!(err instanceof TransactionReceiptNotFoundError)) throw err;
        obs.receipt = null;
        obs.txKnown = await this.#public.getTransaction({ hash: e.tx.hash }).then(
          () => true,
          (x: unknown) => {
            if (x instanceof TransactionNotFoundError) return false;
            throw x;
          },
        );
      }
    }
    if ((e.state === 'included' || e.state === 'final') && e.block !== undefined) {
      if (e.block.number > head) obs.canonicalHash = null;
      else {
        const b = await this.#public.getBlock({ blockNumber: BigInt(e.block.number) }).catch((x: unknown) => {
          if (x instanceof BaseError && x.name === 'BlockNotFoundError') return null;
          throw x;
        });
        obs.canonicalHash = b?.hash === undefined || b.hash === null ? null : (b.hash.toLowerCase() as Hex);
      }
    }
    return obs;
  }

  async #one(
    e: QueuedAnchor,
    head: number,
    finalized: number | null,
    events: Map<Hex, ObservedAnchorLog>,
  ): Promise<Transition[]> {
    const now = this.#scheduler.now();
    if (e.state === 'queued' && e.nextAttemptAt > now) return [];
    const obs = await this.#observe(e, head, finalized, events);
    let step: Step = advance(e, obs, { confirmations: this.#confirmations });
    const transitions = [...step.transitions];
    let lastError: string | null = e.lastError;
    let nextAttemptAt = e.nextAttemptAt;
    if (transitions.some((t) => t.event === 'reorged')) this.#nonce = undefined;
    if (step.action.type === 'submit') {
      const r = await this.#submit(step.entry, head);
      if (r.step !== undefined) {
        step = r.step;
        transitions.push(...r.step.transitions);
        lastError = null;
      } else {
        lastError = r.error.message;
        nextAttemptAt = now + backoffMs(step.entry.attempts, this.#random(), this.#backoff);
        if (r.error.code === 'QT_ANCHOR_NOT_PUBLISHER') {
          this.#alert({
            code: 'QT_ANCHOR_NOT_PUBLISHER',
            message: r.error.message,
            checkpointHash: e.checkpointHash,
          });
        }
      }
    }
    if (transitions.length > 0 || lastError !== e.lastError || nextAttemptAt !== e.nextAttemptAt) {
      this.#store.update(this.#config.chainId, this.#contract, step.entry, { nextAttemptAt, lastError, now });
    }
    await this.#record(step.entry, transitions);
    return transitions;
  }

  /** Sends the anchor transaction, unless the checkpoint is already anchored (then adopts that event). */
  async #submit(
    entry: AnchorEntry,
    head: number,
  ): Promise<{ step: Step; error?: undefined } | { step?: undefined; error: QtError }> {
    const args = [entry.commitment, entry.root, BigInt(entry.treeSize), entry.checkpointHash] as const;
    try {
      const anchored = await this.#public.readContract({
        address: this.#contract,
        abi: ANCHOR_ABI,
        functionName: 'isAnchored',
        args: [entry.checkpointHash],
      });
      if (anchored) return { step: await this.#adopt(entry, head) };
      await this.#public.simulateContract({
        account: this.#config.account,
        address: this.#contract,
        abi: ANCHOR_ABI,
        functionName: 'anchor',
        args,
      });
    } catch (e) {
      const name = revertName(e);
      if (name === 'NotPublisher') {
        return {
          error: new QtError(
            'QT_ANCHOR_NOT_PUBLISHER',
            `the contract ${this.#contract} refuses ${this.address}: NotPublisher (not on its publisher allowlist)`,
            { cause: e },
          ),
        };
      }
      if (name === 'AlreadyAnchored') return { step: await this.#adopt(entry, head) };
      if (name !== undefined)
        return { error: new QtError('QT_ANCHOR_REVERTED', `anchor() would revert: ${name}`, { cause: e }) };
      throw rpcError(e, 'checking the anchor before submission failed');
    }
    for (let attempt = 0; ; attempt++) {
      if (this.#nonce === undefined) {
        this.#nonce = await this.#public.getTransactionCount({ address: this.address, blockTag: 'pending' });
      }
      const nonce = this.#nonce;
      try {
        const hash = await this.#wallet.writeContract({
          account: this.#config.account,
          chain: this.#wallet.chain,
          address: this.#contract,
          abi: ANCHOR_ABI,
          functionName: 'anchor',
          args,
          nonce,
        });
        this.#nonce = nonce + 1;
        return { step: submitted(entry, { hash: hash.toLowerCase() as Hex, nonce, atBlock: head }) };
      } catch (e) {
        const text = e instanceof BaseError ? `${e.shortMessage} ${e.details}` : String(e);
        this.#nonce = undefined;
        if (NONCE_ERRORS.test(text) && attempt === 0) continue; // resync from `pending` and try once more
        throw rpcError(e, 'sending the anchor transaction failed');
      }
    }
  }

  /** The checkpoint is anchored already: find its event (scanning from fromBlock) and take it as included. */
  async #adopt(entry: AnchorEntry, head: number): Promise<Step> {
    const events = await this.#events([entry], this.#config.fromBlock ?? 0, head);
    const ev = events.get(entry.checkpointHash);
    if (ev === undefined) {
      throw new QtError(
        'QT_ANCHOR_RPC',
        `isAnchored(${entry.checkpointHash}) is true but no Anchored event was found`,
      );
    }
    const finalized = await this.#finalized();
    return advance(
      entry,
      {
        head,
        finalized,
        existing: { txHash: ev.txHash, block: { number: ev.blockNumber, hash: ev.blockHash } },
      },
      { confirmations: this.#confirmations },
    );
  }

  async #record(entry: AnchorEntry, transitions: readonly Transition[]): Promise<void> {
    for (const t of transitions) {
      await this.#evidence.append('anchor', {
        event: t.event,
        chainId: this.#config.chainId,
        contract: this.#contract,
        checkpointHash: entry.checkpointHash,
        treeSize: entry.treeSize,
        commitment: entry.commitment,
        txHash: t.tx?.hash ?? null,
        nonce: t.tx?.nonce ?? null,
        blockNumber: t.block?.number ?? null,
        blockHash: t.block?.hash ?? null,
        ...(t.reason === undefined ? {} : { reason: t.reason }),
      });
      if (t.incident === true) {
        const message = `anchor of checkpoint ${entry.checkpointHash} (size ${entry.treeSize}) was final in block ${t.block?.number ?? '?'} (${t.block?.hash ?? '?'}) and has been reorged away; re-anchoring`;
        await this.#evidence.append('incident', {
          type: 'anchor-reorg-after-final',
          chainId: this.#config.chainId,
          contract: this.#contract,
          checkpointHash: entry.checkpointHash,
          treeSize: entry.treeSize,
          blockNumber: t.block?.number ?? null,
          blockHash: t.block?.hash ?? null,
          txHash: t.tx?.hash ?? null,
          message,
        });
        this.#alert({ code: 'QT_ANCHOR_REORG_FINAL', message, checkpointHash: entry.checkpointHash });
      }
      this.emit('transition', { ...t, checkpointHash: entry.checkpointHash });
    }
  }

  #alert(a: AnchorAlert): void {
    this.emit('alert', a);
  }

  /** Runs ticks on the scheduler until stop(): pollMs apart, or backing off after failures. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const loop = (): void => {
      if (!this.#started) return;
      void this.tick().then((r) => {
        if (this.#started) this.#timer = this.#scheduler.setTimeout(loop, r.nextDelayMs);
      });
    };
    this.#timer = this.#scheduler.setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running !== null) await this.#running.catch(() => undefined);
  }
}
