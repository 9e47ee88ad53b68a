// GitLab clones shallowly (GIT_DEPTH, 20 by default: https://docs.gitlab.com/ci/pipelines/settings/#limit-the-number-of-changes-fetched-during-clone),
// so the base of a push of many commits may be missing. Deepen step by step, within a bound, and
// say what was done; as a last resort fetch the commit itself (a force-pushed-away base is no
// longer reachable from any branch, so deepening never finds it).
import { isFullCommitSha } from '../config/git-url.js';
import { deepenUntil } from './deepen.js';
import { isShallow, resolveCommit } from './revisions.js';
import { type GitOptions, maskText, tryGit } from './run-git.js';

export interface EnsureCommitResult {
  present: boolean;
  /** Full SHA when present. */
  sha?: string;
  /** Commits of history fetched by `git fetch --deepen`. */
  deepenedBy: number;
  fetchedDirectly: boolean;
  /** One line per action, for the job log. */
  steps: string[];
}

export interface EnsureCommitOptions extends GitOptions {
  rev: string;
  /** Upper bound on the total deepening, in commits. */
  maxDeepen: number;
  remote?: string;
  /** First deepening step; doubles each time. */
  firstStep?: number;
}

export async function ensureCommitPresent(options: EnsureCommitOptions): Promise<EnsureCommitResult> {
  const remote = options.remote ?? 'origin';
  const result: EnsureCommitResult = { present: false, deepenedBy: 0, fetchedDirectly: false, steps: [] };
  const found = async () => {
    const sha = await resolveCommit(options);
    if (sha) {
      result.present = true;
      result.sha = sha;
    }
    return result.present;
  };
  if (await deepenUntil({ ...options, remote }, result, found)) return result;

  // Only a full SHA can be fetched by name from a server (uploadpack.allowAnySHA1InWant / protocol v2).
  if (isFullCommitSha(options.rev)) {
    const shallow = await isShallow(options);
    const args = ['fetch', '--quiet', '--no-tags', ...(shallow ? ['--depth=1'] : []), remote, options.rev];
    const fetch = await tryGit(args, options);
    result.fetchedDirectly = fetch.exitCode === 0;
    result.steps.push(
      fetch.exitCode === 0
        ? `fetched ${options.rev} from ${remote} directly`
        : `fetching ${options.rev} from ${remote} directly failed: ${maskText(options, fetch.stderr.trim())}`,
    );
    if (await found()) return result;
  }
  return result;
}
