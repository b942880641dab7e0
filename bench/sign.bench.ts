/**
 * Signature suites: keygen / sign / verify per suite, noble against the node backend (node:crypto;
 * libsodium for Ed25519 verification where it loads) where it implements the operation, measured in
 * the same run (ratio = node / noble). For Ed25519 both verification engines are measured, so the
 * choice of libsodium over OpenSSL (docs/decisions.md) is checked in every run.
 */
import { ed25519Backend, ed25519Engine, nodeSuiteBackend } from '../src-main/crypto/node-backend.js';
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
      if (id === 'ed25519' && ed25519Engine() === 'libsodium') {
        const openssl = ed25519Backend('openssl');
        rows.push(
          measure(`${id} verify node, OpenSSL engine`, () => openssl.verify(pair.publicKey, message, sig), {
            minMs,
          }),
        );
      }
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
      const openssl = by(`${id} verify node, OpenSSL engine`);
      const engine = by(`${id} verify node`);
      if (openssl !== undefined && engine !== undefined)
        console.log(`ratio libsodium/OpenSSL ${id} verify: ${(engine / openssl).toFixed(2)}x`);
    }
  }
}
