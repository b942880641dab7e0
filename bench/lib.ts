/**
 * A tiny benchmark harness: every benchmark measures Q-Trust and a peer in the same run and
 * prints the ratio, so the numbers mean something on whatever machine runs them.
 */
import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
}

/** Runs `fn` repeatedly for at least `minMs` (after a warm-up) and returns operations per second. */
export function measure(
  name: string,
  fn: () => unknown,
  opts: { minMs?: number; warmupMs?: number } = {},
): Measurement {
  const minMs = opts.minMs ?? 1000;
  const warmupMs = opts.warmupMs ?? Math.min(300, minMs / 3);
  let sink: unknown;
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) sink = fn();
  let ops = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) sink = fn();
    ops += batch;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 10) batch *= 2;
  }
  keep(sink);
  const seconds = elapsed / 1000;
  return { name, ops, seconds, opsPerSecond: ops / seconds };
}

/** Measures an async operation, awaited one at a time. */
export async function measureAsync(
  name: string,
  fn: () => Promise<unknown>,
  opts: { minMs?: number; warmupMs?: number } = {},
): Promise<Measurement> {
  const minMs = opts.minMs ?? 1000;
  const warmEnd = performance.now() + (opts.warmupMs ?? Math.min(300, minMs / 3));
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    ops++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { name, ops, seconds, opsPerSecond: ops / seconds };
}

let blackhole: unknown;
function keep(v: unknown): void {
  blackhole = v;
}
export function lastSink(): unknown {
  return blackhole;
}

export function formatRate(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** Prints rows `name | ops/s | ratio to baseline` where the baseline is the named peer. */
export function printComparison(title: string, rows: readonly Measurement[], baseline?: string): void {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n## ${title}`);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`${'case'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${base ? `vs ${base.name}` : ''}`);
  for (const r of rows) {
    const ratio = base ? `${(r.opsPerSecond / base.opsPerSecond).toFixed(2)}x` : '';
    console.log(`${r.name.padEnd(width)}  ${formatRate(r.opsPerSecond).padStart(12)}  ${ratio}`);
  }
}
