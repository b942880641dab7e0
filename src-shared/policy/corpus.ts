/**
 * The policy corpus runner (test/policy-corpus/, in the style of Cedar's integration tests): a corpus
 * file holds one policy and the requests to decide under it, with the expected decisions, deciding
 * rules and errors. Pure, so both the test suite and `qtrust policy test DIR` can run it.
 *
 * File format:
 *   { "description": text, "policy": document,
 *     "expectPolicyError"?: { "code", "path"? },         // the policy itself must be refused
 *     "expectWarnings"?: [{ "ruleId", "kind" }],          // checkPolicy's warnings, exactly
 *     "cases"?: [ { "name", "request", "approvals"?: { ruleId: true | false | count },
 *                   "expect"?: { "decision", "rules", "errors": [{ "ruleId", "path" }],
 *                                "obligations"?: [ruleId], "grantTtlSeconds"? },
 *                   "expectError"?: { "code", "path"? } } ] }
 */
import { isQtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { checkPolicy } from './check.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { evaluate } from './evaluate.js';
import { Reader } from './strict-json.js';
import type { Decision } from './types.js';

export interface CorpusResult {
  readonly name: string;
  readonly ok: boolean;
  /** What differed from the expectation, one line each. */
  readonly failures: readonly string[];
}

const R = new Reader('QT_CORPUS_INVALID');
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function expectError(run: () => unknown, expected: unknown, path: string): string[] {
  const o = R.object(expected, path, ['code', 'path']);
  const code = R.text(R.required(o, 'code', path), `${path}.code`, 64);
  try {
    run();
  } catch (e) {
    if (!isQtError(e)) return [`expected ${code}, got a non-QtError: ${String(e)}`];
    const failures: string[] = [];
    if (e.code !== code) failures.push(`expected error ${code}, got ${e.code}: ${e.message}`);
    if (o.has('path') && o.get('path') !== e.path) {
      failures.push(`expected error path ${JSON.stringify(o.get('path'))}, got ${JSON.stringify(e.path)}`);
    }
    return failures;
  }
  return [`expected error ${code}, but it succeeded`];
}

function compareDecision(d: Decision, expected: unknown, path: string): string[] {
  const o = R.object(expected, path, ['decision', 'rules', 'errors', 'obligations', 'grantTtlSeconds']);
  const failures: string[] = [];
  const want = {
    decision: R.required(o, 'decision', path),
    rules: R.required(o, 'rules', path),
    errors: R.required(o, 'errors', path),
  };
  if (d.decision !== want.decision)
    failures.push(`decision: expected ${String(want.decision)}, got ${d.decision}`);
  if (!same(d.rules, want.rules))
    failures.push(`rules: expected ${JSON.stringify(want.rules)}, got ${JSON.stringify(d.rules)}`);
  const gotErrors = d.errors.map((e) => ({ ruleId: e.ruleId, path: e.path }));
  if (!same(gotErrors, want.errors)) {
    failures.push(`errors: expected ${JSON.stringify(want.errors)}, got ${JSON.stringify(gotErrors)}`);
  }
  if (o.has('obligations')) {
    const got = d.obligations.map((ob) => ob.ruleId);
    if (!same(got, o.get('obligations'))) {
      failures.push(
        `obligations: expected ${JSON.stringify(o.get('obligations'))}, got ${JSON.stringify(got)}`,
      );
    }
  }
  if (o.has('grantTtlSeconds') && o.get('grantTtlSeconds') !== d.grantTtlSeconds) {
    failures.push(
      `grantTtlSeconds: expected ${String(o.get('grantTtlSeconds'))}, got ${String(d.grantTtlSeconds)}`,
    );
  }
  return failures;
}

/** Runs one case of a corpus file against a compiled policy. Throws QT_CORPUS_INVALID for a malformed case. */
export function runCorpusCase(
  compiled: CompiledPolicy,
  testCase: unknown,
  hashes: HashPrimitives = nobleHashes,
  path = '$.cases[0]',
): CorpusResult {
  const o = R.object(testCase, path, ['name', 'request', 'approvals', 'expect', 'expectError']);
  const name = R.text(R.required(o, 'name', path), `${path}.name`, 256);
  let approvals: Map<string, boolean | number> | undefined;
  if (o.has('approvals')) {
    const a = R.object(o.get('approvals'), `${path}.approvals`);
    approvals = new Map(
      [...a].map(([k, v]) => [k, typeof v === 'number' ? v : R.boolean(v, `${path}.approvals.${k}`)]),
    );
  }
  const request = R.required(o, 'request', path);
  const run = (): Decision =>
    evaluate(compiled, request, { hashes, ...(approvals === undefined ? {} : { approvals }) });
  if (o.has('expect') === o.has('expectError'))
    R.fail(path, 'needs exactly one of "expect" and "expectError"');
  const failures = o.has('expectError')
    ? expectError(run, o.get('expectError'), `${path}.expectError`)
    : compareDecision(run(), o.get('expect'), `${path}.expect`);
  return Object.freeze({ name, ok: failures.length === 0, failures: Object.freeze(failures) });
}

/** Runs a whole corpus file (parsed JSON): the policy checks first, then every case. */
export function runCorpusFile(file: unknown, hashes: HashPrimitives = nobleHashes): CorpusResult[] {
  const o = R.object(file, '$', ['description', 'policy', 'expectPolicyError', 'expectWarnings', 'cases']);
  const policy = R.required(o, 'policy', '$');
  if (o.has('expectPolicyError')) {
    const failures = expectError(
      () => compilePolicy(policy, hashes),
      o.get('expectPolicyError'),
      '$.expectPolicyError',
    );
    return [
      Object.freeze({
        name: 'policy is refused',
        ok: failures.length === 0,
        failures: Object.freeze(failures),
      }),
    ];
  }
  const compiled = compilePolicy(policy, hashes);
  const results: CorpusResult[] = [];
  if (o.has('expectWarnings')) {
    const got = checkPolicy(compiled.policy).map((w) => ({ ruleId: w.ruleId, kind: w.kind }));
    const want = o.get('expectWarnings');
    const failures = same(got, want)
      ? []
      : [`warnings: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
    results.push(
      Object.freeze({
        name: 'checkPolicy warnings',
        ok: failures.length === 0,
        failures: Object.freeze(failures),
      }),
    );
  }
  const cases = o.has('cases') ? R.array(o.get('cases'), '$.cases', 10_000) : [];
  cases.forEach((c, i) => results.push(runCorpusCase(compiled, c, hashes, `$.cases[${i}]`)));
  return results;
}
