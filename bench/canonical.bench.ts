/**
 * Canonical JSON (RFC 8785): Q-Trust's canonicalize against the `canonicalize` npm package (5.1.0)
 * on the same documents, measured in the same run. Ours also validates (lone surrogates, unsafe
 * integers, non-plain objects, accessors, holes, depth, cycles); the peer does not.
 */
import peer from 'canonicalize';
import { canonicalize, parseJson } from '../src-shared/canonical.js';
import { measure, printComparison, type Measurement } from './lib.js';

/** Measures the cases in turn, three rounds interleaved, keeping each one's best: fairer on a busy machine. */
function bestOf(cases: readonly (readonly [string, () => unknown])[]): Measurement[] {
  const best = new Map<string, Measurement>();
  for (let round = 0; round < 3; round++) {
    for (const [name, fn] of cases) {
      const m = measure(name, fn, { minMs: 500 });
      const prev = best.get(name);
      if (prev === undefined || m.opsPerSecond > prev.opsPerSecond) best.set(name, m);
    }
  }
  return [...best.values()];
}

/** About 300 bytes canonical: an approval-like record. */
function smallDocument(): unknown {
  return {
    v: 1,
    kind: 'approval',
    requestHash: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
    approver: { keyId: 'k1-ed25519-7f3a9c', suite: 'ed25519', name: 'Alice Example' },
    decision: 'approve',
    time: 1767225600,
    nonce: 'q83vEjRWeJq83vEjRWeJqw',
    comment: 'rotate the signing key for the payments service',
  };
}

/** About 5 KB canonical: a policy-like document with nested arrays and a few non-ASCII strings. */
function largeDocument(): unknown {
  const rules = [];
  for (let i = 0; i < 24; i++) {
    rules.push({
      id: `rule-${i}`,
      effect: i % 3 === 0 ? 'forbid' : 'permit',
      actions: ['deploy', 'rotate-key', `action-${i}`],
      quorum: { m: 2 + (i % 3), n: 5, excludeRequester: true },
      ttlSeconds: 300 + i,
      weight: i / 7,
      note: i % 5 === 0 ? 'Zürich → São Paulo "quoted"\n' : 'standard',
    });
  }
  return { v: 1, kind: 'policy', name: 'production', rules, tags: { env: 'prod', owner: 'sec-team' } };
}

export default async function (): Promise<void> {
  const docs = [
    ['~300 B object', smallDocument()],
    ['~5 KB document', largeDocument()],
  ] as const;
  for (const [label, doc] of docs) {
    const text = canonicalize(doc);
    if (peer(doc) !== text) throw new Error(`${label}: outputs differ from the canonicalize package`);
    printComparison(
      `canonicalize, ${label} (${text.length} bytes)`,
      [
        measure('canonicalize@5.1.0', () => peer(doc)),
        measure('qtrust canonicalize', () => canonicalize(doc)),
      ],
      'canonicalize@5.1.0',
    );
    printComparison(
      `parse then canonicalize, ${label}`,
      bestOf([
        ['JSON.parse + canonicalize@5.1.0', () => peer(JSON.parse(text))],
        ['qtrust parseJson + canonicalize', () => canonicalize(parseJson(text))],
      ]),
      'JSON.parse + canonicalize@5.1.0',
    );
  }
}
