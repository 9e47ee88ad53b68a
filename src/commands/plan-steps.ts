// The planning steps `kiln plan` and `kiln prepare` share, in order: pin upstreams → assemble the
// plan (pure) → render the child pipeline (pure) → check GitLab's limits.
import type { CiEnv } from '../ci/ci-env.js';
import { inJob } from '../ci/in-job.js';
import type { Settings } from '../config/settings.js';
import type { Context, Env } from '../context.js';
import { KilnError, throwIfProblems } from '../errors.js';
import { resolveCommit } from '../git/revisions.js';
import { assemblePlan } from '../plan/assemble-plan.js';
import { hasUpstream, pinSources } from '../plan/pin-sources.js';
import { type PipelineRef, refSlug } from '../plan/release.js';
import { runnerTagVariableProblems } from '../plan/runner-tag-variables.js';
import type { BuildPlan, PipelineInfo } from '../plan/types.js';
import { checkUpstreamLinks } from '../plan/upstream-links.js';
import {
  checkPipelineLimits,
  DEFAULT_LIMITS,
  fitsOnePipeline,
  type PipelineLimits,
} from '../render/pipeline-limits.js';
import { childPipeline, type Pipeline, renderChildPipeline } from '../render/render-child-pipeline.js';
import { CHILD_PIPELINE_FILE, routerPipeline, splitPipeline } from '../render/split-pipeline.js';
import type { Project, Selection } from '../types.js';

export interface PlannedPipeline {
  plan: BuildPlan;
  /** The child pipeline: every job, or, for a plan split in parts, the router in front of them. */
  pipeline: Pipeline;
  yaml: string;
  /** The child pipelines of a split plan, each written to its `file`; empty when one is enough. */
  parts: { file: string; projects: string[]; pipeline: Pipeline; yaml: string }[];
}

/** The pipeline's date, commit and id: from CI_* in a job, else now and the checkout's HEAD. */
export async function pipelineInfo(input: {
  ci: CiEnv;
  selection: Selection;
  root: string;
  ctx: Context;
}): Promise<PipelineInfo> {
  const { ci, ctx } = input;
  const commitSha =
    ci.commitSha ??
    input.selection.head ??
    (await resolveCommit({ cwd: input.root, rev: 'HEAD', mask: ctx.log.mask }));
  if (!commitSha) {
    throw new KilnError('GIT_FAILED', `cannot find the commit of ${input.root}`, {
      hint: 'run kiln in a git checkout, or set CI_COMMIT_SHA',
    });
  }
  return {
    created: ci.pipelineCreatedAt ? new Date(ci.pipelineCreatedAt) : ctx.now,
    commitSha,
    pipelineId: String(ci.pipelineId ?? 0),
    ...(ci.projectUrl ? { projectUrl: ci.projectUrl } : {}),
    ...(ci.commitRefName ? { ref: pipelineRef(ci, ci.commitRefName) } : {}),
  };
}

function pipelineRef(ci: CiEnv, name: string): PipelineRef {
  return {
    name,
    slug: ci.commitRefSlug ?? refSlug(name),
    ...(ci.commitRefProtected !== undefined ? { protected: ci.commitRefProtected } : {}),
    ...(ci.defaultBranch ? { defaultBranch: ci.defaultBranch } : {}),
  };
}

/** The component's prepare job, `<job_prefix>-prepare` with the default prefix. */
export const DEFAULT_PREPARE_JOB = 'kiln-prepare';

/** GitLab limits, overridable for instances whose admins raised them. */
export function pipelineLimits(env: Env): PipelineLimits {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value)) throw new KilnError('SETTINGS_INVALID', `${name}="${value}" is not a number`);
    return Number(value);
  };
  return {
    maxJobs: read('KILN_MAX_PIPELINE_JOBS', DEFAULT_LIMITS.maxJobs),
    maxNeeds: read('KILN_MAX_NEEDS', DEFAULT_LIMITS.maxNeeds),
    maxYamlBytes: read('KILN_MAX_YAML_BYTES', DEFAULT_LIMITS.maxYamlBytes),
  };
}

export async function planPipeline(input: {
  ctx: Context;
  root: string;
  ci: CiEnv;
  settings: Settings;
  projects: Project[];
  selection: Selection;
  /** Repository-relative path the child pipeline is written to; parts of a split plan go beside it. */
  childFile?: string;
}): Promise<PlannedPipeline> {
  const { ctx, settings, selection } = input;
  const selected = new Set(selection.projects.map((p) => p.name));
  const projects = input.projects.filter((p) => selected.has(p.name));
  const upstreams = projects.filter(hasUpstream).length;
  const pinned = await ctx.log.section(
    `pinning ${upstreams} upstream ref(s) to commits`,
    async () => {
      const result = await pinSources({
        projects,
        env: ctx.env,
        log: ctx.log,
        ...(input.ci.serverHost ? { serverHost: input.ci.serverHost } : {}),
        ...(settings.upstreamTokenVariable ? { upstreamTokenVariable: settings.upstreamTokenVariable } : {}),
        upstreamTokenHosts: settings.upstreamTokenHosts,
        concurrency: settings.pinConcurrency,
      });
      // buildah's job checks its clone; Kaniko clones inside the executor, so prepare checks for it.
      const kaniko = projects.filter(
        (p) => result[p.name] && (p.config.builder ?? settings.builder) === 'kaniko',
      );
      if (kaniko.length > 0)
        await checkUpstreamLinks({ projects: kaniko, pinned: result, env: ctx.env, log: ctx.log });
      return result;
    },
    { collapsed: true },
  );
  const plan = assemblePlan({
    selection,
    projects: input.projects,
    settings,
    pinned,
    pipeline: await pipelineInfo(input),
    awsRoleArnSet: Boolean(ctx.env['AWS_ROLE_ARN']),
  });
  // In a job the CI/CD variables are there to check: a runner tag naming an unset one would
  // leave its jobs pending forever. (A local `kiln plan` has none, by design.)
  if (inJob(ctx.env)) {
    const utilityField = settings.manifestRunnerTags ? 'manifest_runner_tags' : 'runner_tags.linux/amd64';
    throwIfProblems(
      'PLAN_INVALID',
      'the build plan is invalid',
      runnerTagVariableProblems(plan, ctx.env, utilityField),
    );
  }
  return ctx.log.section('child pipeline: jobs, GitLab limits, YAML', async () =>
    renderPlan({
      plan,
      limits: pipelineLimits(ctx.env),
      childFile: input.childFile ?? CHILD_PIPELINE_FILE,
      prepareJob: ctx.env['CI_JOB_NAME'] || DEFAULT_PREPARE_JOB,
    }),
  );
}

/**
 * The plan as child pipeline YAML (pure): one file when it fits GitLab's limits, else a router
 * and its parts (render/split-pipeline.ts); `plan` comes back with the parts named.
 */
export function renderPlan(input: {
  plan: BuildPlan;
  limits: PipelineLimits;
  childFile: string;
  prepareJob: string;
}): PlannedPipeline {
  const { plan, limits, childFile } = input;
  const pipeline = childPipeline(plan);
  // Before writing YAML: on a plan GitLab would refuse, serializing is most of the time spent.
  if (fitsOnePipeline(pipeline, limits)) {
    return { plan, pipeline, yaml: renderChildPipeline(plan, pipeline), parts: [] };
  }
  // Only jobs that build can be split; a plan-only summary that is too big says so as it is.
  if (!plan.push || plan.projects.length === 0) checkPipelineLimits(pipeline, limits);
  const parts = splitPipeline({ plan, pipeline, limits, childFile });
  const split: BuildPlan = { ...plan, parts: parts.map(({ file, projects }) => ({ file, projects })) };
  const router = routerPipeline({ plan: split, parts, prepareJob: input.prepareJob });
  checkPipelineLimits(router, limits);
  return {
    plan: split,
    pipeline: router,
    yaml: renderChildPipeline(split, router),
    parts: parts.map((part) => ({ ...part, yaml: renderChildPipeline(split, part.pipeline) })),
  };
}
