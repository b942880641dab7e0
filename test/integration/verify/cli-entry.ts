// Test-only CLI entry: the real CLI with the evidence commands registered (until the lead adds
// them to src-main/cli/commands/index.ts), bundled with the worker by cli.test.ts.
import { COMMANDS } from '../../../src-main/cli/commands/index.js';
import { evidenceExportCommand } from '../../../src-main/cli/commands/evidence-export.js';
import { verifyCommand } from '../../../src-main/cli/commands/verify.js';
import { runCli } from '../../../src-main/cli/run.js';

const io = {
  stdout: (data: string | Uint8Array) => void process.stdout.write(data),
  stderr: (text: string) => void process.stderr.write(text),
  readStdin: async () => new Uint8Array(0),
  isTTY: false,
  promptHidden: async () => '',
  env: process.env,
};
process.exitCode = await runCli(
  process.argv.slice(2),
  io,
  [...COMMANDS, evidenceExportCommand, verifyCommand],
  {
    version: 'test',
  },
);
