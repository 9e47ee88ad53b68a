// The logger every command gets through the context. It masks registered secrets in every line,
// writes human output to stderr (stdout stays clean for --json) and honours NO_COLOR.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Plain result output (tables, JSON) on stdout; masked too. */
  out(message: string): void;
  /** Registers a value that must never appear in output (tokens, passwords). */
  addSecret(value: string | undefined): void;
  /** Replaces every registered secret in a text; for error text of spawned processes. */
  mask(text: string): string;
}

export interface LoggerOptions {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  color?: boolean;
  debug?: boolean;
}

const MASK = '[MASKED]';

export function createLogger(options: LoggerOptions = {}): Logger {
  const stdout = options.stdout ?? ((text) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text) => process.stderr.write(text));
  const color = options.color ?? false;
  const secrets = new Set<string>();

  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const mask = (text: string): string => {
    let masked = text;
    // Longest first so a secret containing another is masked whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      masked = masked.split(secret).join(MASK);
    }
    return masked;
  };

  return {
    info: (message) => stderr(`${mask(message)}\n`),
    warn: (message) => stderr(`${paint('33', 'warning:')} ${mask(message)}\n`),
    error: (message) => stderr(`${paint('31', 'error:')} ${mask(message)}\n`),
    debug: (message) => {
      if (options.debug) stderr(`${paint('2', `debug: ${mask(message)}`)}\n`);
    },
    out: (message) => stdout(`${mask(message)}\n`),
    addSecret: (value) => {
      // Very short values would mask unrelated text; GitLab refuses to mask under 8 characters too.
      if (value && value.length >= 6) secrets.add(value);
    },
    mask,
  };
}

/** Collects output in memory: for tests of commands. */
export function createMemoryLogger(): Logger & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const logger = createLogger({ stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return Object.assign(logger, { stdout, stderr });
}
