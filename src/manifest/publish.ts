// Pushes the index under every tag and reads each back. Rerun-safe: a tag already at our digest
// is left alone (no PUT, so immutable ECR repositories accept reruns), a half-finished earlier run
// is completed, and a tag moved by a concurrent newer pipeline is not taken back.
// The registry API has no compare-and-swap. The read-back catches a newer run that wrote after our
// PUT (we then leave its tag); an older run whose check came before our PUT and whose PUT came after
// our read-back can still win — the manifest jobs of one project should share a GitLab
// resource_group so they never overlap (https://docs.gitlab.com/ci/resource_groups/).
import pLimit from 'p-limit';
import { KilnError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RegistryClient } from '../registry/client.js';
import { recordedCreation } from './assemble-index.js';
import { decideTagMove, type TagTarget } from './tag-move.js';

export type TagStatus = 'created' | 'moved' | 'unchanged' | 'skipped-newer';

export interface TagResult {
  tag: string;
  status: TagStatus;
  /** What the tag pointed at before (moved) or still points at (skipped-newer). */
  previous?: TagTarget;
}

export interface PublishInput {
  client: RegistryClient;
  repository: string;
  index: { mediaType: string; bytes: Buffer; digest: string };
  /** The default tag first (the report keeps this order). */
  tags: string[];
  created: string;
  log: Logger;
}

const MAX_ROUNDS = 3;

async function currentTarget(
  client: RegistryClient,
  repository: string,
  tag: string,
): Promise<TagTarget | undefined> {
  const manifest = await client.getManifest(repository, tag);
  if (!manifest) return undefined;
  const created = recordedCreation(manifest.bytes.toString('utf8'));
  return created ? { digest: manifest.digest, created } : { digest: manifest.digest };
}

async function publishTag(input: PublishInput, tag: string): Promise<TagResult> {
  const { client, repository, index, log } = input;
  const ours = { digest: index.digest, created: input.created };
  let current = await currentTarget(client, repository, tag);
  const before = current;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const decision = decideTagMove(current, ours);
    if (decision === 'unchanged') {
      const status: TagStatus = round === 1 ? 'unchanged' : before ? 'moved' : 'created';
      return before && status !== 'unchanged' ? { tag, status, previous: before } : { tag, status };
    }
    if (decision === 'skip-newer' && current) {
      log.warn(
        `tag ${tag} not moved: it points at ${current.digest}, created ${current.created}, newer than this pipeline (${input.created})`,
      );
      return { tag, status: 'skipped-newer', previous: current };
    }
    await client.putManifest(repository, tag, index.bytes, index.mediaType);
    // Read back: the tag must now name our digest, or a newer run's.
    const head = await client.headManifest(repository, tag);
    current =
      head?.digest === ours.digest ? { digest: ours.digest } : await currentTarget(client, repository, tag);
  }
  throw new KilnError(
    'MANIFEST_FAILED',
    `tag ${tag} in ${client.host}/${repository} kept changing under concurrent pushes (${MAX_ROUNDS} rounds)`,
    { hint: 'another job pushes the same tag at the same time; rerun this job' },
  );
}

/**
 * One tag in its own log section. The additional tags are pushed side by side, so theirs are
 * buffered (written whole when done); the default tag is pushed alone, and shows as it goes.
 */
function publishInSection(input: PublishInput, tag: string, buffered: boolean): Promise<TagResult> {
  return input.log.section(
    `tag ${tag}`,
    async (log) => {
      const result = await publishTag({ ...input, log }, tag);
      log.info(`  ${input.client.host}/${input.repository}:${tag}  ${result.status}`);
      return result;
    },
    { buffered },
  );
}

export async function publishIndex(input: PublishInput): Promise<TagResult[]> {
  // The default tag (unique to this pipeline) first, then the additional tags in parallel: if the
  // job dies in between, no floating tag (`latest`) points at an index that its pipeline's own tag
  // does not name yet, and a rerun finishes the rest. Each PUT is atomic and the registry refuses
  // an index whose children are missing. (distribution's filesystem driver writes tag links
  // non-atomically, so a read-back racing a sibling PUT now and then gets a 500; it is retried.)
  const [first, ...rest] = [...new Set(input.tags)];
  if (first === undefined) return [];
  const results = [await publishInSection(input, first, false)];
  const limit = pLimit(4);
  results.push(...(await Promise.all(rest.map((tag) => limit(() => publishInSection(input, tag, true))))));
  return results;
}
