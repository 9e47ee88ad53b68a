// Which pipelines may move release tags (the extra tags: `latest`, `stable`, `1.2`). A manual, API,
// trigger or scheduled pipeline on any branch could once move them to that branch's code; the
// never-backwards guard compares times, not refs, so it did not stop that. Now only a pipeline on
// a ref matching `release_refs` (default: the default branch) that GitLab says is protected does.
import picomatch from 'picomatch';
import type { Trigger } from '../types.js';

/** The ref a pipeline runs for, from GitLab's own variables. */
export interface PipelineRef {
  /** CI_COMMIT_REF_NAME: the branch or tag (an MR pipeline's source branch). */
  name: string;
  /** CI_COMMIT_REF_SLUG: lowercase, `[a-z0-9-]`, at most 63 characters. */
  slug: string;
  /** CI_COMMIT_REF_PROTECTED; undefined when GitLab did not say. */
  protected?: boolean;
  /** CI_DEFAULT_BRANCH */
  defaultBranch?: string;
}

export interface ReleaseDecision {
  /** Whether this pipeline pushes the extra tags. */
  moves: boolean;
  /** Why, in a sentence the plan and the MR note print. */
  why: string;
  /** Set when release tags do not move: the default tag names the ref, so it cannot collide. */
  refSlug?: string;
}

export function releaseDecision(input: {
  trigger: Trigger;
  ref?: PipelineRef;
  /** Globs over ref names; empty = the default branch only. */
  releaseRefs: readonly string[];
}): ReleaseDecision {
  const { ref } = input;
  const skip = (why: string): ReleaseDecision => ({ moves: false, why, refSlug: ref?.slug || 'mr' });
  if (input.trigger === 'mr') return skip('merge-request pipelines never move release tags');
  // Outside GitLab (a local `kiln plan`) there is no ref: the plan previews the default branch's.
  if (!ref)
    return { moves: true, why: 'no CI_COMMIT_REF_NAME (not in GitLab): planned as the default branch' };
  const patterns =
    input.releaseRefs.length > 0 ? input.releaseRefs : [ref.defaultBranch ?? ''].filter(Boolean);
  const listed = input.releaseRefs.length > 0 ? `release_refs: ${patterns.join(', ')}` : 'the default branch';
  if (!patterns.some((pattern) => picomatch.isMatch(ref.name, pattern, { dot: true }))) {
    return skip(`${ref.name} is not a release ref (${listed || 'CI_DEFAULT_BRANCH is not set'})`);
  }
  if (ref.protected === false) {
    return skip(
      `${ref.name} is a release ref but not protected (CI_COMMIT_REF_PROTECTED=false); protect it to move release tags`,
    );
  }
  return { moves: true, why: `${ref.name} is a release ref (${listed})` };
}

/** CI_COMMIT_REF_SLUG's rule, for refs GitLab did not slug (outside GitLab or in tests). */
export function refSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
