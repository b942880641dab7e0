/**
 * The checkpoint body: the note text of a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) with
 * Q-Trust's extension lines, each line ending in LF:
 *
 *   <origin>
 *   <tree size, ASCII decimal, no leading zeros>
 *   <root hash, padded standard base64 of 32 bytes>
 *   prev <64 lowercase hex digits>     optional: checkpointHash of the previous checkpoint of the log
 *   time <RFC 3339 UTC timestamp>      optional: when the log signed it
 *
 * Extension lines come in this order, at most once each; any other line is refused, since a
 * verifier must never sign or accept text it does not understand. The origin follows the key-name
 * rule (printable ASCII without space or '+'); because it has no space, a note can never begin
 * like an envelope's pre-authentication encoding ("QTRUSTv1 "), so the two signed formats cannot
 * be confused even under the same key.
 */
import { aint, aplainObject, bytesToHex, hexToBytes } from '../bytes.js';
import { QtError } from '../errors.js';
import { amerkleHash } from '../merkle/hash.js';
import { decodeBase64Std, encodeBase64Std, isKeyName } from './note.js';
import { artc3339Utc, isRfc3339Utc } from './time.js';

export interface CheckpointBody {
  readonly origin: string;
  readonly treeSize: number;
  /** RFC 9162 root hash of the tree of `treeSize` leaves. */
  readonly rootHash: Uint8Array;
  /** checkpointHash of the previous checkpoint; absent on a log's first checkpoint. */
  readonly prev?: Uint8Array;
  /** RFC 3339 UTC time of signing. */
  readonly time?: string;
}

const KEYS = new Set(['origin', 'treeSize', 'rootHash', 'prev', 'time']);

/** SHA-256(""): the only root an empty tree has (RFC 9162 §2.1.1). */
const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function aemptyRoot(treeSize: number, rootHash: Uint8Array, path: string): void {
  if (treeSize === 0 && bytesToHex(rootHash) !== EMPTY_ROOT_HEX) {
    throw formatError('a checkpoint of tree size 0 must carry the empty-tree root SHA-256("")', path);
  }
}

function formatError(message: string, path: string): QtError {
  return new QtError('QT_CHECKPOINT_FORMAT', message, { path });
}

/** Checks a body object field by field and returns a frozen copy. */
export function checkCheckpointBody(value: unknown, name = 'body'): CheckpointBody {
  const o = aplainObject(value, name);
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) throw formatError(`${name}.${key} is not a checkpoint field`, `${name}.${key}`);
  }
  if (typeof o.origin !== 'string' || !isKeyName(o.origin)) {
    throw formatError(
      `${name}.origin must be 1-255 printable ASCII characters other than space and +`,
      `${name}.origin`,
    );
  }
  const body: { -readonly [K in keyof CheckpointBody]: CheckpointBody[K] } = {
    origin: o.origin,
    treeSize: aint(o.treeSize, `${name}.treeSize`),
    rootHash: amerkleHash(o.rootHash, `${name}.rootHash`).slice(),
  };
  aemptyRoot(body.treeSize, body.rootHash, `${name}.rootHash`);
  if (o.prev !== undefined) body.prev = amerkleHash(o.prev, `${name}.prev`).slice();
  if (o.time !== undefined) body.time = artc3339Utc(o.time, `${name}.time`);
  return Object.freeze(body);
}

/** The note text of a checkpoint body, final newline included. */
export function formatCheckpoint(body: CheckpointBody): string {
  const b = checkCheckpointBody(body);
  let text = `${b.origin}\n${b.treeSize}\n${encodeBase64Std(b.rootHash)}\n`;
  if (b.prev !== undefined) text += `prev ${bytesToHex(b.prev)}\n`;
  if (b.time !== undefined) text += `time ${b.time}\n`;
  return text;
}

function parseTreeSize(line: string): number {
  const path = 'body.treeSize';
  if (line.length === 0 || line.length > 16)
    throw formatError('tree size must be 1 to 16 decimal digits', path);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) throw formatError('tree size must be ASCII decimal digits only', path);
  }
  if (line.length > 1 && line[0] === '0') throw formatError('tree size must not have leading zeros', path);
  const n = Number(line);
  if (!Number.isSafeInteger(n)) throw formatError('tree size must be at most 2^53 - 1', path);
  return n;
}

/**
 * Parses the note text of a checkpoint (the part before the blank line, with its final newline).
 * Every deviation from the format above is QT_CHECKPOINT_FORMAT.
 */
export function parseCheckpointBody(text: unknown): CheckpointBody {
  if (typeof text !== 'string') throw new QtError('QT_TYPE', 'body must be a string', { path: 'body' });
  if (!text.endsWith('\n')) throw formatError('checkpoint body must end with a newline', 'body');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw formatError('checkpoint body needs origin, tree size and root hash lines', 'body');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isKeyName(origin)) {
    throw formatError(
      'origin must be 1-255 printable ASCII characters other than space and +',
      'body.origin',
    );
  }
  const rootHash = decodeBase64Std(root, 'body.rootHash');
  if (rootHash.length !== 32)
    throw formatError(`root hash must be 32 bytes, got ${rootHash.length}`, 'body.rootHash');
  const body: { -readonly [K in keyof CheckpointBody]: CheckpointBody[K] } = {
    origin,
    treeSize: parseTreeSize(size),
    rootHash,
  };
  aemptyRoot(body.treeSize, rootHash, 'body.rootHash');
  let next = 0;
  if (extensions[next]?.startsWith('prev ') === true) {
    const hex = (extensions[next] as string).slice(5);
    if (hex.length !== 64) throw formatError('prev must be 64 lowercase hex digits', 'body.prev');
    try {
      body.prev = hexToBytes(hex, 'body.prev');
    } catch (cause) {
      throw new QtError('QT_CHECKPOINT_FORMAT', 'prev must be 64 lowercase hex digits', {
        path: 'body.prev',
        cause,
      });
    }
    next++;
  }
  if (extensions[next]?.startsWith('time ') === true) {
    const time = (extensions[next] as string).slice(5);
    if (!isRfc3339Utc(time)) throw formatError('time must be an RFC 3339 UTC timestamp', 'body.time');
    body.time = time;
    next++;
  }
  if (next < extensions.length) {
    const line = extensions[next] as string;
    const what = line.length === 0 ? 'an empty line' : `the unknown line "${line.slice(0, 40)}"`;
    throw formatError(`checkpoint body has ${what} after line ${3 + next}`, `body.line[${3 + next}]`);
  }
  return Object.freeze(body);
}
