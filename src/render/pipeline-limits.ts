// GitLab's limits on one pipeline, checked before the child pipeline is written: better a clear
// failure in the prepare job than a child pipeline GitLab refuses to create.
import { KilnError } from '../errors.js';
import { estimateLoadedSize } from './loaded-size.js';
import type { Pipeline } from './render-child-pipeline.js';

export interface PipelineLimits {
  /** `ci_pipeline_size`: jobs in one pipeline (2000 on GitLab.com since
   * https://gitlab.com/gitlab-org/gitlab/-/issues/353494; instance admins can change it). */
  maxJobs: number;
  /** `ci_needs_size_limit`: entries in one job's `needs:` (default 50). */
  maxNeeds: number;
  /** `max_yaml_size_bytes`: the loaded size GitLab accepts for one file, measured with
   * `Gitlab::Utils::DeepSize` (2 MiB by default since GitLab 17.3, MR 160826; 1 MiB before).
   * kiln assumes 1 MiB: an older instance, or one that kept its stored value, refuses more, and a
   * plan that does not fit is split at little cost. */
  maxYamlBytes: number;
}

export const DEFAULT_LIMITS: PipelineLimits = { maxJobs: 2000, maxNeeds: 50, maxYamlBytes: 1024 * 1024 };

/** The share of max_yaml_size_bytes kiln fills at most: room for what the size model may miss. */
export const LOADED_SIZE_HEADROOM = 0.95;

const RESERVED = new Set([
  'stages',
  'variables',
  'default',
  'workflow',
  'include',
  'image',
  'services',
  'cache',
]);

/** The estimated loaded size kiln lets one file reach. */
export function allowedLoadedSize(limits: PipelineLimits): number {
  return Math.floor(limits.maxYamlBytes * LOADED_SIZE_HEADROOM);
}

type Jobs = [string, unknown][];

const SMALLER =
  'build fewer projects per pipeline (a manual pipeline with KILN_PROJECTS=a,b,…, or a shorter rebuild list)';

/** The jobs GitLab creates from `pipeline`: not its global keys, not the hidden jobs jobs extend. */
export function jobsOf(pipeline: Pipeline): Jobs {
  return Object.entries(pipeline).filter(([name]) => !RESERVED.has(name) && !name.startsWith('.'));
}

function jobCountError(jobs: Jobs, limits: PipelineLimits): KilnError | undefined {
  if (jobs.length <= limits.maxJobs) return undefined;
  return new KilnError(
    'PLAN_TOO_LARGE',
    `the child pipeline has ${jobs.length} jobs; GitLab creates at most ${limits.maxJobs} jobs in one pipeline (limit ci_pipeline_size)`,
    { hint: `${SMALLER}, or ask your GitLab admin to raise ci_pipeline_size and set KILN_MAX_PIPELINE_JOBS` },
  );
}

/** A job's `needs:` too long for GitLab: no split can shorten it, so it is always an error. */
function checkNeeds(jobs: Jobs, limits: PipelineLimits): void {
  for (const [name, job] of jobs) {
    const needs = (job as { needs?: unknown[] }).needs ?? [];
    if (needs.length > limits.maxNeeds) {
      throw new KilnError(
        'PLAN_TOO_LARGE',
        `job ${name} needs ${needs.length} jobs; GitLab allows at most ${limits.maxNeeds} (limit ci_needs_size_limit)`,
        {
          hint: 'reduce the platforms or depends_on of that project, or ask your GitLab admin to raise ci_needs_size_limit',
        },
      );
    }
  }
}

function loadedSizeError(pipeline: Pipeline, jobs: Jobs, limits: PipelineLimits): KilnError | undefined {
  const loaded = estimateLoadedSize(pipeline);
  const allowed = allowedLoadedSize(limits);
  if (loaded <= allowed) return undefined;
  return new KilnError(
    'PLAN_TOO_LARGE',
    `the child pipeline loads to about ${loaded} bytes in GitLab (${jobs.length} jobs); GitLab accepts at most ${limits.maxYamlBytes} (limit max_yaml_size_bytes), and kiln fills at most ${Math.round(LOADED_SIZE_HEADROOM * 100)}% of it (${allowed})`,
    { hint: `${SMALLER}, or ask your GitLab admin to raise max_yaml_size_bytes and set KILN_MAX_YAML_BYTES` },
  );
}

export function checkPipelineLimits(pipeline: Pipeline, limits: PipelineLimits = DEFAULT_LIMITS): void {
  const jobs = jobsOf(pipeline);
  const tooMany = jobCountError(jobs, limits);
  if (tooMany) throw tooMany;
  checkNeeds(jobs, limits);
  const tooBig = loadedSizeError(pipeline, jobs, limits);
  if (tooBig) throw tooBig;
}

/**
 * Whether `pipeline` fits one child pipeline's job count and size; false means it can be split.
 * Throws for a job with too many `needs:`, which no split mends.
 */
export function fitsOnePipeline(pipeline: Pipeline, limits: PipelineLimits = DEFAULT_LIMITS): boolean {
  const jobs = jobsOf(pipeline);
  checkNeeds(jobs, limits);
  return !jobCountError(jobs, limits) && !loadedSizeError(pipeline, jobs, limits);
}
