// Fetches a branch into refs/remotes/<remote>/<branch> (GitLab's clone fetches only the pipeline's
// own ref) and finds a merge base with it, deepening a shallow clone step by step within a bound.
import { KilnError } from '../errors.js';
import { deepenUntil } from './deepen.js';
import { isShallow, mergeBase, resolveCommit } from './revisions.js';
import { type GitOptions, maskText, tryGit } from './run-git.js';

export interface MergeBaseWithBranchResult {
  sha?: string;
  deepenedBy: number;
  steps: string[];
}

function checkBranch(branch: string): void {
  if (!branch || branch.startsWith('-') || /[\s\0~^:?*[\\]|\.\.|@\{/.test(branch)) {
    throw new KilnError('USAGE', `"${branch}" is not a valid branch name`, {
      hint: 'see git check-ref-format',
    });
  }
}

export async function mergeBaseWithBranch(
  options: GitOptions & { branch: string; head: string; maxDeepen: number; remote?: string },
): Promise<MergeBaseWithBranchResult> {
  checkBranch(options.branch);
  const remote = options.remote ?? 'origin';
  const tracking = `refs/remotes/${remote}/${options.branch}`;
  const result: MergeBaseWithBranchResult = { deepenedBy: 0, steps: [] };
  const refspec = `+refs/heads/${options.branch}:${tracking}`;
  const shallow = await isShallow(options);
  // In a shallow clone, fetch the branch shallowly too: its full history could be huge.
  const fetch = await tryGit(
    ['fetch', '--quiet', '--no-tags', ...(shallow ? ['--depth=50'] : []), remote, refspec],
    options,
  );
  if (fetch.exitCode === 0) result.steps.push(`fetched ${options.branch} from ${remote}`);
  else
    result.steps.push(
      `fetching ${options.branch} from ${remote} failed: ${maskText(options, fetch.stderr.trim())}`,
    );

  const target =
    (await resolveCommit({ ...options, rev: tracking })) ??
    (await resolveCommit({ ...options, rev: `refs/heads/${options.branch}` }));
  if (!target) return result;

  await deepenUntil({ ...options, remote, refspec, purpose: 'to find the merge base' }, result, async () => {
    result.sha = await mergeBase({ ...options, a: target, b: options.head });
    return result.sha !== undefined;
  });
  return result;
}
