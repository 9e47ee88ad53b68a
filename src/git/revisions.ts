// Questions about commits: resolve a revision, does it exist, ancestry, merge base, a file at a commit.
import { KilnError } from '../errors.js';
import { type GitOptions, maskText, runGit, tryGit, tryGitBytes } from './run-git.js';

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

/**
 * Files at commits, read by one `git cat-file --batch` (one spawn however many files); undefined
 * where the file does not exist at that commit (or is not a file).
 */
export async function showFiles(
  options: GitOptions & { files: readonly { rev: string; path: string }[] },
): Promise<(string | undefined)[]> {
  for (const file of options.files) checkRev(file.rev);
  const texts: (string | undefined)[] = options.files.map(() => undefined);
  // The batch input is one object name a line: a path with a newline cannot be asked for.
  const asked = options.files.flatMap((file, i) => (/[\n\0]/.test(file.path) ? [] : [{ file, i }]));
  if (asked.length === 0) return texts;
  const input = asked.map(({ file }) => `${file.rev}:${file.path}\n`).join('');
  const result = await tryGitBytes(['cat-file', '--batch'], { ...options, input });
  if (result.exitCode !== 0) {
    throw new KilnError('GIT_FAILED', `git cat-file --batch failed (exit ${result.exitCode})`, {
      cause: new Error(maskText(options, result.stderr.trim()) || 'no output'),
      hint: `is ${options.cwd} a git repository with these commits?`,
    });
  }
  const out = result.stdout;
  // Per object: "<oid> <type> <size>\n<content>\n", or "<name> missing\n" (git-cat-file(1), BATCH OUTPUT).
  let at = 0;
  for (const { i } of asked) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) {
      throw new KilnError('GIT_FAILED', 'git cat-file --batch ended early', {
        hint: 'run it yourself to see why',
      });
    }
    const header = /^[0-9a-f]{40,64} (\S+) (\d+)$/.exec(out.toString('utf8', at, eol));
    at = eol + 1;
    if (!header) continue; // "<name> missing" or "<name> ambiguous": no content follows
    const size = Number(header[2]);
    if (header[1] === 'blob') texts[i] = out.toString('utf8', at, at + size);
    at += size + 1;
  }
  return texts;
}

export async function isShallow(options: GitOptions): Promise<boolean> {
  return (await runGit(['rev-parse', '--is-shallow-repository'], options)).trim() === 'true';
}
