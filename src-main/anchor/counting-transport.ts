/**
 * A viem transport wrapper that counts JSON-RPC requests by method: the benchmark and tests use it
 * to show that verification costs a few calls in total, not one per anchor.
 */
import type { EIP1193RequestFn, Transport } from 'viem';

export interface CallCounter {
  total: number;
  readonly byMethod: Map<string, number>;
}

export function newCallCounter(): CallCounter {
  return { total: 0, byMethod: new Map() };
}

export function countingTransport(inner: Transport, counter: CallCounter): Transport {
  return ((params: Parameters<Transport>[0]) => {
    const t = inner(params);
    const request = (async (args: { method: string; params?: unknown }, options?: unknown) => {
      counter.total++;
      counter.byMethod.set(args.method, (counter.byMethod.get(args.method) ?? 0) + 1);
      return (t.request as (a: unknown, o?: unknown) => Promise<unknown>)(args, options);
    }) as EIP1193RequestFn;
    return { ...t, request };
  }) as Transport;
}
