/**
 * Worker thread of the store's ThreadWriter (writer.ts): writes batches of one log in its own
 * SQLite connection, with the store's durability settings (WAL, synchronous = FULL), and answers
 * each batch after COMMIT returned. Bundled to out/cli/evidence-writer.mjs by scripts/build-cli.mjs.
 *
 * Protocol: workerData is { path, logId }; the worker posts {type:'ready'} once the database is
 * open (or {type:'failed', error}), then answers each {id, batch} with {id} or {id, error}, and on
 * {close: true} closes the connection and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqlWriter, unpackBatch, type WireBatch, type WriteReply } from './writer.js';

const port = parentPort;
if (port !== null) {
  const { path, logId } = workerData as { path: string; logId: number };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const sql = sqlWriter(db, logId);
    const conn = db;
    port.on('message', (m: { id: number; batch: WireBatch } | { close: true }) => {
      if ('close' in m) {
        conn.close();
        port.close();
        return;
      }
      let reply: WriteReply;
      try {
        sql.write(unpackBatch(m.batch));
        reply = { id: m.id };
      } catch (e) {
        const err = e as { code?: unknown; message?: unknown };
        reply = {
          id: m.id,
          error: { code: typeof err.code === 'string' ? err.code : undefined, message: String(err.message) },
        };
      }
      port.postMessage(reply);
    });
    port.postMessage({ type: 'ready' });
  } catch (e) {
    db?.close();
    port.postMessage({ type: 'failed', error: (e as Error).message });
  }
}
