// Deepens a shallow clone step by step (the step doubles each round) until `done()` says what was
// looked for is there, the bound is reached or the clone is complete. GitLab clones shallowly
// (GIT_DEPTH, 20 by default), so bases and merge bases may lie outside the clone.
import { isShallow } from './revisions.js';
import { type GitOptions, maskText, tryGit } from './run-git.js';

export interface DeepenProgress {
  /** Commits of history fetched so far. */
  deepenedBy: number;
  /** One line per action, for the job log. */
  steps: string[];
}

export interface DeepenOptions extends GitOptions {
  remote: string;
  /** Upper bound on the total deepening, in commits. */
  maxDeepen: number;
  /** First step; doubles each round. */
  firstStep?: number;
  /** Fetch this refspec while deepening (a branch other than the clone's own). */
  refspec?: string;
  /** Appended to each step line: what the deepening is for. */
  purpose?: string;
}

/** True once `done()` is; false when the bound, a complete clone or a failed fetch stops it first. */
export async function deepenUntil(
  options: DeepenOptions,
  progress: DeepenProgress,
  done: () => Promise<boolean>,
): Promise<boolean> {
  let step = options.firstStep ?? 50;
  for (;;) {
    if (await done()) return true;
    if (progress.deepenedBy >= options.maxDeepen || !(await isShallow(options))) return false;
    const n = Math.min(step, options.maxDeepen - progress.deepenedBy);
    const refspec = options.refspec ? [options.refspec] : [];
    const fetch = await tryGit(
      ['fetch', '--quiet', '--no-tags', `--deepen=${n}`, options.remote, ...refspec],
      options,
    );
    if (fetch.exitCode !== 0) {
      progress.steps.push(
        `git fetch --deepen=${n} ${options.remote} failed: ${maskText(options, fetch.stderr.trim())}`,
      );
      return false;
    }
    progress.deepenedBy += n;
    const purpose = options.purpose ? ` ${options.purpose}` : '';
    progress.steps.push(`deepened the clone by ${n} commits (${progress.deepenedBy} in total)${purpose}`);
    step *= 2;
  }
}
