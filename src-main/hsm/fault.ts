/**
 * A fault-injecting wrapper at the adapter boundary. SoftHSM tokens cannot be unplugged, so tests (and
 * ceremony dry runs that rehearse failures) wrap the real pkcs11js API and "remove" the token: from the
 * chosen moment on, every call that touches a slot or session fails with CKR_DEVICE_REMOVED, exactly as
 * pkcs11js reports a real removal, until `reinsert()`.
 */
import type { Pkcs11Api } from './module.js';

export interface FaultInjector {
  readonly api: Pkcs11Api;
  /** Simulates removal now, or after `afterCalls` further calls. */
  remove(afterCalls?: number): void;
  reinsert(): void;
  readonly calls: number;
}

const UNAFFECTED = new Set(['load', 'C_Initialize', 'C_Finalize', 'close']);

export function injectFaults(real: Pkcs11Api): FaultInjector {
  let removeAt = Number.POSITIVE_INFINITY;
  let calls = 0;
  const api = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      // Native methods must run with the real object as `this` (a Proxy receiver is an illegal invocation).
      if (UNAFFECTED.has(prop)) return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        calls++;
        if (calls > removeAt) {
          if (prop === 'C_GetSlotList') return [];
          throw new Error(`CKR_DEVICE_REMOVED:50 (${prop})`);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    api,
    remove(afterCalls = 0) {
      removeAt = calls + afterCalls;
    },
    reinsert() {
      removeAt = Number.POSITIVE_INFINITY;
    },
    get calls() {
      return calls;
    },
  };
}
