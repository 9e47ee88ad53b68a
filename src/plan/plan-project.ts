// Planning one project (pure): its source, build job per platform and manifest job. Problems are
// collected into the shared list; assemblePlan throws them all at once.

import { builderFor } from '../builders/index.js';
import { imageMetadata } from '../config/metadata.js';
import { isValidRepositoryName } from '../config/oci.js';
import type { Settings } from '../config/settings.js';
import type { Problem } from '../errors.js';
import { runnerTagProblems } from '../render/gitlab-escape.js';
import type {
  BuilderName,
  BuildJobSpec,
  BuildProvenanceInput,
  ManifestSpec,
  Project,
  Reason,
  SigningSpec,
} from '../types.js';
import { type ImageLookup, resolveImagePlaceholders } from './image-placeholders.js';
import { cacheRepository, isEcrRegistry, registryHost } from './repositories.js';
import type { PinnedSource, PipelineInfo, PlannedBuildJob, PlannedProject, ProjectTags } from './types.js';

export const buildJobName = (project: string, arch: string) => `build:${project}:${arch}`;
export const manifestJobName = (project: string) => `manifest:${project}`;
export const digestFile = (project: string, arch: string) => `kiln/digests/${project}/${arch}.digest`;

/** What every project of one plan shares. */
export interface PlanContext {
  settings: Settings;
  pipeline: PipelineInfo;
  /** Pipeline creation time, ISO 8601. */
  created: string;
  useCache: boolean;
  lookup: ImageLookup;
  /** Names of the projects built in this pipeline. */
  inPlan: ReadonlySet<string>;
  /** ECR with a GitLab OIDC role (AWS_ROLE_ARN set in the prepare job). */
  awsOidc: boolean;
  problems: Problem[];
}

/** Strips credentials from a URL before it goes into a label or the log. */
export function publicUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1');
}

function sourceOf(project: Project, upstream: PinnedSource | undefined): BuildJobSpec['source'] {
  if (!upstream) {
    return { kind: 'local', dir: project.config.local_context === 'repository' ? '.' : project.dir };
  }
  return {
    kind: 'git',
    url: upstream.url,
    ref: upstream.ref,
    sha: upstream.sha,
    ...(upstream.resolvedRef ? { resolvedRef: upstream.resolvedRef } : {}),
    ...(upstream.auth ? { auth: upstream.auth } : {}),
  };
}

function checkSource(
  project: Project,
  builder: BuilderName,
  upstream: PinnedSource | undefined,
  problems: Problem[],
) {
  if (!project.config.use_local_context && !upstream) {
    problems.push({
      file: project.file,
      field: 'upstream_ref',
      message: 'the upstream was not pinned to a commit',
    });
  }
  if (upstream && builder === 'kaniko' && !/^https?:\/\//.test(upstream.url)) {
    problems.push({
      file: project.file,
      field: 'upstream_repo',
      message: `Kaniko clones over HTTPS only and cannot fetch ${upstream.url}`,
      hint: 'use the https:// URL of the repository, or builder: buildah',
    });
  }
}

function runnerTagsFor(ctx: PlanContext, project: Project, platform: string): string[] {
  const tags = ctx.settings.runnerTags[platform];
  if (!tags) {
    ctx.problems.push({
      file: project.file,
      field: 'platforms',
      message: `no runner tags are configured for ${platform}`,
      hint: `add ${platform} to runner_tags in kiln.yaml or KILN_RUNNER_TAGS (${platform}=my-runner-tag)`,
    });
    return [];
  }
  for (const [i, tag] of tags.entries())
    ctx.problems.push(...runnerTagProblems(tag, `runner_tags.${platform}[${i}]`));
  return tags;
}

export function planProject(
  ctx: PlanContext,
  input: {
    project: Project;
    reasons: Reason[];
    tags: ProjectTags;
    repository: string;
    upstream?: PinnedSource;
  },
): PlannedProject {
  const { project, tags, repository, upstream } = input;
  const { settings, pipeline, problems } = ctx;
  const config = project.config;
  const builder: BuilderName = config.builder ?? settings.builder;
  if (settings.registry && !isValidRepositoryName(repository)) {
    problems.push({ file: project.file, message: `"${repository}" is not a valid image repository name` });
  }
  checkSource(project, builder, upstream, problems);
  // buildah reaches ECR through the job's OIDC role only: static AWS keys would have to be handed
  // to the helper container, and kiln keeps them out of every argv. Say so before anything runs.
  const ecr = builder === 'buildah' && isEcrRegistry(settings.registry);
  if (ecr && !ctx.awsOidc) {
    problems.push({
      file: project.file,
      field: 'builder',
      message: `the buildah builder pushes to ECR (${settings.registry}) only with a GitLab OIDC role, and none is set`,
      hint: "set the component's aws_role_arn input (or AWS_ROLE_ARN), or use builder: kaniko",
    });
  }
  const source = sourceOf(project, upstream);
  const buildArgs = resolveImagePlaceholders(project, ctx.lookup, problems);
  const dependencyNeeds = config.depends_on.filter((d) => ctx.inPlan.has(d)).map(manifestJobName);
  const sourceUrl = publicUrl(upstream?.url ?? pipeline.projectUrl ?? '');
  // The team's labels and annotations (kiln.yaml, then the project's), under kiln's own: kiln's
  // keys are refused in configs, so nothing here is overwritten.
  const metadata = imageMetadata(settings, config);
  const labels: Record<string, string> = {
    ...metadata,
    // Outside CI a local-context project has no project URL: no label rather than an empty one.
    ...(sourceUrl ? { 'org.opencontainers.image.source': sourceUrl } : {}),
    'org.opencontainers.image.revision': upstream?.sha ?? pipeline.commitSha,
    'org.opencontainers.image.created': ctx.created,
    'org.opencontainers.image.version': upstream?.ref ?? tags.default,
    'org.opencontainers.image.title': project.name,
  };

  const builds: PlannedBuildJob[] = tags.perArch.map(({ platform, arch, tag }) => {
    const cache = ctx.useCache ? cacheRepository(settings, arch) : undefined;
    const spec: BuildJobSpec = {
      project: project.name,
      platform,
      arch,
      source,
      contextPath: config.context_path,
      dockerfile: config.dockerfile_path,
      target: config.target,
      buildArgs,
      destination: `${repository}:${tag}`,
      ...(cache ? { cacheRepository: cache } : {}),
      cacheTtl: settings.cacheTtl,
      digestFile: digestFile(project.name, arch),
      labels,
      compression: settings.compression,
      ...(settings.registryMirror ? { registryMirror: settings.registryMirror } : {}),
      insecureRegistry: settings.insecureRegistry,
      ...(ecr
        ? { ecrLogin: { registry: registryHost(settings.registry), helperImage: settings.images.kiln } }
        : {}),
    };
    const runnerTags = runnerTagsFor(ctx, project, platform);
    return { name: buildJobName(project.name, arch), spec, builder, runnerTags, needs: dependencyNeeds };
  });

  const manifest: ManifestSpec = {
    project: project.name,
    repository,
    tags: [tags.default, ...tags.additional],
    children: tags.perArch.map(({ platform, arch, tag }) => ({
      platform,
      arch,
      tag,
      digestFile: digestFile(project.name, arch),
    })),
    ...(upstream
      ? { upstream: { repo: publicUrl(upstream.url), ref: upstream.ref, sha: upstream.sha } }
      : {}),
    created: ctx.created,
    insecureRegistry: settings.insecureRegistry,
    ...(Object.keys(metadata).length > 0 ? { annotations: metadata } : {}),
    ...(settings.signing === 'none'
      ? {}
      : {
          signing: signingSpec(settings),
          provenance: provenanceInput({
            config,
            builder,
            source,
            builds,
            settings,
            commitSha: pipeline.commitSha,
            projectUrl: pipeline.projectUrl,
          }),
        }),
  };
  return {
    name: project.name,
    reasons: input.reasons,
    ...(upstream ? { upstream } : {}),
    platforms: config.platforms,
    repository,
    tags,
    builds,
    manifest: {
      name: manifestJobName(project.name),
      spec: manifest,
      buildNeeds: builds.map((b) => b.name),
      dependencyNeeds,
    },
  };
}

/** What kiln attest signs with (settings.signing is key or keyless). */
function signingSpec(settings: Settings): SigningSpec {
  const mode = settings.signing === 'keyless' ? 'keyless' : 'key';
  return mode === 'key'
    ? {
        mode,
        key: settings.signingKey,
        passwordVariable: settings.signingPasswordVariable,
        sbomFormat: settings.sbomFormat,
      }
    : {
        mode,
        fulcioUrl: settings.sigstoreFulcioUrl,
        rekorUrl: settings.sigstoreRekorUrl,
        sbomFormat: settings.sbomFormat,
      };
}

/** The build as the plan knows it, for its provenance: build args as written, never expanded. */
function provenanceInput(input: {
  config: Project['config'];
  builder: BuilderName;
  source: BuildJobSpec['source'];
  builds: PlannedBuildJob[];
  settings: Settings;
  commitSha: string;
  projectUrl: string | undefined;
}): BuildProvenanceInput {
  const { config, source } = input;
  const first = input.builds[0]?.spec;
  return {
    source:
      source.kind === 'git'
        ? { uri: publicUrl(source.url), ref: source.ref, sha: source.sha }
        : { uri: input.projectUrl || 'monorepo', sha: input.commitSha, path: source.dir },
    contextPath: config.context_path,
    dockerfile: config.dockerfile_path,
    target: config.target,
    buildArgs: Object.fromEntries((first?.buildArgs ?? []).map((arg) => [arg.name, arg.value])),
    builder: { name: input.builder, image: builderFor(input.builder).image(input.settings.images) },
    buildJobs: input.builds.map((b) => ({ platform: b.spec.platform, job: b.name })),
  };
}
