// The shape of a kiln subcommand and the one flag parser they share. `--help` is answered by the
// CLI entry (src/cli.ts) before a command runs, so commands only parse their own flags.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Returns the exit code; throws KilnError for failures the user can fix. */
  run(argv: string[], ctx: Context): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/**
 * util.parseArgs with kiln's conventions: unknown flags and (unless `positionals` is set) stray
 * arguments are usage errors (exit 2) that point at `kiln <command> --help`.
 */
export function parseFlags<O extends Options>(
  argv: string[],
  options: O,
  command: string,
  { positionals: allowPositionals = false }: { positionals?: boolean } = {},
): ParsedFlags<O> {
  const hint = `run kiln ${command} --help`;
  let parsed: ParsedFlags<O>;
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    parsed = { values: values as ParsedFlags<O>['values'], positionals };
  } catch (error) {
    throw usageError((error as Error).message, hint);
  }
  if (!allowPositionals && parsed.positionals.length > 0) {
    throw usageError(`unexpected argument "${parsed.positionals[0]}"`, hint);
  }
  return parsed;
}

/** True when argv asks for help; the entry then prints the command's help instead of running it. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
