/**
 * A real evidence log for verifier tests: a few hundred records written through the SQLite store
 * (checkpoints every 50 substantive records), including approvals signed by a hybrid set, then
 * exported as bundles. Deterministic keys and clock, so every run builds the same log.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApprovalRequest, requestHashOf } from '../../../src-shared/approvals/request.js';
import { signApproval } from '../../../src-shared/approvals/approve.js';
import { toBase64url } from '../../../src-shared/bytes.js';
import { getSuite, secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/index.js';
import type { BundleScope } from '../../../src-shared/verify/report.js';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { exportBundle } from '../../../src-main/evidence/export.js';
import { testSigners } from '../evidence/producer.js';

export const ORIGIN = 'qtrust.local/acme/desktop-1';
export const OTHER_ORIGIN = 'qtrust.local/other/desktop-9';
export const RECORDS = 300;
/** Every APPROVAL_EVERY-th record (from seq 7) is an approval. */
export const APPROVAL_EVERY = 40;
export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export function key(suite: 'ed25519' | 'ml-dsa-65', seed: number): SecretKeyEntry {
  const s = getSuite(suite);
  return secretKeyEntry(s.keygen(new Uint8Array(s.seedLength).fill(seed)));
}

export const PRODUCER = testSigners(1);
export const OTHER_PRODUCER = testSigners(2);
export const ALICE = [key('ed25519', 11), key('ml-dsa-65', 12)];
export const MALLORY = [key('ed25519', 66), key('ml-dsa-65', 67)];

export function approvalSeqs(): number[] {
  const out: number[] = [];
  for (let s = 7; s < RECORDS; s += APPROVAL_EVERY) out.push(s);
  return out;
}

function approvalEnvelope(i: number, signer: readonly SecretKeyEntry[]): unknown {
  const request = { action: 'deploy', resource: `prod/api-${i}`, subject: { id: 'dave' } };
  const ar = createApprovalRequest({
    request,
    requestHash: requestHashOf(request),
    policyHash: 'ab'.repeat(32),
    obligations: [{ ruleId: 'two-sre', quorum: 2, from: ['sre'], allowRequester: false }],
    requester: 'dave',
    createdAt: T0 / 1000,
    expiresAt: T0 / 1000 + 3600,
    nonce: new Uint8Array(16).fill(i),
  });
  return signApproval(ar, 'alice', signer, T0 / 1000 + 60);
}

/** The body of record `i`; `forge` makes approval `i` signed by Mallory while claiming Alice. */
export function body(i: number, forge?: number): Record<string, unknown> {
  const subject = i % 3 === 0 ? 'svc-a' : 'svc-b';
  if (i % APPROVAL_EVERY === 7) {
    return { subject, approval: approvalEnvelope(i, i === forge ? MALLORY : ALICE) };
  }
  return { subject, n: i, note: `event ${i}` };
}

/** Writes the log into a new database; returns its path. */
export async function buildLog(
  dir: string,
  options: { forge?: number; origin?: string; signers?: readonly SecretKeyEntry[] } = {},
): Promise<string> {
  const path = join(dir, 'evidence.db');
  let now = T0;
  const log = EvidenceLog.open(path, {
    origin: options.origin ?? ORIGIN,
    signers: options.signers ?? (options.origin === OTHER_ORIGIN ? OTHER_PRODUCER : PRODUCER),
    clock: () => (now += 1000),
    timer: false,
    checkpointEvery: 50,
  });
  try {
    for (let i = 0; i < RECORDS; i++) {
      await log.append(i % APPROVAL_EVERY === 7 ? 'approval' : 'decision', body(i, options.forge));
    }
  } finally {
    await log.close();
  }
  return path;
}

/** Exports a bundle of the log at `db` into `out`. */
export async function exportFrom(
  db: string,
  out: string,
  scope: BundleScope,
  origin = ORIGIN,
): Promise<void> {
  const log = EvidenceLog.open(db, {
    origin,
    signers: origin === OTHER_ORIGIN ? OTHER_PRODUCER : PRODUCER,
    timer: false,
    clock: () => T0 + 10_000_000,
  });
  try {
    await exportBundle(log, { out, scope, now: T0 + 10_000_000 });
  } finally {
    await log.close();
  }
}

function keyJson(k: SecretKeyEntry, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey), ...extra };
}

/** A trust file pinning the producer (optionally with ranges) and Alice. */
export function trustJson(
  producer: Record<string, unknown>[] = PRODUCER.map((k) => keyJson(k)),
): Record<string, unknown> {
  return {
    version: 1,
    logs: [{ origin: ORIGIN, producerKeys: producer }],
    approvers: [{ id: 'alice', keys: ALICE.map((k) => keyJson(k)) }],
  };
}

export { keyJson };

export function tempDir(prefix = 'qtrust-verify-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** A fresh copy of a bundle folder to damage. */
export function copyBundle(src: string): string {
  const dst = join(tempDir('qtrust-damaged-'), 'bundle');
  cpSync(src, dst, { recursive: true });
  return dst;
}
