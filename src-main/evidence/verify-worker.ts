/**
 * Worker thread of the verifier's pool (verify-pool.ts): runs the order-independent record checks
 * (src-shared/verify/record-line.ts) on batches of lines with node:crypto's hashes and signature
 * backend. Bundled to out/cli/verify-worker.mjs by scripts/build-cli.mjs.
 *
 * Protocol: workerData.ctx is the LineContext; the worker posts {type:'ready'} once loaded, then
 * answers each {id, lines} with {id, results} (or {id, error} should a check throw, which would be
 * a bug: every damage is a failure in the results). Lines and results travel packed
 * (verify-wire.ts), their buffers transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkRecordLine, type LineContext } from '../../src-shared/verify/record-line.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import { storeHashes } from './hashes.js';
import { decodeLines, encodeResults, transferList, type WireLines } from './verify-wire.js';

const port = parentPort;
if (port !== null) {
  const ctx = (workerData as { ctx: LineContext }).ctx;
  port.on('message', (m: { id: number; lines: WireLines }) => {
    try {
      const lines = decodeLines(m.lines);
      const results = encodeResults(lines.map((l) => checkRecordLine(l, ctx, storeHashes, nodeSuiteBackend)));
      port.postMessage({ id: m.id, results }, transferList(results));
    } catch (e) {
      port.postMessage({ id: m.id, error: (e as Error).message });
    }
  });
  port.postMessage({ type: 'ready' });
}
