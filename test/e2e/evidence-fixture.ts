/**
 * Seeds the harness tenant's evidence log through the real EvidenceLog (the same file the app's
 * EvidenceBrowser reads), and builds bundles and a trust file for the Verify spec. Record i has
 * time T0 + i seconds, so the time-filter expectations are exact.
 */
import { readFileSync, writeFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64url } from '../../src-shared/bytes.js';
import type { RecordKind } from '../../src-shared/evidence/record.js';
import { EVIDENCE_DB_FILE } from '../../src-main/cli/commands/evidence-export.js';
import { exportBundle } from '../../src-main/evidence/export.js';
import { EvidenceLog } from '../../src-main/evidence/store.js';
import { tenantDir } from '../../src-main/services/data-dir.js';
import { testSigners } from '../integration/evidence/producer.js';
import type { Harness } from './harness.js';

export const ORIGIN = 'qtrust.local/acme/desktop-1';
export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
export const PRODUCER = testSigners(7);
const ACTIONS = ['deploy', 'rotate-key', 'read-secret', 'restart'] as const;

// Approvals and grants must carry signed envelopes (the verifier checks them), so the synthetic
// log uses kinds whose body is free-form.
export function kindOf(i: number): RecordKind {
  if (i % 100 === 99) return 'policy';
  if (i % 25 === 3) return 'key';
  if (i % 10 === 1) return 'system';
  return 'decision';
}

export function bodyOf(i: number): Record<string, unknown> {
  return { subject: `svc-${i % 7}`, action: ACTIONS[i % ACTIONS.length], n: i, note: `event ${i}` };
}

export interface SeededLog {
  readonly log: EvidenceLog;
  /** Appends records with the next seqs (time T0 + seq seconds). */
  append(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function seedLog(harness: Harness, count: number): Promise<SeededLog> {
  let now = T0;
  const log = EvidenceLog.open(join(tenantDir(harness.home, harness.tenant), EVIDENCE_DB_FILE), {
    origin: ORIGIN,
    signers: PRODUCER,
    clock: () => now,
    timer: false,
    checkpointEvery: 500,
  });
  const append = async (n: number) => {
    const start = log.size + log.queued;
    const done: Promise<unknown>[] = [];
    for (let i = start; i < start + n; i++) {
      now = T0 + i * 1000;
      done.push(log.append(kindOf(i), bodyOf(i)));
    }
    await Promise.all(done);
  };
  await append(count);
  await log.checkpoint();
  return { log, append, close: () => log.close() };
}

/** Expected number of records among the first `n` whose kind is `kind`. */
export function countKind(n: number, kind: RecordKind): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (kindOf(i) === kind) c++;
  return c;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Exports the whole log as a bundle into a new folder named `name`; returns its path. */
export async function exportFull(log: EvidenceLog, name = 'acme-full-bundle'): Promise<string> {
  const out = join(tempDir('qtrust-e2e-bundle-'), name);
  await exportBundle(log, { out, scope: { type: 'full' }, now: T0 + 86_400_000 });
  return out;
}

/** A copy of `bundle` whose record `seq` has its action changed (its hash no longer matches). */
export function tamperedCopy(bundle: string, seq: number, name = 'acme-tampered-bundle'): string {
  const out = join(tempDir('qtrust-e2e-bundle-'), name);
  cpSync(bundle, out, { recursive: true });
  const path = join(out, 'records.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`{"hash":`) && l.includes(`"seq":${seq}}`));
  const index = at >= 0 ? at : lines.findIndex((l) => l.includes(`"n":${seq},`));
  if (index < 0) throw new Error(`record ${seq} not found in ${path}`);
  lines[index] = (lines[index] as string).replace(/"action":"([a-z-]+)"/, '"action":"$1-forged"');
  writeFileSync(path, lines.join('\n'));
  return out;
}

/** A trust file pinning the producer's keys for ORIGIN; returns its path. */
export function writeTrustFile(name = 'acme-trust.json'): string {
  const path = join(tempDir('qtrust-e2e-trust-'), name);
  const keys = PRODUCER.map((k) => ({ suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) }));
  writeFileSync(
    path,
    `${JSON.stringify({ version: 1, logs: [{ origin: ORIGIN, producerKeys: keys }] }, null, 2)}\n`,
  );
  return path;
}
