// The one way kiln runs git: no shell (arguments never pass through one), failures wrapped in
// KilnError with the original as `cause` and git's own message. node:child_process rather than
// execa: selection spawns git five times or more, and execa costs ~13 ms a spawn here against
// ~4 ms (bench/selection.mjs; the 3x-of-git-diff target has no room for it).
import { execFile } from 'node:child_process';
import { KilnError } from '../errors.js';

export interface GitOptions {
  cwd: string;
  /** Masks secrets (a token in a remote URL) in error text; pass `ctx.log.mask`. */
  mask?: (text: string) => string;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs git and returns its result whatever the exit code (for questions answered by the exit code). */
export async function tryGit(args: string[], options: GitOptions): Promise<GitResult> {
  const result = await tryGitBytes(args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/**
 * tryGit with stdout as bytes, for output framed by byte counts (`git cat-file --batch`); `input`
 * is written to git's stdin.
 */
export async function tryGitBytes(
  args: string[],
  options: GitOptions & { input?: string },
): Promise<Omit<GitResult, 'stdout'> & { stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        // Never prompt for credentials in CI; fail instead. C locale: messages kiln may match on.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'buffer',
      },
      (error, stdout, stderr) => {
        const code = (error as (NodeJS.ErrnoException & { code?: unknown }) | null)?.code;
        if (error && typeof code !== 'number') {
          reject(
            new KilnError('GIT_FAILED', `cannot run git in ${options.cwd}`, {
              cause: error,
              hint: 'is git installed and does the directory exist?',
            }),
          );
          return;
        }
        resolve({ exitCode: typeof code === 'number' ? code : 0, stdout, stderr: stderr.toString('utf8') });
      },
    );
    if (options.input !== undefined) {
      // git may exit before reading it all (a bad repository); its exit code and stderr say why.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    }
  });
}

/** Masks secrets (a token in a remote URL) in git's output, when the caller gave a mask. */
export function maskText(options: GitOptions, text: string): string {
  return options.mask ? options.mask(text) : text;
}

/** Runs git and returns stdout; a non-zero exit throws GIT_FAILED naming the command. */
export async function runGit(args: string[], options: GitOptions & { hint?: string }): Promise<string> {
  const result = await tryGit(args, options);
  if (result.exitCode !== 0) {
    const stderr = maskText(options, result.stderr.trim());
    throw new KilnError(
      'GIT_FAILED',
      maskText(options, `git ${args.join(' ')} failed (exit ${result.exitCode})`),
      {
        cause: new Error(stderr || 'no output'),
        hint: options.hint ?? `run the command yourself in ${options.cwd} to see why`,
      },
    );
  }
  return result.stdout;
}
