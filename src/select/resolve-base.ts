// Which commits to compare for push and merge-request pipelines, and what was done to get there.
// The order of preference, each falling back to the next with a note:
//   push: --base > last successful push pipeline (GitLab API, with a token) > CI_COMMIT_BEFORE_SHA
//         > (all-zero before SHA) merge base with the default branch > every project
//   mr:   --base > CI_MERGE_REQUEST_DIFF_BASE_SHA > merge base with the target branch
//   local (no CI): --base > the parent of head
import type { CiEnv } from '../ci/ci-env.js';
import type { Context } from '../context.js';
import { KilnError } from '../errors.js';
import { ensureCommitPresent } from '../git/ensure-commit-present.js';
import { mergeBaseWithBranch } from '../git/fetch-branch.js';
import { isAncestor, resolveCommit } from '../git/revisions.js';
import type { Trigger } from '../types.js';

export type ResolvedRange = { head: string; notes: string[] } & (
  | {
      base: string;
      /** The base was fetched on its own (depth 1): its history is not here, ancestry is unknown. */
      fetchedAlone: boolean;
    }
  | { all: string }
);

export interface ResolveBaseInput {
  ctx: Context;
  root: string;
  ci: CiEnv;
  trigger: Extract<Trigger, 'push' | 'mr'>;
  flags: { base?: string; head?: string };
  /** Returns the last successful pipeline's SHA or undefined, throws on API failure; absent = no token. */
  lastSuccessful?: () => Promise<{ id: number; sha: string } | undefined>;
  maxDeepen: number;
}

type Candidate = { rev: string; label: string; explicit?: boolean } | { branch: string; label: string };

/** The commit selection compares up to: --head, else the pipeline's commit, else the checkout. */
export function headRevision(flags: { head?: string }, ci: CiEnv): string {
  return flags.head ?? ci.commitSha ?? 'HEAD';
}

export async function resolveBase(input: ResolveBaseInput): Promise<ResolvedRange> {
  const git = { cwd: input.root, mask: input.ctx.log.mask };
  const notes: string[] = [];
  const headRev = headRevision(input.flags, input.ci);
  const head = await resolveCommit({ ...git, rev: headRev });
  if (!head) {
    throw new KilnError('REF_NOT_FOUND', `head commit ${headRev} is not in the clone at ${input.root}`, {
      hint: input.flags.head ? 'check --head' : 'run kiln in the checkout of the pipeline commit',
    });
  }

  for (const candidate of await candidates(input, head, notes)) {
    if ('branch' in candidate) {
      const found = await mergeBaseWithBranch({
        ...git,
        branch: candidate.branch,
        head,
        maxDeepen: input.maxDeepen,
      });
      notes.push(...found.steps);
      if (found.sha) return finish({ head, base: found.sha, notes }, `${candidate.label} (${found.sha})`);
      notes.push(`no merge base with ${candidate.branch} found within ${input.maxDeepen} commits`);
      continue;
    }
    const present = await ensureCommitPresent({ ...git, rev: candidate.rev, maxDeepen: input.maxDeepen });
    notes.push(...present.steps);
    if (present.sha) {
      const label = `${candidate.label} (${present.sha})`;
      return finish({ head, base: present.sha, notes }, label, present.fetchedDirectly);
    }
    if ('explicit' in candidate && candidate.explicit) {
      throw new KilnError(
        'REF_NOT_FOUND',
        `base ${candidate.rev} is not in the clone, even after deepening`,
        {
          hint: 'check --base, or fetch more history (git fetch --unshallow)',
        },
      );
    }
    notes.push(
      `${candidate.label} ${candidate.rev} is not in the clone even after deepening; trying the next base`,
    );
  }
  const why = notes.length > 0 ? 'no usable base commit (see notes)' : 'no base commit';
  return { head, notes, all: why };
}

async function candidates(input: ResolveBaseInput, head: string, notes: string[]): Promise<Candidate[]> {
  const { ci, flags } = input;
  if (flags.base) return [{ rev: flags.base, label: 'base from --base', explicit: true }];

  if (input.trigger === 'mr') {
    const list: Candidate[] = [];
    const mr = ci.mergeRequest;
    // A merged-results / merge-train pipeline runs on a merge of the MR into the target tip: compared
    // with that tip, exactly the MR's changes show (the diff base would add the target's own news).
    // https://docs.gitlab.com/ci/pipelines/merged_results_pipelines/
    const merged = mr?.eventType === 'merged_result' || mr?.eventType === 'merge_train';
    if (merged && mr?.targetBranchSha) {
      list.push({
        rev: mr.targetBranchSha,
        label: 'base: CI_MERGE_REQUEST_TARGET_BRANCH_SHA (merged results)',
      });
    }
    if (mr?.diffBaseSha) list.push({ rev: mr.diffBaseSha, label: 'base: CI_MERGE_REQUEST_DIFF_BASE_SHA' });
    const target = mr?.targetBranch ?? ci.defaultBranch;
    if (target) list.push({ branch: target, label: `base: merge base with ${target}` });
    return list;
  }

  const list: Candidate[] = [];
  if (input.lastSuccessful) {
    try {
      const last = await input.lastSuccessful();
      if (last) list.push({ rev: last.sha, label: `base: last successful pipeline #${last.id}` });
      else notes.push('GitLab lists no successful push pipeline on this branch yet');
    } catch (error) {
      notes.push(
        `GitLab API failed (${input.ctx.log.mask((error as Error).message)}): falling back to CI_COMMIT_BEFORE_SHA`,
      );
    }
  } else if (ci.inGitlab) {
    notes.push(
      'no GitLab API token: comparing with CI_COMMIT_BEFORE_SHA (a failed pipeline is not retried on the next push)',
    );
  }
  if (ci.commitBeforeSha) list.push({ rev: ci.commitBeforeSha, label: 'base: CI_COMMIT_BEFORE_SHA' });
  else if (ci.commitTag && !ci.commitBranch) {
    notes.push(`tag pipeline (${ci.commitTag}): no previous commit to compare with; every project is built`);
  } else if (ci.beforeShaIsZero) {
    // GitLab sends forty zeros for the first push of a branch: https://docs.gitlab.com/ci/variables/predefined_variables/
    const branch = ci.commitBranch;
    if (branch && ci.defaultBranch && branch !== ci.defaultBranch) {
      notes.push(
        `first push of branch ${branch} (CI_COMMIT_BEFORE_SHA is all zeros): comparing with ${ci.defaultBranch}`,
      );
      list.push({ branch: ci.defaultBranch, label: `base: merge base with ${ci.defaultBranch}` });
    } else {
      notes.push(
        'first push of the default branch (CI_COMMIT_BEFORE_SHA is all zeros): every project is built',
      );
    }
  } else if (!ci.inGitlab && list.length === 0) {
    const parent = await resolveCommit({ cwd: input.root, rev: `${head}^` });
    if (parent) {
      notes.push('no --base and no CI variables: comparing with the parent of head');
      list.push({ rev: parent, label: 'base: parent of head' });
    } else notes.push('head has no parent: every project is built');
  }
  return list;
}

function finish(
  range: { head: string; base: string; notes: string[] },
  label: string,
  fetchedAlone = false,
): ResolvedRange {
  range.notes.push(label);
  // Fetched with --depth=1: its history is not here, so ancestry cannot be told; a tree diff needs none.
  if (fetchedAlone) range.notes.push('the base was fetched on its own: comparing the two trees');
  return { ...range, fetchedAlone };
}

/**
 * The note for a base that is not an ancestor of head (force push, rewritten history), else
 * undefined. Separate from resolveBase so the caller runs it beside the diff (one git call less
 * in a row).
 */
export async function ancestryNote(
  git: { cwd: string; mask: (t: string) => string },
  range: { base: string; head: string; fetchedAlone: boolean },
): Promise<string | undefined> {
  if (range.fetchedAlone) return undefined;
  const ancestor = await isAncestor({ ...git, ancestor: range.base, descendant: range.head }).catch(
    () => undefined, // ancestry unknown: say nothing rather than guess
  );
  return ancestor === false
    ? 'the base is not an ancestor of head (force push or rewritten history): comparing the two trees, so projects the dropped commits touched are rebuilt too'
    : undefined;
}
