// The shape of a kiln subcommand and the one flag parser they share.
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
  help: boolean;
}

/** util.parseArgs with kiln's conventions: --help everywhere, unknown flags are usage errors (exit 2). */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string): ParsedFlags<O> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    const help = Boolean((values as Record<string, unknown>)['help']);
    return { values: values as ParsedFlags<O>['values'], positionals, help };
  } catch (error) {
    throw usageError((error as Error).message, `run kiln ${command} --help`);
  }
}
