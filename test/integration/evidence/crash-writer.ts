/**
 * Crash-test writer: appends to an evidence log in a loop and prints each committed seq on its own
 * line, only after `append()` resolved (the commit returned). Writes to a pipe are synchronous on
 * Linux, so a line the parent read was printed before any later crash point.
 *
 *   node --import tsx crash-writer.ts <db path> <origin> [thread]
 *
 * With `thread`, commits run in the store's writer thread (writer.ts): the first line then says
 * whether the thread really started.
 *
 * It never stops by itself: the test kills it with SIGKILL at a random moment.
 */
import { writeSync } from 'node:fs';
import { EvidenceLog } from '../../../src-main/evidence/store.js';
import { testSigners } from './producer.js';

const [path, origin, mode] = process.argv.slice(2);
if (path === undefined || origin === undefined)
  throw new Error('usage: crash-writer.ts <db> <origin> [thread]');

const log = EvidenceLog.open(path, {
  origin,
  signers: testSigners(),
  checkpointEvery: 40,
  timer: false,
  writerThread: mode === 'thread',
});
writeSync(1, `open ${log.size} ${(await log.writerThread()) ? 'thread' : 'inline'}\n`);
let round = 0;
for (;;) {
  // Vary the group size so crashes land in small and large transactions, with and without checkpoints.
  const n = 1 + ((round * 37) % 64);
  round++;
  const batch = Array.from({ length: n }, (_, i) =>
    log
      .append(i % 9 === 8 ? 'anchor' : 'decision', { round, i, pad: 'x'.repeat((i * 13) % 200) })
      .then((r) => {
        writeSync(1, `${r.seq}\n`);
      }),
  );
  await Promise.all(batch);
}
