/**
 * Entry point of the `qtrust` CLI (bundled by scripts/build-cli.mjs into out/cli/qtrust.mjs and
 * started by bin/qtrust.js). Binds the process's streams to the CLI's I/O interface and runs it.
 */
import packageJson from '../../package.json' with { type: 'json' };
import { COMMANDS } from './commands/index.js';
import type { CliIo } from './context.js';
import { promptHidden } from './prompt.js';
import { runCli } from './run.js';
import { tooLarge } from '../io/read-file.js';

async function readStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge('<stdin>', maxBytes);
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

// A closed pipe (`qtrust canon big.json | head -c 10`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const io: CliIo = {
  stdout: (data) => void process.stdout.write(data),
  stderr: (text) => void process.stderr.write(text),
  readStdin,
  isTTY: process.stdin.isTTY === true,
  promptHidden: (prompt) => promptHidden(process.stdin, process.stderr, prompt),
  env: process.env,
};

process.exitCode = await runCli(process.argv.slice(2), io, COMMANDS, { version: packageJson.version });
