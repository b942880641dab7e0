/**
 * Reading input files with a size cap, turning the file system's errors into QtErrors that name the
 * file (QT_IO, QT_INPUT_TOO_LARGE): a missing or unreadable file is a user's input error, not a crash.
 */
import { open } from 'node:fs/promises';
import { QtError } from '../../src-shared/errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

/** The QtError for a failed file-system call on `path`. */
export function ioError(err: unknown, path: string, verb = 'read'): QtError {
  const code = (err as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? (REASONS[code] ?? code) : 'unexpected error';
  return new QtError('QT_IO', `cannot ${verb} ${path}: ${reason}`, { path, cause: err });
}

export function tooLarge(path: string, maxBytes: number): QtError {
  return new QtError('QT_INPUT_TOO_LARGE', `${path} is larger than the limit of ${maxBytes} bytes`, { path });
}

/** Reads a whole regular file of at most `maxBytes` bytes. */
export async function readFileLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw ioError(err, path);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw ioError({ code: 'EISDIR' }, path);
    if (st.size > maxBytes) throw tooLarge(path, maxBytes);
    // Size the buffer from stat but keep reading to EOF: a file that grows while read (or a FIFO,
    // whose size is 0) is still bounded by the cap, one byte past which we stop.
    let buf = new Uint8Array(Math.min(st.size, maxBytes) + 1);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = new Uint8Array(Math.min(buf.length * 2, maxBytes + 1));
        bigger.set(buf);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) break;
      len += bytesRead;
      if (len > maxBytes) throw tooLarge(path, maxBytes);
    }
    return buf.slice(0, len);
  } catch (err) {
    if (err instanceof QtError) throw err;
    throw ioError(err, path);
  } finally {
    await fh.close();
  }
}
