/**
 * Signature suite listing and the power-on style self-test (in the spirit of FIPS 140-3
 * pairwise consistency tests): for every suite in the registry, generate a fresh key pair,
 * sign a fixed message, verify it, and check that a one-bit change to the message is refused.
 * Nothing is stored; keys are wiped afterwards.
 */
import { utf8ToBytes, wipe } from '../../src-shared/bytes.js';
import { isQtError } from '../../src-shared/errors.js';

/** The part of a signature suite the self-test needs (matches src-shared/sign's SignatureSuite). */
export interface TestableSuite {
  readonly id: string;
  readonly publicKeyLength: number;
  readonly seedLength: number;
  readonly postQuantum: boolean;
  keygen(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array };
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface SuiteRegistry {
  readonly ids: readonly string[];
  get(id: string): TestableSuite;
}

export interface SuiteInfo {
  readonly id: string;
  readonly postQuantum: boolean;
  readonly publicKeyLength: number;
  readonly seedLength: number;
}

export interface SelfTestResult {
  readonly suite: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error: string | null;
}

export interface SelfTestReport {
  readonly ok: boolean;
  readonly results: SelfTestResult[];
}

const MESSAGE = 'qtrust/self-test/v1';

export class SuiteService {
  readonly #registry: SuiteRegistry;
  readonly #now: () => number;

  /** `now` returns milliseconds from a monotonic clock (performance.now in main). */
  constructor(registry: SuiteRegistry, now: () => number) {
    this.#registry = registry;
    this.#now = now;
  }

  list(): SuiteInfo[] {
    return this.#registry.ids.map((id) => {
      const s = this.#registry.get(id);
      return {
        id: s.id,
        postQuantum: s.postQuantum,
        publicKeyLength: s.publicKeyLength,
        seedLength: s.seedLength,
      };
    });
  }

  selfTest(): SelfTestReport {
    const results = this.#registry.ids.map((id) => this.#testOne(id));
    return { ok: results.length > 0 && results.every((r) => r.ok), results };
  }

  #testOne(id: string): SelfTestResult {
    const start = this.#now();
    let error: string | null = null;
    try {
      const suite = this.#registry.get(id);
      const message = utf8ToBytes(MESSAGE);
      const { secretKey, publicKey } = suite.keygen();
      try {
        const signature = suite.sign(secretKey, message);
        if (!suite.verify(publicKey, message, signature)) error = 'a fresh signature did not verify';
        else {
          const tampered = message.slice();
          tampered[0] = (tampered[0] ?? 0) ^ 1;
          if (suite.verify(publicKey, tampered, signature))
            error = 'a signature verified over a changed message';
        }
      } finally {
        wipe(secretKey);
      }
    } catch (e) {
      // Only our own coded errors carry a message fit for the UI; anything else is summarized.
      error = isQtError(e) ? `${e.code}: ${e.message}`.slice(0, 500) : 'the suite threw an unexpected error';
    }
    const ms = Math.max(0, this.#now() - start);
    return { suite: id, ok: error === null, ms, error };
  }
}
