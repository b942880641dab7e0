/**
 * A bench-only writer of large, valid evidence bundles (docs/formats.md, "Bundles"), much faster
 * than appending through the SQLite store: records are encoded by the core (encodeRecord), the
 * tree is the core's MemoryTree (RFC 9162 roots and consistency proofs), checkpoints are signed by
 * the core (signCheckpoint) with a hybrid Ed25519 + ML-DSA-65 producer set, and approvals are real
 * envelopes signed by the approver's Ed25519 key (signApproval). Only the line framing is written
 * here, directly in its RFC 8785 canonical form ({"hash","record","seq"} in key order); the bench
 * then verifies the bundle and refuses to time one that does not verify.
 *
 * Bundles are cached under os.tmpdir(), keyed by their parameters; manifest.json is written last,
 * so an interrupted generation is regenerated.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApprovalRequest, requestHashOf } from '../src-shared/approvals/request.js';
import { signApproval } from '../src-shared/approvals/approve.js';
import { bytesToHex, bytesToUtf8, toBase64url } from '../src-shared/bytes.js';
import { checkpointHash, signCheckpoint } from '../src-shared/checkpoint/index.js';
import { encodeRecord, ZERO_HASH } from '../src-shared/evidence/record.js';
import { leafHash, MemoryTree } from '../src-shared/merkle/index.js';
import { getSuite, secretKeyEntry, type SecretKeyEntry } from '../src-shared/sign/index.js';
import {
  BUNDLE_FORMAT,
  CHECKPOINTS_FILE,
  MANIFEST_FILE,
  RECORDS_FILE,
  formatCheckpointLine,
  formatManifest,
} from '../src-shared/bundle/index.js';
import { nodeSuiteBackend } from '../src-main/crypto/node-backend.js';
import { storeHashes } from '../src-main/evidence/hashes.js';

export const BENCH_LOG = 'qtrust.local/bench/verify';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
/** Distinct approval envelopes, reused in turn (each occurrence is still verified). */
const DISTINCT_APPROVALS = 1000;

export interface BundleParams {
  readonly records: number;
  readonly checkpointEvery: number;
  /** One record in `approvalEvery` carries a signed approval. */
  readonly approvalEvery: number;
}

function key(suite: 'ed25519' | 'ml-dsa-65', seed: number): SecretKeyEntry {
  const s = getSuite(suite);
  return secretKeyEntry(s.keygen(new Uint8Array(s.seedLength).fill(seed)));
}

export const BENCH_PRODUCER = [key('ed25519', 1), key('ml-dsa-65', 1)];
export const BENCH_APPROVER = key('ed25519', 11);

function keyJson(k: SecretKeyEntry): Record<string, unknown> {
  return { suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) };
}

/** The trust file an auditor of the bench log would pin. */
export function benchTrustJson(): string {
  return JSON.stringify({
    version: 1,
    logs: [{ origin: BENCH_LOG, producerKeys: BENCH_PRODUCER.map(keyJson) }],
    approvers: [{ id: 'alice', keys: [keyJson(BENCH_APPROVER)] }],
  });
}

function approvals(): unknown[] {
  return Array.from({ length: DISTINCT_APPROVALS }, (_, i) => {
    const request = { action: 'deploy', resource: `prod/api-${i}`, subject: { id: 'dave' } };
    const ar = createApprovalRequest({
      request,
      requestHash: requestHashOf(request),
      policyHash: 'ab'.repeat(32),
      obligations: [{ ruleId: 'two-sre', quorum: 2, from: ['sre'], allowRequester: false }],
      requester: 'dave',
      createdAt: T0 / 1000,
      expiresAt: T0 / 1000 + 3600,
      nonce: new Uint8Array(16).fill(i % 256),
    });
    return signApproval(ar, 'alice', [BENCH_APPROVER], T0 / 1000 + 60);
  });
}

/** Writes with back-pressure, in large chunks. */
class Out {
  readonly #stream;
  #parts: string[] = [];
  #size = 0;
  constructor(path: string) {
    this.#stream = createWriteStream(path);
  }
  async write(s: string): Promise<void> {
    this.#parts.push(s);
    this.#size += s.length;
    if (this.#size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}

/** The cached bundle folder for these parameters, generating it when missing. */
export async function benchBundle(
  p: BundleParams,
  log: (s: string) => void = () => undefined,
): Promise<string> {
  const dir = join(tmpdir(), `qtrust-bench-verify-v1-${p.records}-${p.checkpointEvery}-${p.approvalEvery}`);
  if (existsSync(join(dir, MANIFEST_FILE))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${p.records} records into ${dir} (cached for later runs)...`);
  const envelopes = approvals();
  const signers = BENCH_PRODUCER.map((k) => ({ ...k, name: BENCH_LOG }));
  const tree = new MemoryTree(storeHashes);
  const records = new Out(join(dir, RECORDS_FILE));
  const checkpoints = new Out(join(dir, CHECKPOINTS_FILE));
  let prev = ZERO_HASH;
  let prevCp: { size: number; hash: Uint8Array } | null = null;
  let cpLines = 0;
  const checkpoint = async (size: number, time: number): Promise<void> => {
    const text = signCheckpoint(
      {
        origin: BENCH_LOG,
        treeSize: size,
        rootHash: tree.root(size),
        ...(prevCp === null ? {} : { prev: prevCp.hash }),
        time: new Date(time).toISOString(),
      },
      signers,
      nodeSuiteBackend,
      storeHashes,
    );
    const proof = prevCp === null ? [] : tree.consistencyProof(prevCp.size, size);
    await checkpoints.write(bytesToUtf8(formatCheckpointLine(text, proof)));
    prevCp = { size, hash: checkpointHash(text, storeHashes) };
    cpLines++;
  };
  for (let seq = 0; seq < p.records; seq++) {
    const time = T0 + seq;
    const approval = seq % p.approvalEvery === p.approvalEvery - 1;
    const body = approval
      ? { subject: `svc-${seq % 7}`, approval: envelopes[((seq / p.approvalEvery) % DISTINCT_APPROVALS) | 0] }
      : { subject: `svc-${seq % 7}`, action: 'deploy', decision: 'allow', n: seq, note: `event ${seq}` };
    const { bytes, hash } = encodeRecord(
      { log: BENCH_LOG, seq, prev, time, kind: approval ? 'approval' : 'decision', body },
      storeHashes,
    );
    // {"hash","record","seq"}: canonical member order, and the record's own canonical bytes.
    await records.write(`{"hash":"${bytesToHex(hash)}","record":${bytesToUtf8(bytes)},"seq":${seq}}\n`);
    tree.append(leafHash(bytes, storeHashes));
    prev = hash;
    if ((seq + 1) % p.checkpointEvery === 0 || seq + 1 === p.records) await checkpoint(seq + 1, time);
  }
  await records.close();
  await checkpoints.close();
  const manifest = formatManifest({
    format: BUNDLE_FORMAT,
    log: BENCH_LOG,
    scope: { type: 'full' },
    treeSize: p.records,
    records: p.records,
    checkpoints: cpLines,
    createdAt: new Date(T0 + p.records + 1000).toISOString(),
  });
  writeFileSync(join(dir, MANIFEST_FILE), manifest);
  return dir;
}
