// Whether to point a tag at the new index. Pure. Floating tags (latest, v1) never move backwards:
// when the tag's current target carries a newer creation time than ours (an older pipeline
// finishing late), it stays. Targets without kiln's creation time are moved (kiln owns its tags).

export interface TagTarget {
  digest: string;
  /** ISO 8601, from the target's `org.opencontainers.image.created` annotation. */
  created?: string;
}

export type TagDecision = 'create' | 'unchanged' | 'move' | 'skip-newer';

export function decideTagMove(current: TagTarget | undefined, ours: Required<TagTarget>): TagDecision {
  if (!current) return 'create';
  if (current.digest === ours.digest) return 'unchanged';
  if (current.created !== undefined && Date.parse(current.created) > Date.parse(ours.created))
    return 'skip-newer';
  // Same creation time = a rerun of the same pipeline (e.g. a retried build job): the latest attempt wins.
  return 'move';
}
