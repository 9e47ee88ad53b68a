// A plan too big for one child pipeline becomes several (pure). GitLab creates at most
// `ci_pipeline_size` jobs in one pipeline and loads at most `max_yaml_size_bytes` of one file, so
// kiln packs the projects into parts that each fit, and writes a small pipeline in front of them:
//
//   parent (the component) → kiln-child-pipeline.yml, the router → one child pipeline per part
//
// That is GitLab's deepest nesting (a parent and two levels of children). `needs:` cannot reach
// into another pipeline, so a project and every project it depends on, or that depends on it,
// land in the same part. The router's `kiln:parts` job fetches the part files from the prepare
// job of the parent pipeline (`needs:pipeline:job`) and hands them to one trigger job per part
// (`trigger:include:artifact` reads only jobs of its own pipeline). Each trigger mirrors its part
// (`strategy: depend`), and the router's parent trigger mirrors the router: a failed part fails
// the whole pipeline.
import { KilnError } from '../errors.js';
import { dependencyEdges } from '../plan/dependency-edges.js';
import type { BuildPlan, PlannedProject } from '../plan/types.js';
import { loadedEntrySize, loadedHashSize } from './loaded-size.js';
import { allowedLoadedSize, checkPipelineLimits, jobsOf, type PipelineLimits } from './pipeline-limits.js';
import { kilnImageJob, type Pipeline } from './render-child-pipeline.js';

export const PARTS_JOB = 'kiln:parts';

/** What the prepare job writes and keeps as an artifact; the component's trigger job runs it. */
export const CHILD_PIPELINE_FILE = 'kiln-child-pipeline.yml';

export interface PipelinePart {
  /** Repository-relative path the part is written to (and the prepare job keeps as an artifact). */
  file: string;
  projects: string[];
  pipeline: Pipeline;
}

/** Where each part is written: next to the child pipeline, `<name>.part-<n>.yml`. */
export function partFile(childFile: string, index: number): string {
  return `${childFile.replace(/\.ya?ml$/, '')}.part-${index}.yml`;
}

/** Projects joined by `depends_on` within the plan, in plan order; each group stays together. */
export function dependencyGroups(plan: BuildPlan): PlannedProject[][] {
  const parent = new Map(plan.projects.map((p) => [p.name, p.name]));
  const root = (name: string): string => {
    let r = name;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(name, r);
    return r;
  };
  for (const [dependency, dependent] of dependencyEdges(plan)) parent.set(root(dependency), root(dependent));
  const groups = new Map<string, PlannedProject[]>();
  for (const project of plan.projects) {
    const key = root(project.name);
    const group = groups.get(key);
    if (group) group.push(project);
    else groups.set(key, [project]);
  }
  return [...groups.values()];
}

function jobNames(project: PlannedProject): string[] {
  return [...project.builds.map((b) => b.name), project.manifest.name];
}

/**
 * Packs the plan's projects into parts that fit `limits`: each dependency group, in plan order,
 * goes into the first part with room (first fit). Throws PLAN_TOO_LARGE when one group alone is
 * too big for a child pipeline, or the part files would lie outside the job's folder.
 */
export function splitPipeline(input: {
  plan: BuildPlan;
  /** The whole plan as one child pipeline (render-child-pipeline.ts). */
  pipeline: Pipeline;
  limits: PipelineLimits;
  /** Repository-relative path of the child pipeline file; parts are written beside it. */
  childFile: string;
}): PipelinePart[] {
  const { plan, pipeline, limits } = input;
  if (input.childFile.startsWith('/') || input.childFile.split('/').includes('..')) {
    throw new KilnError(
      'PLAN_TOO_LARGE',
      `the plan needs several child pipelines, written beside ${input.childFile}, which is outside the job's folder: artifacts cannot hold them`,
      {
        hint: 'write the child pipeline inside the job folder (the component writes kiln-child-pipeline.yml there)',
      },
    );
  }
  const projectJobs = new Set(plan.projects.flatMap(jobNames));
  // What every part repeats: stages, the top-level variables, the hidden jobs jobs extend. A
  // builder's hidden job is counted in every part; the part written keeps only those it uses.
  const shared = Object.entries(pipeline).filter(([name]) => !projectJobs.has(name));
  const sharedSize = shared.reduce((sum, [key, value]) => sum + loadedEntrySize(key, value), 0);
  // Jobs every part has besides its projects' (kiln:summary): they count against ci_pipeline_size.
  const sharedJobs = jobsOf(Object.fromEntries(shared)).length;
  const allowed = allowedLoadedSize(limits);

  type Bin = { projects: PlannedProject[]; jobs: number; size: number };
  const bins: Bin[] = [];
  const fits = (jobs: number, size: number) =>
    sharedJobs + jobs <= limits.maxJobs &&
    sharedSize + size + loadedHashSize(shared.length + jobs) <= allowed;
  for (const group of dependencyGroups(plan)) {
    const names = group.flatMap(jobNames);
    const size = names.reduce((sum, name) => sum + loadedEntrySize(name, pipeline[name]), 0);
    if (!fits(names.length, size)) {
      const listed = group.map((p) => p.name);
      throw new KilnError(
        'PLAN_TOO_LARGE',
        `projects ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ` and ${listed.length - 5} more` : ''} depend on one another and make ${names.length} jobs, too many for one child pipeline (limits ci_pipeline_size ${limits.maxJobs}, max_yaml_size_bytes ${limits.maxYamlBytes})`,
        {
          hint: 'jobs joined by depends_on must run in one pipeline: build part of that group (a manual pipeline with KILN_PROJECTS=a,b,…), or ask your GitLab admin to raise the limit and set KILN_MAX_PIPELINE_JOBS or KILN_MAX_YAML_BYTES',
        },
      );
    }
    const bin = bins.find((b) => fits(b.jobs + names.length, b.size + size));
    if (bin) {
      bin.projects.push(...group);
      bin.jobs += names.length;
      bin.size += size;
    } else {
      bins.push({ projects: [...group], jobs: names.length, size });
    }
  }
  return bins.map((bin, i) => {
    const jobs = bin.projects.flatMap(jobNames);
    const used = new Set(jobs.map((name) => (pipeline[name] as { extends?: string }).extends));
    const part: Pipeline = Object.fromEntries(
      shared.filter(([name]) => !name.startsWith('.') || used.has(name)),
    );
    for (const name of jobs) part[name] = pipeline[name];
    // The estimate above is the same one the check makes; this only proves it.
    checkPipelineLimits(part, limits);
    return {
      file: partFile(input.childFile, i + 1),
      projects: bin.projects.map((p) => p.name),
      pipeline: part,
    };
  });
}

/** The router: fetches the part files from the parent's prepare job and triggers one child per part. */
export function routerPipeline(input: {
  plan: BuildPlan;
  parts: PipelinePart[];
  /** The parent pipeline's prepare job (CI_JOB_NAME of the job running kiln prepare). */
  prepareJob: string;
}): Pipeline {
  const { plan, parts } = input;
  const router: Pipeline = { stages: ['build'] };
  router[PARTS_JOB] = kilnImageJob(plan, {
    stage: 'build',
    // https://docs.gitlab.com/ci/yaml/#needspipelinejob: a child pipeline downloads the artifacts
    // of a job of its parent pipeline. The id is the parent's CI_PIPELINE_ID, known to prepare.
    needs: [{ pipeline: plan.pipelineId, job: input.prepareJob, artifacts: true }],
    script: parts.map((part) => `test -s ${part.file}`),
    artifacts: { paths: parts.map((part) => part.file), expire_in: '1 week' },
    interruptible: true,
  });
  parts.forEach((part, i) => {
    router[`kiln:part-${i + 1}`] = {
      stage: 'build',
      needs: [PARTS_JOB],
      trigger: {
        include: [{ artifact: part.file, job: PARTS_JOB }],
        strategy: 'depend',
        // The parent's trigger variables (KILN_AWS_ROLE_ARN, KILN_OIDC_AUDIENCE, …) are this
        // pipeline's pipeline variables; the parts' jobs need them too.
        forward: { yaml_variables: true, pipeline_variables: true },
      },
    };
  });
  return router;
}
