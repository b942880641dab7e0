/**
 * `qtrust demo generate`: a realistic evidence log built through the real services (policy engine,
 * signed roster, approvals, grants, the SQLite evidence store with its checkpoints), exported as a
 * bundle with the trust file an auditor needs to verify it (docs/demo.md).
 *
 * Byte-for-byte deterministic for a given seed: every key comes from the seed (seed.ts, HKDF), all
 * choices and nonces from the seeded PRNG (prng.ts), time from a simulated clock (events.ts), and
 * every signature used is deterministic (Ed25519, ML-DSA-65 in its deterministic variant; Falcon,
 * whose signatures are randomized, is not used). Group-commit batches and checkpoints are cut at
 * fixed record counts, so the store's checkpoints fall at the same sizes and times on every run.
 * The SQLite database is a scratch file in a temporary folder, removed at the end: only the bundle
 * and trust.json are the demo's output. With `anchor` (the CLI's --rpc), every checkpoint of the
 * bundle is also anchored on chain and trust.json gets the log's anchor section (anchor.ts).
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aint, aplainObject, astring, toBase64url, utf8ToBytes } from '../../src-shared/bytes.js';
import { canonicalize } from '../../src-shared/canonical.js';
import { QtError } from '../../src-shared/errors.js';
import {
  ROSTER_PAYLOAD_TYPE,
  ROSTER_TYPE,
  signRoster,
  verifyRoster,
} from '../../src-shared/approvals/roster.js';
import { GRANT_PAYLOAD_TYPE } from '../../src-shared/grants/index.js';
import { POLICY_PAYLOAD_TYPE, compilePolicy, loadSignedPolicy } from '../../src-shared/policy/index.js';
import {
  signEnvelope,
  type PublicKeyEntry,
  type SecretKeyEntry,
  type SuiteId,
} from '../../src-shared/sign/index.js';
import { MAX_CHECKPOINT_SECONDS } from '../../src-shared/evidence/checkpoint-policy.js';
import type { AppendResult } from '../evidence/store.js';
import { EvidenceLog } from '../evidence/store.js';
import { exportBundle } from '../evidence/export.js';
import { ioError } from '../io/read-file.js';
import {
  anchorDemoLog,
  prepareDemoAnchor,
  type DemoAnchorOptions,
  type DemoAnchorSummary,
} from './anchor.js';
import { EventQueue, type SimEvent } from './events.js';
import { arrive, type DemoRecord, type FlowContext } from './flows.js';
import { PRNG_SEED_BYTES, Xoshiro128ss } from './prng.js';
import { APPROVERS, DEMO_ORIGIN, DEMO_POLICY, DEMO_START_MS, ROSTER_NAME } from './scenario.js';
import { aseed, seedBytes, seedKeySet } from './seed.js';

export const DEFAULT_SEED = 'qtrust-demo';
export const MAX_DEMO_RECORDS = 1_000_000;
export const DEFAULT_CHECKPOINT_EVERY = 1000;
export const MAX_CHECKPOINT_EVERY = 10_000;
/** Records per group commit between checkpoints. */
const FLUSH_EVERY = 1000;
const HYBRID: readonly SuiteId[] = ['ed25519', 'ml-dsa-65'];

export const BUNDLE_DIR = 'bundle';
export const TRUST_FILE = 'trust.json';

export interface DemoOptions {
  /** Records in the log (1 to 1,000,000), the policy and roster records at its start included. */
  readonly records: number;
  /** Output folder (new or empty): receives bundle/ and trust.json. */
  readonly out: string;
  /** Any text of 1 to 256 characters; DEFAULT_SEED when absent. */
  readonly seed?: string;
  /** Records per checkpoint (1 to 10,000; default 1,000). */
  readonly checkpointEvery?: number;
  /** Called after each record is appended (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Folder for the scratch database (default: the system's temporary folder). */
  readonly scratchDir?: string;
  /** Anchor every checkpoint of the bundle on this chain (anchor.ts) and pin it in trust.json. */
  readonly anchor?: DemoAnchorOptions;
}

export interface DemoSummary {
  readonly origin: string;
  readonly seed: string;
  readonly records: number;
  readonly checkpoints: number;
  readonly decisions: { readonly allow: number; readonly deny: number; readonly pending: number };
  readonly approvals: { readonly approve: number; readonly reject: number };
  readonly grants: number;
  readonly bundle: string;
  readonly trust: string;
  /** Present when the checkpoints were anchored. */
  readonly anchors?: DemoAnchorSummary;
}

/** The demo's key sets, all derived from the seed. */
export interface DemoKeys {
  readonly producer: SecretKeyEntry[];
  /** Signs the policy and the roster. */
  readonly admin: SecretKeyEntry[];
  /** Signs grants. */
  readonly issuer: SecretKeyEntry[];
  readonly approvers: ReadonlyMap<string, SecretKeyEntry[]>;
}

export function demoKeys(seed: string): DemoKeys {
  return {
    producer: seedKeySet(seed, 'producer', HYBRID),
    admin: seedKeySet(seed, 'admin', HYBRID),
    issuer: seedKeySet(seed, 'grant-issuer', HYBRID),
    approvers: new Map(
      APPROVERS.map((p) => [
        p.id,
        seedKeySet(seed, `approver/${p.id}`, p.approver?.pq === true ? HYBRID : ['ed25519']),
      ]),
    ),
  };
}

function keyJson(k: PublicKeyEntry): { suite: string; keyid: string; publicKey: string } {
  return { suite: k.suite, keyid: k.keyid, publicKey: toBase64url(k.publicKey) };
}

/** The trust file an auditor pins for the demo log (docs/formats.md, "Trust files"). */
export function demoTrust(keys: DemoKeys, anchor?: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    logs: [
      {
        origin: DEMO_ORIGIN,
        producerKeys: keys.producer.map(keyJson),
        ...(anchor === undefined ? {} : { anchor }),
      },
    ],
    approvers: APPROVERS.map((p) => ({ id: p.id, keys: (keys.approvers.get(p.id) ?? []).map(keyJson) })),
    envelopeSigners: [
      { payloadType: POLICY_PAYLOAD_TYPE, keys: keys.admin.map(keyJson) },
      { payloadType: ROSTER_PAYLOAD_TYPE, keys: keys.admin.map(keyJson) },
      { payloadType: GRANT_PAYLOAD_TYPE, keys: keys.issuer.map(keyJson) },
    ],
  };
}

function rosterDocument(keys: DemoKeys): Record<string, unknown> {
  return {
    type: ROSTER_TYPE,
    roster: ROSTER_NAME,
    version: 1,
    approvers: APPROVERS.map((p) => ({
      id: p.id,
      name: p.name,
      groups: [...p.groups],
      keys: (keys.approvers.get(p.id) ?? []).map(keyJson),
    })),
  };
}

interface Counts {
  readonly decisions: { allow: number; deny: number; pending: number };
  readonly approvals: { approve: number; reject: number };
  grants: number;
}

/** Counts what was written (a flow cut off by the record limit counts only its written part). */
function tally(counts: Counts, r: DemoRecord): void {
  const d = r.body.decision;
  if (r.kind === 'decision' && (d === 'allow' || d === 'deny' || d === 'pending')) counts.decisions[d]++;
  else if (r.kind === 'approval' && (d === 'approve' || d === 'reject')) counts.approvals[d]++;
  else if (r.kind === 'grant') counts.grants++;
}

async function emptyOut(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const entries = await readdir(dir);
    if (entries.length > 0) {
      throw new QtError('QT_BUNDLE_EXISTS', `${dir} is not empty; give a new or empty folder`, {
        path: 'out',
      });
    }
  } catch (err) {
    if (err instanceof QtError) throw err;
    throw ioError(err, dir, 'create');
  }
}

function checkOptions(options: DemoOptions): { records: number; seed: string; every: number; out: string } {
  aplainObject(options, 'options');
  const records = aint(options.records, 'records', 1, MAX_DEMO_RECORDS);
  const seed = aseed(options.seed ?? DEFAULT_SEED, 'seed');
  const every = aint(
    options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    'checkpointEvery',
    1,
    MAX_CHECKPOINT_EVERY,
  );
  const out = astring(options.out, 'out', { nonEmpty: true });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new QtError('QT_TYPE', 'onProgress must be a function', { path: 'onProgress' });
  }
  return { records, seed, every, out };
}

/** Generates the demo log, exports `<out>/bundle` and writes `<out>/trust.json`. */
export async function generateDemo(options: DemoOptions): Promise<DemoSummary> {
  const { records: total, seed, every, out } = checkOptions(options);
  // Chain trouble is found before anything is generated or written.
  const anchorPrep = options.anchor === undefined ? undefined : await prepareDemoAnchor(options.anchor);
  await emptyOut(out);
  const keys = demoKeys(seed);
  const rng = new Xoshiro128ss(seedBytes(seed, 'prng', PRNG_SEED_BYTES));
  const adminPublic = keys.admin.map(({ suite, keyid, publicKey }) => ({ suite, keyid, publicKey }));

  // The policy and the roster go through the same verification a real deployment uses.
  const policyEnvelope = signEnvelope(
    POLICY_PAYLOAD_TYPE,
    utf8ToBytes(canonicalize(DEMO_POLICY)),
    keys.admin,
  );
  const loaded = loadSignedPolicy(policyEnvelope, adminPublic);
  const rosterEnvelope = signRoster(rosterDocument(keys), keys.admin);
  const roster = verifyRoster(rosterEnvelope, adminPublic, { roster: ROSTER_NAME });

  const buffer: DemoRecord[] = [
    {
      kind: 'policy',
      time: DEMO_START_MS,
      body: {
        action: 'load',
        policy: { name: loaded.head.name, version: loaded.head.version, hash: loaded.head.hash },
        keyids: [...loaded.keyids],
        envelope: policyEnvelope as never,
      },
    },
    {
      kind: 'trust',
      time: DEMO_START_MS,
      body: {
        action: 'roster',
        roster: { name: roster.roster, version: roster.version },
        approvers: roster.approvers.map((a) => a.id),
        envelope: rosterEnvelope as never,
      },
    },
  ];
  const counts: Counts = {
    decisions: { allow: 0, deny: 0, pending: 0 },
    approvals: { approve: 0, reject: 0 },
    grants: 0,
  };
  const queue = new EventQueue();
  const ctx: FlowContext = {
    rng,
    queue,
    policy: compilePolicy(loaded.policy),
    head: loaded.head,
    roster,
    approverKeys: keys.approvers,
    issuer: keys.issuer,
    emit: (r) => buffer.push(r),
  };
  const nextArrival = (after: number): void => {
    queue.schedule(after + rng.between(2, 45) * 1000 + rng.int(1000), (t) => {
      arrive(ctx, t);
      nextArrival(t);
    });
  };
  nextArrival(DEMO_START_MS);

  const scratch = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'qtrust-demo-'));
  const bundle = join(out, BUNDLE_DIR);
  const trust = join(out, TRUST_FILE);
  let now = DEMO_START_MS;
  try {
    const log = EvidenceLog.open(join(scratch, 'evidence.db'), {
      origin: DEMO_ORIGIN,
      signers: keys.producer,
      // The simulated clock: the time of the record being appended (checkpoints take the time of
      // the last record they cover). Never the machine's clock.
      clock: () => now,
      timer: false,
      checkpointEvery: every,
      checkpointSeconds: MAX_CHECKPOINT_SECONDS,
    });
    let manifest;
    let anchored;
    try {
      let written = 0;
      let inFlight: Promise<AppendResult>[] = [];
      const settle = async (): Promise<void> => {
        await log.flush();
        await Promise.all(inFlight);
        inFlight = [];
      };
      while (written < total) {
        const r = buffer.shift();
        if (r === undefined) {
          // The queue always holds the next arrival, so it is never empty here.
          const event = queue.pop() as SimEvent;
          event.run(event.time);
          continue;
        }
        now = r.time;
        inFlight.push(log.append(r.kind, r.body));
        tally(counts, r);
        written++;
        options.onProgress?.(written, total);
        if (written % every === 0) {
          await settle();
          await log.checkpoint();
        } else if (written % FLUSH_EVERY === 0) {
          await settle();
        }
      }
      await settle();
      manifest = await exportBundle(log, { out: bundle, scope: { type: 'full' }, now });
      // After the export: every checkpoint of the bundle is anchored, and the publisher's records
      // fall after the bundle's head (see anchor.ts).
      if (anchorPrep !== undefined) {
        anchored = await anchorDemoLog(log, DEMO_ORIGIN, seed, join(scratch, 'anchors.sqlite'), anchorPrep);
      }
    } finally {
      await log.close();
    }
    await writeFile(trust, `${JSON.stringify(demoTrust(keys, anchored?.trustSection), null, 2)}\n`, {
      flag: 'wx',
      mode: 0o644,
    }).catch((err: unknown) => {
      throw ioError(err, trust, 'write');
    });
    return {
      origin: DEMO_ORIGIN,
      seed,
      records: manifest.records,
      checkpoints: manifest.checkpoints,
      decisions: { ...counts.decisions },
      approvals: { ...counts.approvals },
      grants: counts.grants,
      bundle,
      trust,
      ...(anchored === undefined ? {} : { anchors: anchored.summary }),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
