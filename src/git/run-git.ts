// The one way kiln runs git: execa without a shell (arguments never pass through one), failures
// wrapped in KilnError with the original as `cause` and git's own message.
import { execa } from 'execa';
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
  try {
    const result = await execa('git', args, {
      cwd: options.cwd,
      reject: false,
      stripFinalNewline: false,
      // Never prompt for credentials in CI; fail instead.
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      maxBuffer: 256 * 1024 * 1024,
    });
    return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    throw new KilnError('GIT_FAILED', `cannot run git in ${options.cwd}`, {
      cause: error,
      hint: 'is git installed and is the directory a git checkout?',
    });
  }
}

/** Runs git and returns stdout; a non-zero exit throws GIT_FAILED naming the command. */
export async function runGit(args: string[], options: GitOptions & { hint?: string }): Promise<string> {
  const result = await tryGit(args, options);
  if (result.exitCode !== 0) {
    const mask = options.mask ?? ((text: string) => text);
    const stderr = mask(result.stderr.trim());
    throw new KilnError('GIT_FAILED', mask(`git ${args.join(' ')} failed (exit ${result.exitCode})`), {
      cause: new Error(stderr || 'no output'),
      hint: options.hint ?? `run the command yourself in ${options.cwd} to see why`,
    });
  }
  return result.stdout;
}
