/**
 * Single use of grants: the verifier remembers every grant id it accepted until the grant could no
 * longer pass the time check, and refuses a second use. The interface is synchronous so that the
 * check and the insert are one atomic step (src-main/grants/replay-cache.ts keeps it in SQLite).
 */
import { aint, astring } from '../bytes.js';
import { QtError } from '../errors.js';

export interface ReplayCache {
  /**
   * Atomically: returns false when `grantId` was remembered before, otherwise remembers it until
   * `expiresAt` (Unix seconds) and returns true. Implementations fail closed: when in doubt, throw.
   */
  checkAndRemember(grantId: string, expiresAt: number): boolean;
}

/** Grant ids are hex SHA-256 digests; accept a little more for other callers, never unbounded. */
export const MAX_GRANT_ID_LENGTH = 128;

/** Checks the arguments of checkAndRemember the same way in every implementation. */
export function checkReplayArgs(grantId: unknown, expiresAt: unknown): void {
  astring(grantId, 'grantId', { nonEmpty: true, maxLength: MAX_GRANT_ID_LENGTH });
  aint(expiresAt, 'expiresAt');
}

/**
 * An in-memory cache for tests and for short-lived verifiers. It forgets everything when the
 * process ends, so a verifier that restarts must use a persistent cache instead.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #seen = new Map<string, number>();

  constructor(readonly maxEntries = 100_000) {
    aint(maxEntries, 'maxEntries', 1);
  }

  checkAndRemember(grantId: string, expiresAt: number): boolean {
    checkReplayArgs(grantId, expiresAt);
    if (this.#seen.has(grantId)) return false;
    if (this.#seen.size >= this.maxEntries) {
      // Forgetting an unexpired id would re-open a replay window: refuse instead (fail closed).
      throw new QtError(
        'QT_REPLAY_CACHE_FULL',
        `replay cache holds ${this.maxEntries} unexpired grants; prune it`,
      );
    }
    this.#seen.set(grantId, expiresAt);
    return true;
  }

  /** Forgets ids whose retention ended before `now` (Unix seconds); returns how many. */
  prune(now: number): number {
    aint(now, 'now');
    let removed = 0;
    for (const [id, expiresAt] of this.#seen) {
      if (expiresAt < now) {
        this.#seen.delete(id);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.#seen.size;
  }
}
