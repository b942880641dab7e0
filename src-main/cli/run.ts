/**
 * The CLI driver: selects a command, parses its options strictly, runs it, and turns every failure
 * into one line and an exit code. Errors in the user's input (QtError) print
 * `qtrust: error QT_CODE: message (at PATH)` and exit 2; anything else is a bug, printed briefly
 * (the stack only with QTRUST_DEBUG=1) with exit 70. A stack trace never reaches a user by accident.
 */
import { parseArgs } from 'node:util';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { CORE_VERSION } from '../../src-shared/version.js';
import { EXIT, type CliIo } from './context.js';
import {
  allOptions,
  commandHelp,
  commandName,
  commandsUnder,
  findCommand,
  listHelp,
  type CommandSpec,
} from './registry.js';

export interface CliInfo {
  readonly version: string;
}

const CONVENTIONS = `Conventions:
  FILE|- reads a file, or standard input when it is - (or absent and stdin is not a terminal).
  --json prints data as JSON on stdout; errors then print {"ok":false,"code","message","path"} on stdout.
  Errors print one line on stderr: qtrust: error QT_CODE: message (at JSON-PATH).

Exit codes:
  0   success
  1   verification failed (a signature or check did not hold)
  2   usage or input error (bad option, unreadable or malformed file, wrong passphrase)
  70  internal error (a bug: please report it; QTRUST_DEBUG=1 prints the stack trace)
  130 cancelled at a prompt
`;

export function globalHelp(commands: readonly CommandSpec[]): string {
  const head = listHelp(commands, 'Usage: qtrust <command> [options]\n\nQ-Trust command-line tools.');
  return `${head}\nRun 'qtrust <command> --help' for a command's options.\n\n${CONVENTIONS}`;
}

/** True when --json appears before `--`: errors in parsing are then reported as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

function usage(message: string, hint: string): QtError {
  return new QtError('QT_USAGE', `${message}; see '${hint} --help'`);
}

async function dispatch(argv: readonly string[], io: CliIo, commands: readonly CommandSpec[], info: CliInfo) {
  const first = argv[0];
  if (first === undefined) {
    io.stderr(globalHelp(commands));
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(globalHelp(commands));
    return EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`qtrust ${info.version} (core ${CORE_VERSION})\n`);
    return EXIT.ok;
  }
  const found = findCommand(commands, argv);
  if (found === undefined) {
    // `qtrust key` or `qtrust key --help`: the leading words name a group of commands.
    const end = argv.findIndex((a) => a.startsWith('-'));
    const words = end < 0 ? argv : argv.slice(0, end);
    for (let n = words.length; n > 0; n--) {
      const prefix = words.slice(0, n);
      const group = commandsUnder(commands, prefix);
      if (group.length === 0) continue;
      const groupName = `qtrust ${prefix.join(' ')}`;
      if (n === words.length && (argv.includes('--help') || argv.includes('-h'))) {
        io.stdout(listHelp(group, `Usage: ${groupName} <command> [options]`));
        return EXIT.ok;
      }
      const next = words[n];
      throw usage(
        next === undefined
          ? `${groupName}: missing command`
          : `unknown command '${groupName} ${next.slice(0, 64)}'`,
        groupName,
      );
    }
    throw usage(`unknown command '${first.slice(0, 64)}'`, 'qtrust');
  }
  const { command, rest } = found;
  const name = `qtrust ${commandName(command)}`;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: allOptions(command), allowPositionals: true, strict: true });
  } catch (e) {
    throw usage(`${name}: ${(e as Error).message.split('\n')[0] ?? 'bad arguments'}`, name);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const want = min === max ? `${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
    throw usage(
      `${name} takes ${want} argument${max === 1 ? '' : 's'}, got ${parsed.positionals.length}`,
      name,
    );
  }
  return command.run({ ...io, values, positionals: parsed.positionals, json: values.json === true });
}

/** One line: control characters (including newlines) become spaces, long messages are cut. */
function oneLine(text: string): string {
  // C0 and C1 controls and the Unicode line and paragraph separators would break the one line.
  let flat = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    flat += c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 ? ' ' : ch;
  }
  flat = flat.replace(/ {2,}/g, ' ').trim();
  return flat.length > 1000 ? `${flat.slice(0, 1000)}...` : flat;
}

export function reportError(e: unknown, io: CliIo, json: boolean): number {
  if (isQtError(e)) {
    const message = oneLine(e.message);
    const path = e.path === undefined ? undefined : oneLine(e.path);
    if (json) {
      io.stdout(
        `${JSON.stringify({ ok: false, code: e.code, message, ...(path === undefined ? {} : { path }) })}\n`,
      );
    } else {
      const where = path === undefined || message.includes(path) ? '' : ` (at ${path})`;
      io.stderr(`qtrust: error ${e.code}: ${message}${where}\n`);
    }
    return e.code === 'QT_CANCELLED' ? EXIT.cancelled : EXIT.usage;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const message = oneLine(`${err.name}: ${err.message}`);
  if (json) io.stdout(`${JSON.stringify({ ok: false, code: 'QT_INTERNAL', message })}\n`);
  io.stderr(`qtrust: internal error: ${message}; this is a bug, please report it\n`);
  if (io.env.QTRUST_DEBUG === '1' && err.stack !== undefined) io.stderr(`${err.stack}\n`);
  return EXIT.internal;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandSpec[],
  info: CliInfo,
): Promise<number> {
  try {
    return await dispatch(argv, io, commands, info);
  } catch (e) {
    return reportError(e, io, wantsJson(argv));
  }
}
