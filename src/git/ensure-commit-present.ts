// GitLab clones shallowly (GIT_DEPTH, 20 by default: https://docs.gitlab.com/ci/pipelines/settings/#limit-the-number-of-changes-fetched-during-clone),
// so the base of a push of many commits may be missing. Deepen step by step, within a bound, and
// say what was done; as a last resort fetch the commit itself (a force-pushed-away base is no
// longer reachable from any branch, so deepening never finds it).
import { isShallow, resolveCommit } from './revisions.js';
import { type GitOptions, tryGit } from './run-git.js';

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
  if (await found()) return result;

  let step = options.firstStep ?? 50;
  while (result.deepenedBy < options.maxDeepen && (await isShallow(options))) {
    const n = Math.min(step, options.maxDeepen - result.deepenedBy);
    const fetch = await tryGit(['fetch', '--quiet', '--no-tags', `--deepen=${n}`, remote], options);
    if (fetch.exitCode !== 0) {
      result.steps.push(`git fetch --deepen=${n} ${remote} failed: ${mask(options, fetch.stderr.trim())}`);
      break;
    }
    result.deepenedBy += n;
    result.steps.push(`deepened the clone by ${n} commits (${result.deepenedBy} in total)`);
    if (await found()) return result;
    step *= 2;
  }

  // Only a full SHA can be fetched by name from a server (uploadpack.allowAnySHA1InWant / protocol v2).
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(options.rev)) {
    const shallow = await isShallow(options);
    const args = ['fetch', '--quiet', '--no-tags', ...(shallow ? ['--depth=1'] : []), remote, options.rev];
    const fetch = await tryGit(args, options);
    result.fetchedDirectly = fetch.exitCode === 0;
    result.steps.push(
      fetch.exitCode === 0
        ? `fetched ${options.rev} from ${remote} directly`
        : `fetching ${options.rev} from ${remote} directly failed: ${mask(options, fetch.stderr.trim())}`,
    );
    if (await found()) return result;
  }
  return result;
}

function mask(options: GitOptions, text: string): string {
  return options.mask ? options.mask(text) : text;
}
