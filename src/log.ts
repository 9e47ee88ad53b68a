// The logger every command gets through the context. It masks registered secrets in every line,
// writes human output to stderr (stdout stays clean for --json) and honours NO_COLOR. In a GitLab
// job it puts each long step in a collapsible log section with its duration
// (https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections).

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
  /**
   * Runs one step inside a log section: GitLab's section markers around its lines when sections
   * are on, nothing added otherwise. The markers are balanced even when the step throws.
   */
  section<T>(title: string, run: (log: Logger) => Promise<T>, options?: SectionOptions): Promise<T>;
}

export interface SectionOptions {
  /** Folded in GitLab's log until clicked: for noisy steps. */
  collapsed?: boolean;
  /**
   * For steps that run side by side: the section's lines are held and written whole when it
   * ends (with the time it really started), so parallel sections never interleave.
   */
  buffered?: boolean;
}

export interface LoggerOptions {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  color?: boolean;
  debug?: boolean;
  /** GitLab log sections (on in a GitLab job). */
  sections?: boolean;
  /** Milliseconds since the epoch; for the sections' timestamps and durations. */
  clock?: () => number;
}

const MASK = '[MASKED]';

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = new Set<string>();
  const mask = (text: string): string => {
    let masked = text;
    // Longest first so a secret containing another is masked whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      masked = masked.split(secret).join(MASK);
    }
    return masked;
  };
  const shared: Shared = {
    secrets,
    mask,
    color: options.color ?? false,
    debug: options.debug ?? false,
    sections: options.sections ?? false,
    clock: options.clock ?? Date.now,
    count: 0,
  };
  return writerLogger(
    shared,
    options.stdout ?? ((text) => process.stdout.write(text)),
    options.stderr ?? ((text) => process.stderr.write(text)),
  );
}

/** What a logger and the loggers of its sections share. */
interface Shared {
  secrets: Set<string>;
  mask: (text: string) => string;
  color: boolean;
  debug: boolean;
  sections: boolean;
  clock: () => number;
  /** Sections opened so far: each gets a unique name. */
  count: number;
}

/** GitLab's section name: letters, digits, `_`, `.` and `-`. */
function sectionName(n: number, title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return `kiln_${n}_${slug || 'step'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function writerLogger(
  shared: Shared,
  stdout: (text: string) => void,
  stderr: (text: string) => void,
): Logger {
  const { mask } = shared;
  const paint = (code: string, text: string) => (shared.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const logger: Logger = {
    info: (message) => stderr(`${mask(message)}\n`),
    warn: (message) => stderr(`${paint('33', 'warning:')} ${mask(message)}\n`),
    error: (message) => stderr(`${paint('31', 'error:')} ${mask(message)}\n`),
    debug: (message) => {
      if (shared.debug) stderr(`${paint('2', `debug: ${mask(message)}`)}\n`);
    },
    out: (message) => stdout(`${mask(message)}\n`),
    addSecret: (value) => {
      // Very short values would mask unrelated text; GitLab refuses to mask under 8 characters too.
      if (value && value.length >= 6) shared.secrets.add(value);
    },
    mask,
    async section(title, run, options = {}) {
      if (!shared.sections) return run(logger);
      const name = sectionName(++shared.count, mask(title));
      const started = shared.clock();
      // A buffered section writes to memory until it ends; stdout stays the caller's (results).
      const held: string[] = [];
      const write = options.buffered ? (text: string) => held.push(text) : stderr;
      const inner = options.buffered ? writerLogger(shared, stdout, write) : logger;
      const open = (at: number) =>
        `\u001b[0Ksection_start:${Math.floor(at / 1000)}:${name}${options.collapsed ? '[collapsed=true]' : ''}\r\u001b[0K${paint('36;1', mask(title))}\n`;
      if (!options.buffered) stderr(open(started));
      const close = (failed: boolean) => {
        const ended = shared.clock();
        const line = `${mask(title)}: ${failed ? 'failed' : 'done'} in ${seconds(ended - started)}`;
        write(`${paint(failed ? '31' : '2', line)}\n`);
        write(`\u001b[0Ksection_end:${Math.floor(ended / 1000)}:${name}\r\u001b[0K\n`);
        if (options.buffered) stderr(open(started) + held.join(''));
      };
      try {
        const result = await run(inner);
        close(false);
        return result;
      } catch (error) {
        close(true);
        throw error;
      }
    },
  };
  return logger;
}

/** Collects output in memory: for tests of commands. */
export function createMemoryLogger(
  options: Pick<LoggerOptions, 'sections' | 'clock' | 'color'> = {},
): Logger & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const logger = createLogger({ ...options, stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return Object.assign(logger, { stdout, stderr });
}
