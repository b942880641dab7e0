/**
 * The anchoring walk-through as a new user runs it, on real anvil chains, through the real CLI:
 * `qtrust key generate --suite secp256k1`, `qtrust anchor deploy`, `qtrust demo generate --rpc`,
 * then `qtrust verify --rpc` (docs/anchoring.md, "Trying it locally"): passing, not final, two
 * RPCs that disagree, an RPC on a closed port, a tampered trust file, no --rpc at all, bad flags.
 */
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src-main/cli/commands/index.js';
import type { CliIo } from '../../../src-main/cli/context.js';
import { runCli } from '../../../src-main/cli/run.js';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';
import { freePort } from '../../helpers/ports.js';
import { mine, rpc } from './fixture.js';

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[]): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (d) => void (stdout += typeof d === 'string' ? d : Buffer.from(d).toString()),
    stderr: (t) => void (stderr += t),
    readStdin: async () => new Uint8Array(0),
    isTTY: false,
    promptHidden: async () => '',
    env: {},
  };
  const code = await runCli(args, io, COMMANDS, { version: 'test' });
  return { code, stdout, stderr };
}

function noStack(o: Out): void {
  expect(`${o.stdout}${o.stderr}`).not.toMatch(/\n\s+at /);
}

interface Stage {
  stage: string;
  status: string;
  checked: number;
  failures: number;
  note?: string;
}
interface Report {
  ok: boolean;
  stages: Stage[];
  failures: { stage: string; code: string; treeSize?: number; message: string }[];
  cannotProve: string[];
  anchors?: { treeSize: number; status: string; blockNumber?: number; confirmations?: number }[];
}
const anchorsStage = (r: Report): Stage => r.stages.find((s) => s.stage === 'anchors') as Stage;

const RECORDS = 50;
const EVERY = 20; // checkpoints at 20, 40 and the export's at 50
let tmp: string;
let chain: Anvil;
let other: Anvil;
let keyDir: string;
let contract: string;
let publisher: string;
let demo: string;
let bundle: string;
let trustPath: string;

async function verify(extra: string[], trust = trustPath): Promise<Out & { report?: Report }> {
  const o = await run(['verify', bundle, '--trust', trust, '--workers', '0', '--json', ...extra]);
  let report: Report | undefined;
  try {
    report = JSON.parse(o.stdout) as Report;
  } catch {
    report = undefined;
  }
  return { ...o, ...(report === undefined ? {} : { report }) };
}

/** A copy of trust.json with the log's anchor section changed. */
function trustWith(name: string, change: (anchor: Record<string, unknown>) => void): string {
  const t = JSON.parse(readFileSync(trustPath, 'utf8')) as { logs: { anchor: Record<string, unknown> }[] };
  change((t.logs[0] as { anchor: Record<string, unknown> }).anchor);
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(t));
  return p;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'qtrust-anchor-cli-'));
  chain = await startAnvil();
  other = await startAnvil(); // the same chain id, another history: it must disagree
  keyDir = join(tmp, 'publisher');
  const gen = await run(['key', 'generate', '--suite', 'secp256k1', '--out', keyDir, '--insecure-plaintext']);
  expect(gen.code, gen.stderr).toBe(0);

  const deployed = await run(['anchor', 'deploy', '--rpc', chain.url, '--key', keyDir, '--json']);
  expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
  expect(deployed.stderr).toContain('anvil: funded');
  const d = JSON.parse(deployed.stdout) as {
    contract: string;
    chainId: number;
    owner: string;
    publishers: string[];
  };
  expect(d.chainId).toBe(chain.chainId);
  expect(d.contract).toMatch(/^0x[0-9a-f]{40}$/);
  expect(d.publishers).toEqual([d.owner]);
  contract = d.contract;
  publisher = d.owner;
  // The contract is really there, and the key is allowlisted on it.
  expect(await rpc(chain, 'eth_getCode', [contract, 'latest'])).not.toBe('0x');

  demo = join(tmp, 'demo');
  const g = await run([
    'demo',
    'generate',
    '--records',
    String(RECORDS),
    '--checkpoint-every',
    String(EVERY),
    '--out',
    demo,
    '--rpc',
    chain.url,
    '--chain-id',
    String(chain.chainId),
    '--contract',
    contract,
    '--publisher-key',
    keyDir,
    '--json',
  ]);
  expect(g.code, g.stderr + g.stdout).toBe(0);
  const summary = JSON.parse(g.stdout) as { checkpoints: number; anchors: Record<string, unknown> };
  expect(summary.checkpoints).toBe(3);
  expect(summary.anchors).toEqual({
    chainId: chain.chainId,
    contract,
    publisher,
    anchored: 3,
    state: 'final',
  });
  bundle = join(demo, 'bundle');
  trustPath = join(demo, 'trust.json');
  await mine(chain, 5);
}, 180_000);

afterAll(async () => {
  await chain?.stop();
  await other?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('qtrust demo generate --rpc', () => {
  it('pins the anchor section in trust.json, salt from the seed', () => {
    const t = JSON.parse(readFileSync(trustPath, 'utf8')) as { logs: { origin: string; anchor: unknown }[] };
    const log = t.logs[0] as { origin: string; anchor: Record<string, unknown> };
    expect(log.anchor).toMatchObject({
      chainId: chain.chainId,
      contract,
      publishers: [publisher],
      origin: log.origin,
      fromBlock: 0,
      confirmations: 12,
    });
    expect(log.anchor.salt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('writes the same bundle as without --rpc (anchoring happens after the export)', async () => {
    const plain = join(tmp, 'plain');
    const g = await run([
      'demo',
      'generate',
      '--records',
      String(RECORDS),
      '--checkpoint-every',
      String(EVERY),
      '--out',
      plain,
    ]);
    expect(g.code).toBe(0);
    for (const f of readdirSync(bundle)) {
      expect(readFileSync(join(plain, 'bundle', f)).equals(readFileSync(join(bundle, f))), f).toBe(true);
    }
  }, 60_000);

  it('refuses anchor flags without --rpc, and --rpc without the rest (exit 2)', async () => {
    const a = await run(['demo', 'generate', '--records', '5', '--out', join(tmp, 'x1'), '--chain-id', '1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--chain-id needs --rpc');
    const b = await run(['demo', 'generate', '--records', '5', '--out', join(tmp, 'x2'), '--rpc', chain.url]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--chain-id is required');
    const c = await run([
      'demo',
      'generate',
      '--records',
      '5',
      '--out',
      join(tmp, 'x3'),
      '--rpc',
      chain.url,
      '--chain-id',
      '31337',
      '--contract',
      '0x1234',
      '--publisher-key',
      keyDir,
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--contract must be 0x followed by 40 hex digits');
  });
});

describe('qtrust demo generate --rpc: chain trouble is found before anything is written', () => {
  async function generate(out: string, over: { chainId?: string; contract?: string; rpc?: string }) {
    return run([
      'demo',
      'generate',
      '--records',
      '5',
      '--out',
      out,
      '--rpc',
      over.rpc ?? chain.url,
      '--chain-id',
      over.chainId ?? String(chain.chainId),
      '--contract',
      over.contract ?? contract,
      '--publisher-key',
      keyDir,
    ]);
  }

  it('a publisher the contract does not allowlist, another chain id, no contract, no RPC (exit 2)', async () => {
    const d = await run([
      'anchor',
      'deploy',
      '--rpc',
      chain.url,
      '--key',
      keyDir,
      '--publisher',
      `0x${'cd'.repeat(20)}`,
      '--json',
    ]);
    expect(d.code, d.stderr).toBe(0);
    const notOurs = (JSON.parse(d.stdout) as { contract: string }).contract;
    const cases: [Parameters<typeof generate>[1], string][] = [
      [
        { contract: notOurs },
        `QT_ANCHOR_NOT_PUBLISHER: the contract ${notOurs} does not allowlist the publisher ${publisher}`,
      ],
      [
        { chainId: '5' },
        `QT_ANCHOR_CHAIN_ID: the RPC serves chain id ${chain.chainId}, but the chain id given is 5`,
      ],
      [{ contract: `0x${'ee'.repeat(20)}` }, `QT_ANCHOR_INPUT: there is no contract at 0x${'ee'.repeat(20)}`],
      [{ rpc: `http://127.0.0.1:${await freePort()}` }, 'QT_ANCHOR_RPC: the chain RPC cannot be used'],
    ];
    for (const [over, message] of cases) {
      const out = join(
        tmp,
        `refused-${String(over.chainId ?? '')}-${(over.contract ?? over.rpc ?? '').slice(-8)}`,
      );
      const o = await generate(out, over);
      expect(o.code, JSON.stringify(over)).toBe(2);
      expect(o.stderr).toContain(message);
      noStack(o);
      expect(existsSync(out), 'nothing is written').toBe(false);
    }
  });
});

describe('qtrust verify --rpc', () => {
  it('passes with every checkpoint anchored and final (exit 0)', async () => {
    const v = await verify(['--rpc', chain.url]);
    expect(v.code, v.stdout).toBe(0);
    const r = v.report as Report;
    expect(r.ok).toBe(true);
    expect(anchorsStage(r)).toMatchObject({ status: 'passed', checked: 3, failures: 0 });
    expect(anchorsStage(r).note).toContain('3 of 3 anchor(s) final');
    expect(r.anchors?.map((a) => [a.treeSize, a.status])).toEqual([
      [20, 'final'],
      [40, 'final'],
      [50, 'final'],
    ]);
    expect(r.cannotProve.join('\n')).not.toContain('anchored');
    const text = await run(['verify', bundle, '--trust', trustPath, '--workers', '0', '--rpc', chain.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/anchors\s+passed\s+3 checked/);
    expect(text.stdout).toMatch(/checkpoint 50: final, block \d+, \d+ confirmation\(s\), tx 0x[0-9a-f]{64}/);
    expect(text.stdout).toContain('result: VALID');
  });

  it('asking for more confirmations than the chain has names each checkpoint not final (exit 1)', async () => {
    const v = await verify(['--rpc', chain.url, '--confirmations', '1000000']);
    expect(v.code).toBe(1);
    const r = v.report as Report;
    expect(anchorsStage(r).status).toBe('failed');
    expect(r.failures.map((f) => [f.code, f.treeSize])).toEqual([
      ['QT_VERIFY_ANCHOR_NOT_FINAL', 20],
      ['QT_VERIFY_ANCHOR_NOT_FINAL', 40],
      ['QT_VERIFY_ANCHOR_NOT_FINAL', 50],
    ]);
    expect(r.failures[0]?.message).toContain('1000000 required');
  });

  it("the trust file's own minimum applies: a larger one there fails the same way", async () => {
    const strict = trustWith('strict.json', (a) => (a.confirmations = 1_000_000));
    const v = await verify(['--rpc', chain.url], strict);
    expect(v.code).toBe(1);
    expect(v.report?.failures.every((f) => f.code === 'QT_VERIFY_ANCHOR_NOT_FINAL')).toBe(true);
  });

  it('two RPCs that disagree fail (exit 1) without naming either URL', async () => {
    const head = Number(await rpc(chain, 'eth_blockNumber'));
    await mine(other, head + 10); // the other chain is ahead, and has none of the events
    const v = await verify(['--rpc', chain.url, '--rpc', other.url]);
    expect(v.code).toBe(1);
    const codes = v.report?.failures.map((f) => f.code);
    expect(codes).toContain('QT_VERIFY_ANCHOR_RPC_DISAGREE');
    const msg = v.report?.failures.find((f) => f.code === 'QT_VERIFY_ANCHOR_RPC_DISAGREE')?.message ?? '';
    expect(msg).toContain('rpc #1 and rpc #2 disagree');
    expect(msg).not.toContain('127.0.0.1');
    // The same RPC twice agrees with itself.
    expect((await verify(['--rpc', chain.url, '--rpc', chain.url])).code).toBe(0);
  });

  it('an RPC on a closed port is a failure with a plain sentence, not a crash (exit 1)', async () => {
    const port = await freePort();
    const v = await verify(['--rpc', `http://127.0.0.1:${port}`]);
    expect(v.code).toBe(1);
    noStack(v);
    expect(v.report?.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_RPC']);
    expect(v.report?.failures[0]?.message).toMatch(/^rpc #1 could not be queried: /);
    const text = await run([
      'verify',
      bundle,
      '--trust',
      trustPath,
      '--workers',
      '0',
      '--rpc',
      `http://127.0.0.1:${port}`,
    ]);
    expect(text.code).toBe(1);
    noStack(text);
    expect(text.stdout).toContain('[anchors] QT_VERIFY_ANCHOR_RPC: rpc #1 could not be queried');
    expect(text.stdout).toContain('result: INVALID');
  });

  it('a trust file naming another contract, publisher or chain fails (exit 1)', async () => {
    const elsewhere = trustWith('contract.json', (a) => (a.contract = `0x${'11'.repeat(20)}`));
    const w = await verify(['--rpc', chain.url], elsewhere);
    expect(w.code).toBe(1);
    expect(new Set(w.report?.failures.map((f) => f.code))).toEqual(
      new Set(['QT_VERIFY_ANCHOR_WRONG_CONTRACT']),
    );

    const stranger = trustWith('publisher.json', (a) => (a.publishers = [`0x${'22'.repeat(20)}`]));
    const p = await verify(['--rpc', chain.url], stranger);
    expect(p.code).toBe(1);
    expect(new Set(p.report?.failures.map((f) => f.code))).toEqual(new Set(['QT_VERIFY_ANCHOR_PUBLISHER']));

    const chainId = trustWith('chain.json', (a) => (a.chainId = 1));
    const c = await verify(['--rpc', chain.url], chainId);
    expect(c.code).toBe(1);
    expect(c.report?.failures.map((f) => f.code)).toEqual(['QT_VERIFY_ANCHOR_CHAIN_ID']);

    // Another salt: no commitment of this log is found at all.
    const salt = trustWith('salt.json', (a) => (a.salt = 'A'.repeat(43)));
    const s = await verify(['--rpc', chain.url], salt);
    expect(s.code).toBe(1);
    expect(s.report?.failures.map((f) => [f.code, f.treeSize])).toEqual([
      ['QT_VERIFY_ANCHOR_MISSING', 20],
      ['QT_VERIFY_ANCHOR_MISSING', 40],
      ['QT_VERIFY_ANCHOR_MISSING', 50],
    ]);
  });

  it('without --rpc the report says plainly that anchors were not checked (exit 0)', async () => {
    const v = await verify([]);
    expect(v.code).toBe(0);
    const r = v.report as Report;
    expect(anchorsStage(r)).toMatchObject({
      status: 'not-checked',
      note: 'anchors were not checked: no RPC URL was given (--rpc)',
    });
    expect(r.anchors).toBeUndefined();
    expect(r.cannotProve).toContain(
      'that the checkpoints were anchored on a chain: anchors were not checked: no RPC URL was given (--rpc)',
    );
    const text = await run(['verify', bundle, '--trust', trustPath, '--workers', '0']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/anchors\s+not-checked\s+0 checked; anchors were not checked: no RPC URL/);
  });

  it('bad flags and unusable trust files exit 2', async () => {
    const cases: [string[], string, string?][] = [
      [['--confirmations', '5'], '--confirmations needs --rpc'],
      [['--rpc', 'ftp://127.0.0.1/'], '--rpc #1 must be an http:// or https:// URL'],
      [['--rpc', 'not a url'], '--rpc #1 must be an http:// or https:// URL'],
      [['--rpc', chain.url, '--confirmations', '0'], '--confirmations must be an integer from 1 to 1000000'],
      [['--rpc', chain.url, '--confirmations', '1e3'], '--confirmations must be an integer'],
      [['--rpc', chain.url, '--confirmations', '1000001'], '--confirmations must be an integer'],
      [Array.from({ length: 9 }, () => ['--rpc', chain.url]).flat(), 'at most 8 --rpc URLs'],
    ];
    for (const [extra, message] of cases) {
      const o = await run(['verify', bundle, '--trust', trustPath, ...extra]);
      expect(o.code, extra.join(' ')).toBe(2);
      expect(o.stderr).toContain(message);
      noStack(o);
    }
    // --rpc needs an anchor section somewhere in the trust file.
    const t = JSON.parse(readFileSync(trustPath, 'utf8')) as { logs: Record<string, unknown>[] };
    delete (t.logs[0] as Record<string, unknown>).anchor;
    const bare = join(tmp, 'bare.json');
    writeFileSync(bare, JSON.stringify(t));
    const o = await run(['verify', bundle, '--trust', bare, '--rpc', chain.url]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('has no anchor section');
    // An anchor section for another origin is refused with its JSON path.
    const wrong = trustWith('origin.json', (a) => (a.origin = 'qtrust.demo/another'));
    const w = await run(['verify', bundle, '--trust', wrong]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('QT_TRUST_INVALID');
    expect(w.stderr).toContain('$.logs[0].anchor.origin');
  });
});

describe('qtrust anchor deploy', () => {
  it('allowlists the given publishers, and refuses bad flags (exit 2)', async () => {
    const extra = `0x${'ab'.repeat(20)}`;
    const d = await run([
      'anchor',
      'deploy',
      '--rpc',
      chain.url,
      '--key',
      keyDir,
      '--publisher',
      extra,
      '--publisher',
      publisher,
      '--json',
    ]);
    expect(d.code, d.stderr).toBe(0);
    const out = JSON.parse(d.stdout) as { publishers: string[]; contract: string };
    expect(out.publishers).toEqual([extra, publisher]);
    expect(out.contract).not.toBe(contract);
    for (const [args, message] of [
      [['--key', keyDir], '--rpc'],
      [['--rpc', chain.url], '--key is required'],
      [['--rpc', chain.url, '--key', keyDir, '--publisher', '0x12'], '--publisher #1 must be 0x'],
      [['--rpc', 'file:///etc/passwd', '--key', keyDir], 'must be an http:// or https:// URL'],
    ] as const) {
      const o = await run(['anchor', 'deploy', ...args]);
      expect(o.code, args.join(' ')).toBe(2);
      expect(o.stderr).toContain(message);
    }
  });

  it('an unreachable RPC is a plain error (exit 2), not a crash', async () => {
    const port = await freePort();
    const o = await run(['anchor', 'deploy', '--rpc', `http://127.0.0.1:${port}`, '--key', keyDir]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('qtrust: error QT_ANCHOR_RPC: the RPC cannot be reached');
    noStack(o);
  });
});
