// Planning (pure): selection + projects + settings + pinned SHAs + pipeline info → BuildPlan.
// Every problem (runner tags, tags, upstream URLs, image placeholders) is collected, then thrown once.
import type { Settings } from '../config/settings.js';
import { type Problem, throwIfProblems } from '../errors.js';
import { imageProblems, runnerTagProblems } from '../render/gitlab-escape.js';
import type { Project, Selection } from '../types.js';
import type { ImageLookup } from './image-placeholders.js';
import { type PlanContext, planProject } from './plan-project.js';
import { releaseDecision } from './release.js';
import { imageRepository, isEcrRegistry } from './repositories.js';
import { additionalTagsOf, computeTags, sharedTagProblems, templateProblems } from './tags.js';
import type { BuildPlan, PinnedSource, PipelineInfo, PlannedProject, ProjectTags } from './types.js';

export { buildJobName, digestFile, manifestJobName } from './plan-project.js';

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
  // Only release refs publish release tags (additional tags such as `latest`); merge requests never.
  const release = releaseDecision({
    trigger: selection.trigger,
    releaseRefs: settings.releaseRefs,
    ...(pipeline.ref ? { ref: pipeline.ref } : {}),
  });
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
      ...(release.refSlug !== undefined ? { refSlug: release.refSlug } : {}),
    });
    problems.push(...tagProblems);
    selected.push({ project, reasons: entry.reasons, tags });
  }

  const repositoryOf = (name: string) => imageRepository(settings, name);
  const inPlan = new Set(selected.map((s) => s.project.name));
  // Tags the rebuilt projects share with any loaded one (the caller loads every project whose tags
  // could meet theirs, see tagNeighbours).
  problems.push(...sharedTagProblems(input.projects, settings, pipeline, inPlan));
  const lookup: ImageLookup = {
    planned: new Map(
      selected.map((s) => [s.project.name, `${repositoryOf(s.project.name)}:${s.tags.default}`]),
    ),
    projects: byName,
    repositoryOf,
    stableTagOf: (project) => additionalTagsOf(project, settings).tags[0]?.tag,
  };
  const ctx: PlanContext = {
    settings,
    pipeline,
    created,
    useCache,
    lookup,
    inPlan,
    awsOidc: Boolean(input.awsRoleArnSet) && isEcrRegistry(settings.registry),
    problems,
  };
  const planned = selected.map(({ project, reasons, tags }) =>
    planProject(ctx, {
      project,
      reasons,
      tags,
      repository: repositoryOf(project.name),
      ...(project.config.use_local_context || !input.pinned[project.name]
        ? {}
        : { upstream: input.pinned[project.name] }),
    }),
  );
  const cacheRepos = new Set(
    planned.flatMap((p) =>
      p.builds.map((b) => b.spec.cacheRepository).filter((r): r is string => r !== undefined),
    ),
  );

  // The manifest, summary and no-op jobs run on any architecture: linux/amd64's runners unless
  // manifest_runner_tags names others.
  const utilityRunnerTags = settings.manifestRunnerTags ?? settings.runnerTags['linux/amd64'] ?? [];
  for (const [i, tag] of (settings.manifestRunnerTags ?? []).entries()) {
    problems.push(...runnerTagProblems(tag, `manifest_runner_tags[${i}]`));
  }
  throwIfProblems('PLAN_INVALID', 'the build plan is invalid', problems);
  return {
    version: 1,
    trigger: selection.trigger,
    created,
    commitSha: pipeline.commitSha,
    pipelineId: pipeline.pipelineId,
    push,
    release: { moves: release.moves, why: release.why },
    artifactsExpireIn: settings.artifactsExpireIn,
    projects: planned,
    cacheRepositories: [...cacheRepos].sort(),
    images: { ...settings.images },
    utilityRunnerTags,
    awsOidc: ctx.awsOidc,
    ...(settings.signing !== 'none'
      ? { signing: { mode: settings.signing, sbomFormat: settings.sbomFormat } }
      : {}),
    deleted: selection.deleted,
    notes: selection.notes,
  };
}
