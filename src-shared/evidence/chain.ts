/**
 * A streaming verifier of one log's hash chain: feed records in order, one at a time; memory stays
 * constant whatever the length of the log (the auditor's pipeline and the store's tail check both
 * use it).
 *
 * States: `ready` (nothing seen, or resumed from a trusted head) -> `running` -> `failed`. The first
 * failure is kept (`failure`) and every later push is refused with it, so a caller cannot skip over
 * a broken link by accident and the report names the first failing seq.
 */
import { QtError, isQtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { aorigin, parseRecord, verifyChainLink, type ChainHead, type SealedRecord } from './record.js';

export type ChainState = 'ready' | 'running' | 'failed';

export interface ChainVerifierOptions {
  /** The log every record must belong to; taken from the first record when absent. */
  readonly log?: string;
  /** Resume after a head already verified (for example a checkpointed prefix); null or absent: seq 0. */
  readonly after?: ChainHead | null;
  readonly hashes?: HashPrimitives;
}

export class ChainVerifier {
  readonly #hashes: HashPrimitives;
  #log: string | undefined;
  #head: ChainHead | null;
  #state: ChainState = 'ready';
  #failure: QtError | undefined;
  #count = 0;

  constructor(options: ChainVerifierOptions = {}) {
    this.#hashes = options.hashes ?? nobleHashes;
    this.#log = options.log === undefined ? undefined : aorigin(options.log, 'log');
    const after = options.after ?? null;
    if (after !== null) {
      const log = aorigin(after.log, 'after.log');
      if (this.#log !== undefined && log !== this.#log) {
        throw new QtError('QT_RANGE', `after.log "${log}" differs from log "${this.#log}"`, {
          path: 'after.log',
        });
      }
      this.#log = log;
    }
    this.#head = after;
  }

  get state(): ChainState {
    return this.#state;
  }

  /** The first failure, once `state` is `failed`. */
  get failure(): QtError | undefined {
    return this.#failure;
  }

  /** The last verified record's log, seq and hash (null before the first one). */
  get head(): ChainHead | null {
    return this.#head;
  }

  /** Records verified by this verifier (not counting a resumed prefix). */
  get count(): number {
    return this.#count;
  }

  /**
   * Verifies the next record (canonical bytes or text, or a parsed value) and returns it sealed.
   * Throws QT_RECORD_INVALID or QT_CHAIN_BROKEN; after a failure, every push throws QT_CHAIN_FAILED.
   */
  push(input: unknown): SealedRecord {
    if (this.#state === 'failed') {
      throw new QtError('QT_CHAIN_FAILED', `the chain already failed: ${this.#failure?.message ?? ''}`, {
        cause: this.#failure,
      });
    }
    try {
      const sealed = parseRecord(input, this.#hashes);
      const record = sealed.record;
      if (this.#log !== undefined && record.log !== this.#log) {
        throw new QtError(
          'QT_CHAIN_BROKEN',
          `chain broken at seq ${record.seq}: log "${record.log}" is not "${this.#log}"`,
          { path: '$.log' },
        );
      }
      verifyChainLink(this.#head, record);
      this.#log = record.log;
      this.#head = Object.freeze({ log: record.log, seq: record.seq, hash: sealed.hash });
      this.#state = 'running';
      this.#count++;
      return sealed;
    } catch (e) {
      this.#state = 'failed';
      this.#failure = isQtError(e) ? e : new QtError('QT_RECORD_INVALID', String(e), { cause: e });
      throw this.#failure;
    }
  }
}
