// Planning (pure): selection + projects + settings + pinned SHAs + pipeline info → BuildPlan.
// Every problem (runner tags, tags, upstream URLs, image placeholders) is collected, then thrown once.
import { isValidRepositoryName } from '../config/oci.js';
import type { Settings } from '../config/settings.js';
import { type Problem, throwIfProblems } from '../errors.js';
import { imageProblems, runnerTagProblems } from '../render/gitlab-escape.js';
import type { BuilderName, BuildJobSpec, ManifestSpec, Project, Selection } from '../types.js';
import { type ImageLookup, resolveImagePlaceholders } from './image-placeholders.js';
import { cacheRepository, imageRepository, isEcrRegistry } from './repositories.js';
import { computeTags, templateProblems } from './tags.js';
import type {
  BuildPlan,
  PinnedSource,
  PipelineInfo,
  PlannedBuildJob,
  PlannedProject,
  ProjectTags,
} from './types.js';

export interface AssemblePlanInput {
  selection: Selection;
  /** Every loaded project (dependencies that are not rebuilt are looked up here). */
  projects: Project[];
  settings: Settings;
  /** Pinned upstream sources, by project name (projects with an upstream only). */
  pinned: Record<string, PinnedSource>;
  pipeline: PipelineInfo;
  /** AWS_ROLE_ARN is set in the prepare job (the component's OIDC input). */
  awsRoleArnSet?: boolean;
}

export const buildJobName = (project: string, arch: string) => `build:${project}:${arch}`;
export const manifestJobName = (project: string) => `manifest:${project}`;
export const digestFile = (project: string, arch: string) => `kiln/digests/${project}/${arch}.digest`;

/** Strips credentials from a URL before it goes into a label or the log. */
function publicUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1');
}

function settingsProblems(settings: Settings): Problem[] {
  const problems = templateProblems(settings.tagTemplate, settings.repositoryMode);
  if (!settings.registry) {
    problems.push({
      field: 'registry',
      message: 'no image registry is set',
      hint: 'set KILN_REGISTRY (or ECR_REGISTRY, or registry: in kiln.yaml) to host/path',
    });
  }
  for (const [name, image] of Object.entries(settings.images)) {
    problems.push(...imageProblems(image, `images.${name}`));
  }
  return problems;
}

export function assemblePlan(input: AssemblePlanInput): BuildPlan {
  const { selection, settings, pipeline } = input;
  const problems = settingsProblems(settings);
  const byName = new Map(input.projects.map((p) => [p.name, p]));
  const created = pipeline.created.toISOString();
  const push = !(selection.trigger === 'mr' && settings.mergeRequests === 'plan');
  // Merge-request builds never publish release tags (additional tags such as `latest`).
  const includeAdditional = selection.trigger !== 'mr';
  // A scheduled rebuild exists to pick up security fixes: Kaniko would otherwise reuse a cached
  // `RUN apt-get upgrade` layer keyed on the unchanged Dockerfile, so schedules build without
  // the layer cache. The base image itself is always resolved afresh by the builder.
  const useCache = settings.cache && selection.trigger !== 'schedule';

  const selected: { project: Project; reasons: PlannedProject['reasons']; tags: ProjectTags }[] = [];
  for (const entry of selection.projects) {
    const project = byName.get(entry.name);
    if (!project) {
      problems.push({
        message: `selected project "${entry.name}" was not loaded`,
        hint: 'this is a kiln bug',
      });
      continue;
    }
    const { tags, problems: tagProblems } = computeTags({
      project,
      settings,
      created: pipeline.created,
      commitSha: pipeline.commitSha,
      pipelineId: pipeline.pipelineId,
      includeAdditional,
    });
    problems.push(...tagProblems);
    selected.push({ project, reasons: entry.reasons, tags });
  }

  const repositoryOf = (name: string) => imageRepository(settings, name);
  const lookup: ImageLookup = {
    planned: new Map(
      selected.map((s) => [s.project.name, `${repositoryOf(s.project.name)}:${s.tags.default}`]),
    ),
    projects: byName,
    repositoryOf,
  };
  const inPlan = new Set(selected.map((s) => s.project.name));
  const cacheRepos = new Set<string>();

  const planned: PlannedProject[] = selected.map(({ project, reasons, tags }) => {
    const config = project.config;
    const builder: BuilderName = config.builder ?? settings.builder;
    const repository = repositoryOf(project.name);
    if (settings.registry && !isValidRepositoryName(repository)) {
      problems.push({ file: project.file, message: `"${repository}" is not a valid image repository name` });
    }
    const upstream = config.use_local_context ? undefined : input.pinned[project.name];
    if (!config.use_local_context && !upstream) {
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
    const buildArgs = resolveImagePlaceholders(project, lookup, problems);
    const dependencyNeeds = config.depends_on.filter((d) => inPlan.has(d)).map(manifestJobName);
    const labels: Record<string, string> = {
      'org.opencontainers.image.source': publicUrl(upstream?.url ?? pipeline.projectUrl ?? ''),
      'org.opencontainers.image.revision': upstream?.sha ?? pipeline.commitSha,
      'org.opencontainers.image.created': created,
      'org.opencontainers.image.version': upstream?.ref ?? tags.default,
      'org.opencontainers.image.title': project.name,
    };

    const builds: PlannedBuildJob[] = tags.perArch.map(({ platform, arch, tag }) => {
      const runnerTags = settings.runnerTags[platform];
      if (!runnerTags) {
        problems.push({
          file: project.file,
          field: 'platforms',
          message: `no runner tags are configured for ${platform}`,
          hint: `add ${platform} to runner_tags in kiln.yaml or KILN_RUNNER_TAGS (${platform}=my-runner-tag)`,
        });
      } else {
        for (const [i, t] of runnerTags.entries())
          problems.push(...runnerTagProblems(t, `runner_tags.${platform}[${i}]`));
      }
      const cache = useCache ? cacheRepository(settings, arch) : undefined;
      if (cache) cacheRepos.add(cache);
      const source: BuildJobSpec['source'] = upstream
        ? {
            kind: 'git',
            url: upstream.url,
            ref: upstream.ref,
            sha: upstream.sha,
            ...(upstream.resolvedRef ? { resolvedRef: upstream.resolvedRef } : {}),
            ...(upstream.auth ? { auth: upstream.auth } : {}),
          }
        : { kind: 'local', dir: config.local_context === 'repository' ? '.' : project.dir };
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
      };
      return {
        name: buildJobName(project.name, arch),
        spec,
        builder,
        runnerTags: runnerTags ?? [],
        needs: dependencyNeeds,
      };
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
      created,
      insecureRegistry: settings.insecureRegistry,
    };
    return {
      name: project.name,
      reasons,
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
  });

  throwIfProblems('PLAN_INVALID', 'the build plan is invalid', problems);
  return {
    version: 1,
    trigger: selection.trigger,
    created,
    commitSha: pipeline.commitSha,
    pipelineId: pipeline.pipelineId,
    push,
    projects: planned,
    cacheRepositories: [...cacheRepos].sort(),
    images: { ...settings.images },
    utilityRunnerTags: settings.runnerTags['linux/amd64'] ?? [],
    awsOidc: Boolean(input.awsRoleArnSet) && isEcrRegistry(settings.registry),
    deleted: selection.deleted,
    notes: selection.notes,
  };
}
