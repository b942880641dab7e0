/**
 * Small bundles built in memory with the core functions (records, RFC 9162 proofs, signed
 * checkpoints), for driving the pure pipeline (src-shared/verify) through every branch. Producer
 * and approver keys are Ed25519 from fixed seeds; everything is deterministic.
 */
import { createApprovalRequest, requestHashOf } from '../../../src-shared/approvals/request.js';
import { signApproval } from '../../../src-shared/approvals/approve.js';
import { toBase64url, utf8ToBytes, bytesToUtf8 } from '../../../src-shared/bytes.js';
import { canonicalize } from '../../../src-shared/canonical.js';
import { checkpointHash, signCheckpoint, type CheckpointBody } from '../../../src-shared/checkpoint/index.js';
import { createRecord, ZERO_HASH, type RecordKind } from '../../../src-shared/evidence/record.js';
import { nobleHashes } from '../../../src-shared/hash.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootFromLeafHashes,
} from '../../../src-shared/merkle/index.js';
import { getSuite, secretKeyEntry, type SecretKeyEntry } from '../../../src-shared/sign/index.js';
import {
  BUNDLE_FORMAT,
  MAX_LINE_BYTES,
  formatCheckpointLine,
  formatRecordLine,
  splitLines,
  type BundleManifest,
  type RawLine,
} from '../../../src-shared/bundle/index.js';
import {
  isAbout,
  parseTrust,
  verifyBundle,
  type BundleScope,
  type TrustRoots,
  type VerifyBundleOptions,
  type VerifyReport,
} from '../../../src-shared/verify/index.js';

export const LOG = 'qtrust.local/acme/desktop-1';
export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export function edKey(seed: number): SecretKeyEntry {
  return secretKeyEntry(getSuite('ed25519').keygen(new Uint8Array(32).fill(seed)));
}

export const PRODUCER = edKey(1);
export const ALICE = edKey(11);

export function keyJson(k: SecretKeyEntry, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey), ...extra };
}

/** Trust roots pinning PRODUCER for LOG (with `extra` range members) and ALICE as approver "alice". */
export function trustFor(producerKeys: Record<string, unknown>[] = [keyJson(PRODUCER)]): TrustRoots {
  return parseTrust(
    JSON.stringify({
      version: 1,
      logs: [{ origin: LOG, producerKeys }],
      approvers: [{ id: 'alice', keys: [keyJson(ALICE)] }],
    }),
  );
}

/** An approval envelope signed by `signer` as `approver`. */
export function approval(i: number, approver = 'alice', signer = ALICE): unknown {
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
  return signApproval(ar, approver, [signer], T0 / 1000 + 60);
}

export interface BuildOptions {
  /** Records in the log (default 12). */
  readonly n?: number;
  /** Tree sizes of the checkpoints (default every 4 and n). */
  readonly sizes?: readonly number[];
  readonly scope?: BundleScope;
  /** Whether checkpoints carry a time (default true). */
  readonly time?: boolean;
  /** Kind and body of record i (default: decisions about "a" (even i) or "b" (odd i)). */
  readonly record?: (i: number) => { kind: RecordKind; body: Record<string, unknown> };
  /** Keys that sign the checkpoint of each tree size (default PRODUCER). */
  readonly signers?: (treeSize: number) => readonly SecretKeyEntry[];
  readonly log?: string;
}

export interface Built {
  manifest: Record<string, unknown>;
  /** Lines without their LF. */
  records: string[];
  checkpoints: string[];
  /** Leaf hashes of the whole log. */
  leaves: Uint8Array[];
}

const text = (line: Uint8Array): string => bytesToUtf8(line.subarray(0, -1));

/** Builds the log and its bundle lines. */
export function build(o: BuildOptions = {}): Built {
  const n = o.n ?? 12;
  const log = o.log ?? LOG;
  const sizes = o.sizes ?? [...Array.from({ length: Math.floor((n - 1) / 4) }, (_, i) => (i + 1) * 4), n];
  const scope = o.scope ?? { type: 'full' };
  const make =
    o.record ?? ((i: number) => ({ kind: 'decision' as const, body: { subject: i % 2 ? 'b' : 'a', n: i } }));
  const sealed = [];
  let prev = ZERO_HASH;
  for (let seq = 0; seq < n; seq++) {
    const { kind, body } = make(seq);
    const s = createRecord({ log, seq, prev, time: T0 + seq * 1000, kind, body });
    sealed.push(s);
    prev = s.hash;
  }
  const leaves = sealed.map((s) => leafHash(s.bytes));
  const checkpoints: string[] = [];
  let prevCp: { size: number; hash: Uint8Array } | null = null;
  for (const size of sizes) {
    const body: CheckpointBody = {
      origin: log,
      treeSize: size,
      rootHash: rootFromLeafHashes(leaves.slice(0, size)),
      ...(prevCp === null ? {} : { prev: prevCp.hash }),
      ...(o.time === false ? {} : { time: new Date(T0 + size * 1000).toISOString() }),
    };
    const note = signCheckpoint(
      body,
      (o.signers?.(size) ?? [PRODUCER]).map((k) => ({ ...k, name: log })),
    );
    checkpoints.push(
      text(formatCheckpointLine(note, prevCp === null ? [] : consistencyProof(leaves, prevCp.size, size))),
    );
    prevCp = { size, hash: checkpointHash(note) };
  }
  const head = sizes[sizes.length - 1] ?? 0;
  const records: string[] = [];
  for (const s of sealed) {
    const seq = s.record.seq;
    if (scope.type === 'range' && (seq < scope.from || seq >= scope.to)) continue;
    if (scope.type === 'subject' && !isAbout(s.record.body, scope.subject)) continue;
    const proof = scope.type === 'full' ? undefined : inclusionProof(leaves, seq, head);
    records.push(text(formatRecordLine(s.record, s.hash, proof)));
  }
  const manifest = {
    format: BUNDLE_FORMAT,
    log,
    scope,
    treeSize: head,
    records: records.length,
    checkpoints: checkpoints.length,
    createdAt: '2026-11-27T00:00:00.000Z',
  } satisfies BundleManifest;
  return { manifest, records, checkpoints, leaves };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Lines as the file reader gives them: a file of the lines, each ended by LF unless `cut`. */
export function fileLines(lines: readonly string[], cut = false): AsyncIterable<RawLine> {
  const body = lines.join('\n') + (cut || lines.length === 0 ? '' : '\n');
  return splitLines(once(utf8ToBytes(body)), MAX_LINE_BYTES);
}

/** The pipeline's options (trust defaults to trustFor()), and files cut short in the middle of a line. */
export interface RunOptions extends Omit<Partial<VerifyBundleOptions>, 'hashes' | 'backend'> {
  readonly recordsCut?: boolean;
  readonly checkpointsCut?: boolean;
}

/** Runs the pipeline over a built (possibly damaged) bundle, in this thread unless `checker` says otherwise. */
export function run(b: Built, o: RunOptions = {}): Promise<VerifyReport> {
  const { recordsCut, checkpointsCut, trust, ...options } = o;
  return verifyBundle(
    {
      manifest: utf8ToBytes(canonicalize(b.manifest)),
      checkpoints: fileLines(b.checkpoints, checkpointsCut),
      records: fileLines(b.records, recordsCut),
    },
    { trust: trust ?? trustFor(), hashes: nobleHashes, backend: {}, ...options },
  );
}

/** The failures as [code, seq] pairs (and tree size for checkpoint failures). */
export function codes(r: VerifyReport): (string | number | null)[][] {
  return r.failures.map((f) => (f.treeSize === undefined ? [f.code, f.seq] : [f.code, f.seq, f.treeSize]));
}

/** A canonical JSON line with one member changed. */
export function edit(line: string, f: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(line) as Record<string, unknown>;
  f(o);
  return canonicalize(o);
}
