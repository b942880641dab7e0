/**
 * The inputs of the policy commands (`policy eval`, `approval request`, `grant issue`): a policy
 * file, a request file, and optionally the approvals to count against a `pending` decision.
 *
 * Counting approvals needs three things the command line names explicitly (docs/approvals.md,
 * "Command line"): the approval request they answer (`--approval-request`; it is never derived
 * from the approvals themselves, which would let the approvals choose what they are counted
 * against), the signed roster (`--roster`), and the roster administrators' public keys that the
 * roster must verify under (`--roster-trust`; trust never comes from the roster file itself).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonBytes, type JsonValue } from '../../src-shared/canonical.js';
import { QtError, isQtError, type QtErrorCode } from '../../src-shared/errors.js';
import {
  approvalRequestHash,
  approvalStatus,
  countApprovals,
  MAX_APPROVALS,
  parseApprovalRequest,
  parseTime,
  verifyRoster,
  type ApprovalRequest,
  type ObligationTally,
} from '../../src-shared/approvals/index.js';
import {
  compilePolicy,
  evaluate,
  parseRequest,
  type AuthzRequest,
  type CompiledPolicy,
  type Decision,
} from '../../src-shared/policy/index.js';
import { ioError, readFileLimited } from '../io/read-file.js';
import { readJsonFile, readPublicKeySetFile } from '../keys/keyfile.js';
import { MAX_POLICY_FILE_BYTES, MAX_REQUEST_FILE_BYTES, readDocumentFile } from '../policy/policy-file.js';
import { stringOption } from './input.js';
import type { OptionSpec, OptionValues } from './registry.js';

const MAX_APPROVAL_FILE_BYTES = 4 * 1024 * 1024;
const MAX_ROSTER_FILE_BYTES = 64 * 1024 * 1024;

/** Re-throws a QtError with the file's name in front of its message, keeping code and JSON path. */
export function inFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isQtError(e)) throw new QtError(e.code, `${path}: ${e.message}`, { path: e.path ?? '$', cause: e });
    throw e;
  }
}

export async function readPolicyArg(path: string): Promise<CompiledPolicy> {
  const json = await readDocumentFile(path, 'QT_POLICY_INVALID', MAX_POLICY_FILE_BYTES);
  return inFile(path, () => compilePolicy(json));
}

export async function readRequestArg(path: string): Promise<AuthzRequest> {
  const json = await readDocumentFile(path, 'QT_REQUEST_INVALID', MAX_REQUEST_FILE_BYTES);
  return inFile(path, () => parseRequest(json));
}

export async function readApprovalRequestArg(path: string): Promise<ApprovalRequest> {
  const json = await readJsonFile(path, MAX_REQUEST_FILE_BYTES, 'QT_APPROVAL_REQUEST_INVALID');
  return inFile(path, () => parseApprovalRequest(json));
}

/** Unix seconds now: `--now TIME` (YYYY-MM-DDTHH:MM:SSZ) when given, else the system clock. */
export function nowOption(values: OptionValues, command: string): number {
  const text = stringOption(values, 'now', command, true);
  if (text === undefined) return Math.floor(Date.now() / 1000);
  return parseTime(text, '--now');
}

export const NOW_OPTION: OptionSpec = {
  type: 'string',
  value: 'TIME',
  description: 'the time to use instead of the clock (YYYY-MM-DDTHH:MM:SSZ)',
};

export const APPROVAL_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  approvals: {
    type: 'string',
    value: 'DIR',
    description: 'approval envelopes (*.json) to count against a pending decision',
  },
  'approval-request': {
    type: 'string',
    value: 'FILE',
    description: 'the approval request the approvals answer (from `qtrust approval request`)',
  },
  roster: {
    type: 'string',
    value: 'FILE',
    description: 'the signed roster envelope (from `qtrust roster sign`)',
  },
  'roster-trust': {
    type: 'string',
    value: 'FILE',
    description: 'public key set (public.json) of the roster administrators; every key must have signed',
  },
  'roster-name': { type: 'string', value: 'NAME', description: 'also require this roster name' },
});

export interface ApprovalInputs {
  readonly approvalRequest: ApprovalRequest;
  readonly approvals: readonly unknown[];
  /** File name of each entry of `approvals`, for reports. */
  readonly files: readonly string[];
  readonly roster: ReturnType<typeof verifyRoster>;
}

/** The approval inputs named by APPROVAL_OPTIONS, or undefined when --approvals is absent. */
export async function readApprovalInputs(
  values: OptionValues,
  command: string,
): Promise<ApprovalInputs | undefined> {
  const dir = stringOption(values, 'approvals', command, true);
  const others = ['approval-request', 'roster', 'roster-trust', 'roster-name'].filter(
    (k) => values[k] !== undefined,
  );
  if (dir === undefined) {
    if (others.length > 0) {
      throw new QtError('QT_USAGE', `${command}: --${others[0] ?? ''} needs --approvals DIR`, {
        path: `--${others[0] ?? ''}`,
      });
    }
    return undefined;
  }
  const arPath = stringOption(values, 'approval-request', command);
  const rosterPath = stringOption(values, 'roster', command);
  const trustPath = stringOption(values, 'roster-trust', command);
  const rosterName = stringOption(values, 'roster-name', command, true);
  const approvalRequest = await readApprovalRequestArg(arPath);
  const trusted = await readPublicKeySetFile(trustPath);
  const rosterEnvelope = await readJsonFile(rosterPath, MAX_ROSTER_FILE_BYTES, 'QT_ROSTER_SIGNATURE');
  const roster = inFile(rosterPath, () =>
    verifyRoster(rosterEnvelope, trusted, rosterName === undefined ? {} : { roster: rosterName }),
  );
  const { approvals, files } = await readApprovalsDir(dir);
  return { approvalRequest, approvals, files, roster };
}

/**
 * Every `*.json` file of DIR (not recursive), in name order. A file that is not JSON is passed on
 * as its text: counting reports it as malformed instead of the whole command failing on it.
 */
export async function readApprovalsDir(dir: string): Promise<{ approvals: unknown[]; files: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw ioError(err, dir);
  }
  if (names.length > MAX_APPROVALS) {
    throw new QtError('QT_RANGE', `${dir} holds more than ${MAX_APPROVALS} approvals`, { path: dir });
  }
  const approvals: unknown[] = [];
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const bytes = await readFileLimited(path, MAX_APPROVAL_FILE_BYTES);
    let value: JsonValue | string;
    try {
      value = parseJsonBytes(bytes);
    } catch {
      value = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    }
    approvals.push(value);
    files.push(path);
  }
  return { approvals, files };
}

export interface Outcome {
  readonly decision: Decision;
  /** Present when approvals were counted. */
  readonly tallies?: readonly ObligationTally[];
  readonly approvalRequestHash?: string;
}

function mismatch(code: QtErrorCode, what: string, path: string): never {
  throw new QtError(code, `the approval request was made for another ${what} than this decision's`, { path });
}

/**
 * Evaluates the request; when it is pending and approvals are given, counts them (against the
 * decision's own obligations) and evaluates again with the result, so pending becomes allow
 * exactly when every quorum is met.
 */
export function decide(
  compiled: CompiledPolicy,
  request: AuthzRequest,
  inputs: ApprovalInputs | undefined,
  now: number,
): Outcome {
  const first = evaluate(compiled, request);
  if (inputs === undefined || first.decision !== 'pending') return { decision: first };
  const ar = inputs.approvalRequest;
  if (ar.requestHash !== first.requestHash)
    mismatch('QT_APPROVAL_REQUEST_MISMATCH', 'request', '$.requestHash');
  if (ar.policyHash !== first.policyHash) mismatch('QT_APPROVAL_REQUEST_MISMATCH', 'policy', '$.policyHash');
  const tallies = countApprovals({
    approvalRequest: ar,
    approvals: inputs.approvals,
    roster: inputs.roster,
    obligations: first.obligations,
    now,
  });
  const decision = evaluate(compiled, request, { approvals: approvalStatus(tallies) });
  return { decision, tallies, approvalRequestHash: approvalRequestHash(ar) };
}

/** The decision as JSON output (the fields `policy eval --json` promises). */
export function outcomeJson(outcome: Outcome, files: readonly string[] = []): Record<string, unknown> {
  const d = outcome.decision;
  return {
    decision: d.decision,
    rules: d.rules,
    errors: d.errors,
    policyHash: d.policyHash,
    requestHash: d.requestHash,
    obligations: d.obligations,
    ...(d.grantTtlSeconds === undefined ? {} : { grantTtlSeconds: d.grantTtlSeconds }),
    ...(outcome.tallies === undefined
      ? {}
      : {
          approvalRequestHash: outcome.approvalRequestHash,
          approvals: outcome.tallies.map((t) => ({
            ruleId: t.ruleId,
            quorum: t.quorum,
            counted: t.counted,
            rejectedBy: t.rejectedBy,
            satisfied: t.satisfied,
            ignored: t.ignored.map((i) => ({
              file: files[i.index] ?? String(i.index),
              code: i.code,
              message: i.message,
            })),
          })),
        }),
  };
}

/** The decision as text, one fact per line. */
export function outcomeText(outcome: Outcome, files: readonly string[] = []): string {
  const d = outcome.decision;
  const lines = [`decision: ${d.decision}`];
  lines.push(`rules: ${d.rules.length === 0 ? '(none: default deny)' : d.rules.join(', ')}`);
  for (const e of d.errors) lines.push(`error: rule ${e.ruleId} at ${e.path}: ${e.message}`);
  for (const o of d.obligations) {
    const tally = outcome.tallies?.find((t) => t.ruleId === o.ruleId);
    const counted =
      tally === undefined ? '' : `; counted ${tally.counted.length} (${tally.counted.join(', ') || 'none'})`;
    lines.push(
      `needs: rule ${o.ruleId}: ${o.quorum} approval${o.quorum === 1 ? '' : 's'} from ${o.from.join(', ')}` +
        `${o.allowRequester ? '' : ' (requester excluded)'}${counted}`,
    );
    for (const r of tally?.rejectedBy ?? []) lines.push(`rejected: rule ${o.ruleId} by ${r}`);
  }
  for (const t of outcome.tallies ?? []) {
    for (const i of t.ignored)
      lines.push(`ignored: rule ${t.ruleId}: ${files[i.index] ?? i.index}: ${i.code}: ${i.message}`);
  }
  if (d.grantTtlSeconds !== undefined) lines.push(`grant ttl: ${d.grantTtlSeconds} s`);
  lines.push(`policy hash: ${d.policyHash}`, `request hash: ${d.requestHash}`);
  return `${lines.join('\n')}\n`;
}
