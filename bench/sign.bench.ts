/**
 * Signature suites: keygen / sign / verify per suite, noble against node:crypto where the node
 * backend implements the operation, measured in the same run (ratio = node / noble).
 */
import { nodeSuiteBackend } from '../src-main/crypto/node-backend.js';
import { getSuite, SUITE_IDS } from '../src-shared/sign/index.js';
import { measure, printComparison, type Measurement } from './lib.js';

export default async function (): Promise<void> {
  const message = new Uint8Array(256).fill(7);
  for (const id of SUITE_IDS) {
    const suite = getSuite(id);
    const slow = suite.postQuantum;
    const minMs = slow ? 500 : 1000;
    const pair = suite.keygen(new Uint8Array(suite.seedLength).fill(3));
    const sig = suite.sign(pair.secretKey, message);
    const seed = new Uint8Array(suite.seedLength).fill(5);
    const rows: Measurement[] = [
      // Falcon keygen runs at a few per second: one short pass is enough to place it.
      measure(`${id} keygen noble`, () => suite.keygen(seed), {
        minMs: id === 'falcon-512' ? 300 : minMs,
        warmupMs: id === 'falcon-512' ? 0 : undefined,
      }),
      measure(`${id} sign noble`, () => suite.sign(pair.secretKey, message), { minMs }),
      measure(`${id} verify noble`, () => suite.verify(pair.publicKey, message, sig), { minMs }),
    ];
    const node = nodeSuiteBackend[id];
    if (node !== undefined) {
      if (id === 'ed25519')
        rows.push(measure(`${id} sign node`, () => node.sign(pair.secretKey, message), { minMs }));
      rows.push(measure(`${id} verify node`, () => node.verify(pair.publicKey, message, sig), { minMs }));
    }
    printComparison(`sign: ${id} (256-byte message)`, rows, `${id} verify noble`);
    if (node !== undefined) {
      const by = (n: string) => rows.find((r) => r.name === n)?.opsPerSecond;
      for (const op of ['sign', 'verify']) {
        const a = by(`${id} ${op} node`);
        const b = by(`${id} ${op} noble`);
        if (a !== undefined && b !== undefined)
          console.log(`ratio node/noble ${id} ${op}: ${(a / b).toFixed(2)}x`);
      }
    }
  }
}
