/**
 * The command registry: each command is one file that exports a CommandSpec, and the list in
 * commands/index.ts is the only place that names them all. Parsing (node:util parseArgs, strict),
 * `--help`/`-h` and `--json` are handled here once, so every command behaves alike.
 */
import type { CliIo } from './context.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The option may be given several times; its value is then an array (parseArgs `multiple`). */
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder shown in help, e.g. DIR. */
  readonly value?: string;
  readonly description: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export interface CommandContext extends CliIo {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** --json was given: print data as JSON and errors as {"ok":false,...}. */
  readonly json: boolean;
}

export interface CommandSpec {
  /** Words that select the command, e.g. ['key', 'generate']. */
  readonly name: readonly string[];
  readonly summary: string;
  /** Synopsis after `qtrust `, e.g. 'hash --tag TAG [FILE|-]'. */
  readonly usage: string;
  /** Longer text for --help: behaviour, output, exit codes. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Whether the command accepts --json. */
  readonly json: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command has. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
});
export const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print output (and errors) as JSON' };

export function commandName(cmd: CommandSpec): string {
  return cmd.name.join(' ');
}

/** The command selected by the leading words of argv (longest match), and the rest of argv. */
export function findCommand(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): { command: CommandSpec; rest: string[] } | undefined {
  let best: CommandSpec | undefined;
  for (const cmd of commands) {
    if (
      cmd.name.every((w, i) => argv[i] === w) &&
      (best === undefined || cmd.name.length > best.name.length)
    ) {
      best = cmd;
    }
  }
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.name.length) };
}

/** Commands whose name starts with `prefix` (for `qtrust key` and `qtrust key --help`). */
export function commandsUnder(commands: readonly CommandSpec[], prefix: readonly string[]): CommandSpec[] {
  return commands.filter((c) => c.name.length > prefix.length && prefix.every((w, i) => c.name[i] === w));
}

export function allOptions(cmd: CommandSpec): Record<string, OptionSpec> {
  return { ...cmd.options, ...(cmd.json ? { json: JSON_OPTION } : {}), ...COMMON_OPTIONS };
}

export function commandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: qtrust ${cmd.usage}`, '', cmd.summary];
  if (cmd.description !== undefined) lines.push('', cmd.description.trimEnd());
  lines.push('', 'Options:');
  const rows = Object.entries(allOptions(cmd)).map(([name, o]) => {
    const flag = `${o.short === undefined ? '    ' : `-${o.short}, `}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.multiple === true ? ' ...' : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return `${lines.join('\n')}\n`;
}

export function listHelp(commands: readonly CommandSpec[], title: string): string {
  const width = Math.max(...commands.map((c) => commandName(c).length));
  const lines = [title, '', 'Commands:'];
  for (const c of commands) lines.push(`  ${commandName(c).padEnd(width)}  ${c.summary}`);
  return `${lines.join('\n')}\n`;
}
