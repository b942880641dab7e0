/**
 * `qtrust demo generate` end to end: determinism (every output file byte for byte), the decision
 * mix, the embedded approvals and grants (re-checked with the approvals and grants modules), the
 * auditor's verifier on the output, and the command's exit codes.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSatisfied, countApprovals, verifyRoster } from '../../../src-shared/approvals/index.js';
import { ROSTER_PAYLOAD_TYPE } from '../../../src-shared/approvals/roster.js';
import { equalBytes } from '../../../src-shared/bytes.js';
import { GRANT_PAYLOAD_TYPE, MemoryReplayCache, verifyGrant } from '../../../src-shared/grants/index.js';
import { parseTrust } from '../../../src-shared/verify/index.js';
import type { PublicKeyEntry } from '../../../src-shared/sign/index.js';
import { verifyBundleDir } from '../../../src-main/evidence/verify-files.js';
import { generateDemo, type DemoSummary } from '../../../src-main/demo/generate.js';
import { createDemoGenerateCommand } from '../../../src-main/cli/commands/demo-generate.js';
import { COMMANDS } from '../../../src-main/cli/commands/index.js';
import type { CliIo } from '../../../src-main/cli/context.js';
import { runCli } from '../../../src-main/cli/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'qtrust-demo-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const fresh = (): string => join(tmp, `out-${n++}`);

/** Every file under `dir` (relative path -> bytes). */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

// Record bodies are parsed test data of several shapes, read field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
interface Line {
  record: { seq: number; kind: string; time: string; body: Body };
}
const lines = (dir: string): Line[] =>
  readFileSync(join(dir, 'bundle', 'records.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (d) => void out.push(typeof d === 'string' ? d : new TextDecoder().decode(d)),
    stderr: (t) => void err.push(t),
    readStdin: async () => new Uint8Array(0),
    isTTY: false,
    promptHidden: async () => '',
    env: {},
  };
  return { io, out, err };
}

const run = (argv: string[], io = fakeIo().io, commands = COMMANDS) =>
  runCli(argv, io, commands, { version: 'test' });

// One mid-sized log shared by the mix, embedded-artifact and verifier tests.
const big = join(tmp, 'big');
let bigSummary: DemoSummary;
beforeAll(async () => {
  bigSummary = await generateDemo({ records: 1200, out: big, seed: 'mix-check', checkpointEvery: 100 });
}, 600_000);

describe('demo generate: determinism', () => {
  it('the same seed gives identical bytes in every file; another seed differs', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await generateDemo({ records: 120, out: a, seed: 'same', checkpointEvery: 25 });
    await generateDemo({ records: 120, out: b, seed: 'same', checkpointEvery: 25 });
    await generateDemo({ records: 120, out: c, seed: 'other', checkpointEvery: 25 });
    const fa = files(a);
    const fb = files(b);
    expect([...fa.keys()].sort()).toEqual([
      'bundle/checkpoints.jsonl',
      'bundle/manifest.json',
      'bundle/records.jsonl',
      'trust.json',
    ]);
    expect([...fb.keys()].sort()).toEqual([...fa.keys()].sort());
    for (const [name, bytes] of fa) expect(equalBytes(bytes, fb.get(name) as Buffer), name).toBe(true);
    const fc = files(c);
    for (const name of ['bundle/records.jsonl', 'bundle/checkpoints.jsonl', 'trust.json']) {
      expect(equalBytes(fa.get(name) as Buffer, fc.get(name) as Buffer), name).toBe(false);
    }
  }, 300_000);
});

describe('demo generate: content', () => {
  it('writes exactly the records asked for, checkpointed at the requested interval', () => {
    const recs = lines(big);
    expect(recs).toHaveLength(1200);
    expect(recs.map((l) => l.record.seq)).toEqual(recs.map((_, i) => i));
    expect(bigSummary.records).toBe(1200);
    expect(bigSummary.checkpoints).toBe(12);
    const sizes = readFileSync(join(big, 'bundle', 'checkpoints.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => Number(/\n(\d+)\n/.exec((JSON.parse(l) as { text: string }).text)?.[1]));
    expect(sizes).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 100));
    // Record times never go backwards (a simulated clock, not the machine's).
    const times = recs.map((l) => Date.parse(l.record.time));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    expect(recs[0]?.record.kind).toBe('policy');
    expect(recs[1]?.record.kind).toBe('trust');
  });

  it('has a realistic mix of allow, deny and pending decisions, approvals, rejections and grants', () => {
    const recs = lines(big);
    const decisions = recs.filter((l) => l.record.kind === 'decision').map((l) => l.record.body.decision);
    const share = (d: string) => decisions.filter((x) => x === d).length / decisions.length;
    expect(decisions.length).toBeGreaterThan(600);
    expect(share('allow')).toBeGreaterThan(0.45);
    expect(share('allow')).toBeLessThan(0.8);
    expect(share('deny')).toBeGreaterThan(0.1);
    expect(share('deny')).toBeLessThan(0.35);
    expect(share('pending')).toBeGreaterThan(0.08);
    expect(share('pending')).toBeLessThan(0.3);
    const approvals = recs.filter((l) => l.record.kind === 'approval');
    const grants = recs.filter((l) => l.record.kind === 'grant');
    expect(approvals.length).toBeGreaterThan(100);
    expect(approvals.some((l) => l.record.body.decision === 'reject')).toBe(true);
    expect(grants.length).toBeGreaterThan(100);
    // Several approvers, some of them with a post-quantum key as well.
    const approvers = new Set(approvals.map((l) => l.record.body.approver));
    expect(approvers.size).toBeGreaterThanOrEqual(5);
    const suites = new Set(
      approvals.flatMap((l) =>
        (l.record.body.approval.signatures as { suite: string }[]).map((s) => s.suite),
      ),
    );
    expect([...suites].sort()).toEqual(['ed25519', 'ml-dsa-65']);
    expect(bigSummary.decisions.allow).toBe(decisions.filter((d) => d === 'allow').length);
    expect(bigSummary.grants).toBe(grants.length);
  });

  it('its embedded approvals count toward quorums and its grants verify under the pinned keys', () => {
    const trustJson = JSON.parse(readFileSync(join(big, 'trust.json'), 'utf8')) as {
      envelopeSigners: { payloadType: string }[];
    };
    const trust = parseTrust(JSON.stringify(trustJson));
    const admin = trust.signers.get(ROSTER_PAYLOAD_TYPE)?.[0] as readonly PublicKeyEntry[];
    const issuer = trust.signers.get(GRANT_PAYLOAD_TYPE)?.[0] as readonly PublicKeyEntry[];
    const recs = lines(big);
    const roster = verifyRoster(recs[1]?.record.body.envelope, admin, { roster: 'acme-ops' });

    const byRequest = new Map<string, { ar: unknown; approvals: unknown[]; lastTime: number }>();
    let approved = 0;
    let granted = 0;
    for (const { record } of recs) {
      const b = record.body;
      const t = Math.floor(Date.parse(record.time) / 1000);
      if (record.kind === 'decision' && b.decision === 'pending') {
        byRequest.set(b.approvalRequestHash, { ar: b.approvalRequest, approvals: [], lastTime: t });
      } else if (record.kind === 'approval') {
        const flow = byRequest.get(b.approvalRequestHash);
        expect(flow, `approval at seq ${record.seq} follows its request`).toBeDefined();
        flow!.approvals.push(b.approval);
        flow!.lastTime = t;
      } else if (record.kind === 'decision' && b.approvalRequestHash !== undefined) {
        // An allow after approvals: the approvals logged before it meet every quorum.
        const flow = byRequest.get(b.approvalRequestHash)!;
        const tallies = countApprovals({
          approvalRequest: flow.ar,
          approvals: flow.approvals,
          roster,
          obligations: b.obligations,
          now: flow.lastTime,
        });
        expect(allSatisfied(tallies)).toBe(true);
        for (const tally of tallies) expect(tally.ignored).toEqual([]);
        expect(b.decision).toBe('allow');
        approved++;
      } else if (record.kind === 'grant') {
        const g = verifyGrant(b.grant, {
          issuerKeys: issuer,
          audience: b.audience,
          requestHash: b.requestHash,
          now: t,
          replay: new MemoryReplayCache(),
        });
        expect(g.grantId).toBe(b.grantId);
        granted++;
      }
    }
    expect(approved).toBeGreaterThan(20);
    expect(granted).toBe(bigSummary.grants);
  });

  it('passes the auditor verifier with its own trust file', async () => {
    const trust = parseTrust(readFileSync(join(big, 'trust.json'), 'utf8'));
    const { report } = await verifyBundleDir(join(big, 'bundle'), { trust, workers: 0 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.stages.find((s) => s.stage === 'embedded-signatures')?.checked).toBeGreaterThan(300);
  }, 300_000);
});

describe('qtrust demo generate (CLI)', () => {
  it('generates, prints a JSON summary, and `qtrust verify` on the result exits 0', async () => {
    const out = fresh();
    const f = fakeIo();
    expect(
      await run(['demo', 'generate', '--records', '60', '--out', out, '--seed', 'cli', '--json'], f.io),
    ).toBe(0);
    const summary = JSON.parse(f.out.join('')) as DemoSummary;
    expect(summary.records).toBe(60);
    expect(summary.seed).toBe('cli');
    expect(f.err).toEqual([]);
    const v = fakeIo();
    const code = await run(
      ['verify', join(out, 'bundle'), '--trust', join(out, 'trust.json'), '--workers', '0'],
      v.io,
    );
    expect(v.out.join('')).toContain('result: VALID');
    expect(code).toBe(0);
  }, 300_000);

  it('draws progress on a terminal and clears it; text output names the verify command', async () => {
    const out = fresh();
    const f = fakeIo();
    const cmd = createDemoGenerateCommand({ stderrIsTTY: () => true });
    expect(await run(['demo', 'generate', '--records', '30', '--out', out], f.io, [cmd])).toBe(0);
    const err = f.err.join('');
    expect(err).toContain('generating: 30/30 records (100%)');
    expect(err.endsWith('\r\u001b[2K')).toBe(true);
    expect(f.out.join('')).toContain(
      `qtrust verify ${join(out, 'bundle')} --trust ${join(out, 'trust.json')}`,
    );
  }, 300_000);

  it('exits 2 on bad arguments, before writing anything', async () => {
    const used = fresh();
    mkdirSync(used);
    writeFileSync(join(used, 'x'), 'keep');
    const cases: [string[], string][] = [
      [['demo', 'generate', '--out', fresh()], '--records'],
      [['demo', 'generate', '--records', '10'], '--out'],
      [['demo', 'generate', '--records', '0', '--out', fresh()], '--records'],
      [['demo', 'generate', '--records', '-5', '--out', fresh()], '--records'],
      [['demo', 'generate', '--records', '1e3', '--out', fresh()], '--records'],
      [['demo', 'generate', '--records', '1000001', '--out', fresh()], '--records'],
      [
        ['demo', 'generate', '--records', '10', '--out', fresh(), '--checkpoint-every', '0'],
        '--checkpoint-every',
      ],
      [
        ['demo', 'generate', '--records', '10', '--out', fresh(), '--checkpoint-every', '10001'],
        '--checkpoint-every',
      ],
      [['demo', 'generate', '--records', '10', '--out', fresh(), '--seed', 'a\u0001b'], 'seed'],
      [['demo', 'generate', '--records', '10', '--out', fresh(), '--seed', ''], '--seed'],
      [['demo', 'generate', '--records', '10', '--out', used], 'out'],
      [['demo', 'generate', '--records', '10', '--out', fresh(), '--bogus'], 'bogus'],
      [['demo', 'generate', '--records', '10', '--out', fresh(), 'extra'], 'argument'],
    ];
    for (const [argv, mention] of cases) {
      const f = fakeIo();
      expect(await run([...argv, '--json'], f.io), argv.join(' ')).toBe(2);
      const e = JSON.parse(f.out.join('')) as { ok: boolean; code: string; message: string; path?: string };
      expect(e.ok).toBe(false);
      expect(`${e.message} ${e.path ?? ''}`).toContain(mention);
    }
    expect(readdirSync(used)).toEqual(['x']);
  });

  it('the API refuses hostile options', async () => {
    for (const [opts, code] of [
      [{ records: 0, out: fresh() }, 'QT_RANGE'],
      [{ records: 1.5, out: fresh() }, 'QT_TYPE'],
      [{ records: '10', out: fresh() }, 'QT_TYPE'],
      [{ records: 10, out: '' }, 'QT_RANGE'],
      [{ records: 10, out: 7 }, 'QT_TYPE'],
      [{ records: 10, out: fresh(), seed: 42 }, 'QT_TYPE'],
      [{ records: 10, out: fresh(), checkpointEvery: 0 }, 'QT_RANGE'],
      [{ records: 10, out: fresh(), onProgress: 'yes' }, 'QT_TYPE'],
    ] as const) {
      await expect(generateDemo(opts as never)).rejects.toMatchObject({ code });
    }
    await expect(generateDemo(null as never)).rejects.toMatchObject({ code: 'QT_TYPE' });
  });
});
