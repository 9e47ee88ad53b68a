// Questions about commits: resolve a revision, does it exist, ancestry, merge base, a file at a commit.
import { KilnError } from '../errors.js';
import { type GitOptions, runGit, tryGit } from './run-git.js';

/** Revisions come from flags and CI variables: refuse what git would read as an option. */
function checkRev(rev: string): void {
  if (rev === '' || rev.startsWith('-') || /[\s\0]/.test(rev)) {
    throw new KilnError('USAGE', `"${rev}" is not a git revision`, {
      hint: 'pass a commit SHA, branch or tag name (e.g. --base origin/main)',
    });
  }
}

/** The full SHA of a commit-ish, or undefined when it does not exist here. */
export async function resolveCommit(options: GitOptions & { rev: string }): Promise<string | undefined> {
  checkRev(options.rev);
  const result = await tryGit(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${options.rev}^{commit}`],
    options,
  );
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** True when `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(
  options: GitOptions & { ancestor: string; descendant: string },
): Promise<boolean> {
  checkRev(options.ancestor);
  checkRev(options.descendant);
  const result = await tryGit(['merge-base', '--is-ancestor', options.ancestor, options.descendant], options);
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new KilnError(
    'GIT_FAILED',
    `cannot tell whether ${options.ancestor} is an ancestor of ${options.descendant}`,
    {
      cause: new Error(result.stderr.trim()),
      hint: 'both commits must exist in the clone',
    },
  );
}

/** The best common ancestor of two commits, or undefined when they share no history here (shallow clone). */
export async function mergeBase(options: GitOptions & { a: string; b: string }): Promise<string | undefined> {
  checkRev(options.a);
  checkRev(options.b);
  const result = await tryGit(['merge-base', options.a, options.b], options);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** A file's content at a commit, or undefined when the file does not exist there. */
export async function showFile(
  options: GitOptions & { rev: string; path: string },
): Promise<string | undefined> {
  checkRev(options.rev);
  const result = await tryGit(['show', `${options.rev}:${options.path}`], options);
  return result.exitCode === 0 ? result.stdout : undefined;
}

export async function isShallow(options: GitOptions): Promise<boolean> {
  return (await runGit(['rev-parse', '--is-shallow-repository'], options)).trim() === 'true';
}
