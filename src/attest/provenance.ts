// SLSA v1 build provenance for an index kiln pushed and each of its per-architecture children,
// from the plan (the manifest spec's `provenance`), the digests the manifest job published and the
// job's CI variables. Pure: data in, the predicate out; cosign wraps it in an in-toto statement
// whose subject is the image digest. https://slsa.dev/spec/v1.0/provenance
// Nothing secret goes in: build arguments are the text of the config (`${TOKEN}` stays those
// characters; the build job's shell expanded it, never kiln), and no CI variable but the URLs and
// IDs GitLab shows on every pipeline page is read.
import type { Env } from '../context.js';
import type { ManifestSpec } from '../types.js';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What kiln's externalParameters mean: documented in the README ("Provenance"). */
export const KILN_BUILD_TYPE = 'https://gitlab.com/kiln-ci/kiln/-/blob/main/README.md#provenance';

interface ResourceDescriptor {
  uri: string;
  digest?: Record<string, string>;
  name?: string;
  annotations?: Record<string, string>;
}

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters: Record<string, unknown>;
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; builderDependencies: ResourceDescriptor[] };
    metadata: { invocationId: string; startedOn: string; finishedOn: string };
  };
}

export interface ProvenanceSubject {
  /** The child's platform, or undefined for the index. */
  platform?: string;
  /** The children of an index (platform and digest), or undefined for a child. */
  children?: { platform: string; digest: string }[];
}

/** `sha256:abc` → `{ sha256: 'abc' }`, the digest set of a ResourceDescriptor. */
function digestSet(digest: string): Record<string, string> {
  const colon = digest.indexOf(':');
  return { [digest.slice(0, colon)]: digest.slice(colon + 1) };
}

/** `docker.io/x/y:tag` as a resource URI (the pkg:docker form SLSA's examples use for images). */
function imageUri(reference: string): string {
  return `pkg:docker/${reference}`;
}

/**
 * The predicate for one subject. `finishedOn` is when the manifest job read the index back;
 * `startedOn` the pipeline's creation (CI_PIPELINE_CREATED_AT, the spec's `created`), before
 * which no build of this plan began.
 */
export function buildProvenance(input: {
  spec: ManifestSpec;
  subject: ProvenanceSubject;
  env: Env;
  finishedOn: string;
  kilnVersion: string;
}): SlsaProvenance {
  const { spec, subject, env } = input;
  const build = spec.provenance;
  if (!build) throw new Error(`the manifest spec of ${spec.project} has no provenance`);
  const projectUrl = env['CI_PROJECT_URL'] ?? '';
  const pipelineUrl = env['CI_PIPELINE_URL'] ?? '';
  const source: ResourceDescriptor = {
    uri: `git+${build.source.uri}${build.source.ref ? `@${build.source.ref}` : ''}`,
    digest: { gitCommit: build.source.sha },
    ...(build.source.path ? { annotations: { path: build.source.path } } : {}),
  };
  const externalParameters: Record<string, unknown> = {
    source: { uri: build.source.uri, ...(build.source.ref ? { ref: build.source.ref } : {}) },
    ...(build.source.path ? { sourcePath: build.source.path } : {}),
    contextPath: build.contextPath,
    dockerfile: build.dockerfile,
    target: build.target,
    buildArgs: build.buildArgs,
    ...(subject.platform ? { platform: subject.platform } : {}),
    ...(subject.children ? { platforms: subject.children.map((c) => c.platform) } : {}),
    project: spec.project,
    tags: spec.tags,
  };
  return {
    buildDefinition: {
      buildType: KILN_BUILD_TYPE,
      externalParameters,
      internalParameters: {
        builder: build.builder.name,
        ...(pipelineUrl ? { pipelineUrl } : {}),
        ...(env['CI_PIPELINE_ID'] ? { pipelineId: env['CI_PIPELINE_ID'] } : {}),
        // The jobs that built the images: build:<project>:<arch>, in the pipeline above.
        buildJobs: subject.platform
          ? build.buildJobs.filter((j) => j.platform === subject.platform).map((j) => j.job)
          : build.buildJobs.map((j) => j.job),
        ...(env['CI_COMMIT_SHA'] ? { monorepoCommit: env['CI_COMMIT_SHA'] } : {}),
        // The branch or tag the pipeline ran for: what a key-mode policy checks (README, "Verifying").
        ...(env['CI_COMMIT_REF_NAME'] ? { monorepoRef: env['CI_COMMIT_REF_NAME'] } : {}),
      },
      resolvedDependencies: [
        source,
        // An index is made of its children: they are what it resolves to, by digest.
        ...(subject.children ?? []).map((c) => ({
          uri: imageUri(`${spec.repository}@${c.digest}`),
          digest: digestSet(c.digest),
          annotations: { platform: c.platform },
        })),
      ],
    },
    runDetails: {
      builder: {
        // The pipeline's project: the identity a consumer's policy allows (README, "Verifying").
        id: projectUrl || 'kiln',
        builderDependencies: [
          { uri: imageUri(build.builder.image), name: build.builder.name },
          { uri: 'pkg:npm/kiln', name: 'kiln', annotations: { version: input.kilnVersion } },
        ],
      },
      metadata: {
        invocationId: env['CI_JOB_URL'] ?? pipelineUrl,
        startedOn: spec.created,
        finishedOn: input.finishedOn,
      },
    },
  };
}
