// Rendering (pure): BuildPlan → child pipeline object → YAML text (serialized by `yaml` through
// gitlab-yaml.ts, which writes what GitLab's YAML 1.1 reader reads back; never templated). A DAG
// of `needs:`, no stage barriers: a project's manifest job starts as soon as its own build jobs
// finish.
//
// What every build job of one builder shares, and what every manifest job shares, is written once
// in a hidden job that the jobs `extends:`. GitLab measures a file's size (max_yaml_size_bytes)
// before it resolves `extends:`, so shared text written once is paid for once (issue 16).

import { SBOM_DIR } from '../attest/run-attest.js';
import { GUARD_VARIABLE } from '../builders/context-guard.js';
import { builderFor } from '../builders/index.js';
import { MANIFEST_ANNOTATIONS, MANIFEST_DOTENV, MANIFEST_REPORTS_DIR } from '../manifest/report.js';
import { IMAGES_FILE, SUMMARY_ANNOTATIONS } from '../manifest/summary.js';
import type { BuildPlan, PlannedBuildJob, PlannedProject } from '../plan/types.js';
import { escapeVariableValue } from './gitlab-escape.js';
import { stringifyForGitLab } from './gitlab-yaml.js';
import { shellQuote } from './shell-quote.js';

export type Job = Record<string, unknown>;
export type Pipeline = Record<string, unknown>;

/** Retry what is the runner's fault, never a failing build (https://docs.gitlab.com/ci/yaml/#retrywhen). */
const RETRY = {
  max: 2,
  when: ['runner_system_failure', 'stuck_or_timeout_failure', 'api_failure', 'scheduler_failure'],
};

const REPORT_EXPIRY = '30 days';

function image(name: string) {
  // The Kaniko debug image's entrypoint is the executor; the runner needs a shell instead.
  return { name, entrypoint: [''] };
}

function withTags(job: Job, tags: string[]): Job {
  return tags.length > 0 ? { ...job, tags } : job;
}

/**
 * ECR through GitLab OIDC: the job gets an ID token (audience forwarded by the component's trigger
 * job as KILN_OIDC_AUDIENCE) and writes it where the AWS SDK's web-identity provider reads it
 * (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE). Kaniko's ECR credential helper and kiln's
 * manifest job both use that default chain. https://docs.gitlab.com/ci/secrets/id_token_authentication/
 */
function withAwsOidc(plan: BuildPlan, job: Job): Job {
  if (!plan.awsOidc) return job;
  return {
    ...job,
    id_tokens: { KILN_AWS_ID_TOKEN: { aud: '$KILN_OIDC_AUDIENCE' } },
    before_script: [
      // The component forwards its aws_role_arn input as KILN_AWS_ROLE_ARN; a project-level
      // AWS_ROLE_ARN applies when the input is empty.
      'if [ -n "${KILN_AWS_ROLE_ARN:-}" ]; then export AWS_ROLE_ARN="$KILN_AWS_ROLE_ARN"; fi',
      'if [ -n "${AWS_ROLE_ARN:-}" ]; then export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"; printf \'%s\' "${KILN_AWS_ID_TOKEN:-}" > "$AWS_WEB_IDENTITY_TOKEN_FILE"; fi',
    ],
  };
}

/** The hidden job every build job of `builder` extends. */
export function buildBaseName(builder: string): string {
  return `.kiln:build:${builder}`;
}

/** The hidden job every manifest job extends. */
export const MANIFEST_BASE = '.kiln:manifest';

function buildBase(plan: BuildPlan, builderName: PlannedBuildJob['builder']): Job {
  return withAwsOidc(plan, {
    stage: 'build',
    image: image(builderFor(builderName).image(plan.images)),
    // The manifest job reads the digest; it must outlive any plausible rerun of that job. Each
    // job adds its own `paths:` (extends merges hashes).
    artifacts: { expire_in: plan.artifactsExpireIn },
    // No stage barrier: a build starts at once unless it needs a dependency's manifest job, and
    // then its own `needs:` replaces this one (extends replaces arrays).
    needs: [],
    retry: RETRY,
    interruptible: true,
  });
}

function buildJob(job: PlannedBuildJob): Job {
  const builder = builderFor(job.builder);
  // The builder's own variables, already written for GitLab (references on purpose). The job's
  // name says which project and platform it builds; no variable repeats that. A local build needs
  // the commit's files and none of its history: the runner fetches one commit, not GitLab's 20.
  const variables = {
    ...(job.spec.source.kind === 'local' ? { GIT_DEPTH: '1' } : {}),
    ...builder.variables(job.spec),
  };
  return withTags(
    {
      extends: buildBaseName(job.builder),
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
      ...(job.needs.length > 0 ? { needs: job.needs.map((name) => ({ job: name, artifacts: false })) } : {}),
      script: builder.script(job.spec),
      artifacts: { paths: [job.spec.digestFile] },
    },
    job.runnerTags,
  );
}

/**
 * A job in kiln's own image, on the utility runners, without a checkout: the manifest, summary
 * and no-op jobs, and the router's kiln:parts (split-pipeline.ts). `fields` are the job's own keys.
 */
export function kilnImageJob(plan: BuildPlan, { stage, ...fields }: Job): Job {
  return withTags(
    // The stage first, as in every job kiln writes.
    { stage, image: image(plan.images.kiln), variables: { GIT_STRATEGY: 'none' }, ...fields },
    plan.utilityRunnerTags,
  );
}

/**
 * Signing on: the SBOMs kiln attest writes are kept (a CycloneDX one is also GitLab's cyclonedx
 * report, for the dependency list), and keyless signing gets an ID token for Fulcio
 * (https://docs.gitlab.com/ci/yaml/signing_examples/).
 */
function withSigning(plan: BuildPlan, job: Job): Job {
  if (!plan.signing) return job;
  const artifacts = job['artifacts'] as { paths: string[]; reports: Record<string, string> };
  return {
    ...job,
    ...(plan.signing.mode === 'keyless'
      ? { id_tokens: { ...(job['id_tokens'] as object | undefined), SIGSTORE_ID_TOKEN: { aud: 'sigstore' } } }
      : {}),
    artifacts: {
      ...artifacts,
      paths: [...artifacts.paths, `${SBOM_DIR}/`],
      reports: {
        ...artifacts.reports,
        ...(plan.signing.sbomFormat === 'cyclonedx-json' ? { cyclonedx: `${SBOM_DIR}/*.cdx.json` } : {}),
      },
    },
  };
}

function manifestBase(plan: BuildPlan): Job {
  return withSigning(
    plan,
    withAwsOidc(
      plan,
      kilnImageJob(plan, {
        // Same stage as the builds: a dependent project's build jobs need this job, and GitLab
        // refuses `needs:` on a job of a later stage ("is not defined in current or prior stages").
        stage: 'build',
        // The report for people and later jobs; the annotations link the image from the job page
        // (https://docs.gitlab.com/ci/yaml/artifacts_reports/#artifactsreportsannotations).
        artifacts: {
          // The report folder (each job writes its own <project>.json, so the summary job gets
          // them side by side; reports of earlier pipelines that GIT_STRATEGY none left in the
          // workspace are removed by kiln manifest and ignored by kiln summary), and the dotenv
          // file: a report alone is not in the job's archive.
          paths: [`${MANIFEST_REPORTS_DIR}/`, MANIFEST_DOTENV],
          reports: { annotations: MANIFEST_ANNOTATIONS, dotenv: MANIFEST_DOTENV },
          expire_in: REPORT_EXPIRY,
        },
        retry: RETRY,
        // Never cancel a manifest job half way: tags would point at a mix of old and new images.
        interruptible: false,
      }),
    ),
  );
}

function manifestJob(project: PlannedProject): Job {
  const { manifest } = project;
  return {
    extends: MANIFEST_BASE,
    // Merged with the hidden job's GIT_STRATEGY (extends merges hashes).
    variables: { KILN_MANIFEST_SPEC: escapeVariableValue(JSON.stringify(manifest.spec)) },
    needs: [
      // A job's name alone means "and its artifacts", the digests this job reads.
      ...manifest.buildNeeds,
      ...manifest.dependencyNeeds.map((name) => ({ job: name, artifacts: false })),
    ],
    script: [
      `kiln manifest --project ${shellQuote(project.name)}`,
      // Signing after the index is pushed and read back; it never moves a tag.
      ...(manifest.spec.signing ? [`kiln attest --project ${shellQuote(project.name)}`] : []),
    ],
    // The registry API has no compare-and-swap: two pipelines publishing the same project at
    // once could interleave tag updates. GitLab runs one job of a resource group at a time.
    resource_group: `kiln-manifest-${project.name}`,
  };
}

export const SUMMARY_JOB = 'kiln:summary';

/**
 * The last job: no `needs:`, so it waits for every job of the build stage and gets their
 * artifacts (each manifest job's kiln-reports/<project>.json) and dotenv variables. It writes
 * kiln-images.json for later jobs and links every image from its job page.
 */
function summaryJob(plan: BuildPlan): Job {
  return withAwsOidc(
    plan,
    kilnImageJob(plan, {
      stage: 'summary',
      script: ['kiln summary'],
      artifacts: {
        paths: [IMAGES_FILE],
        reports: { annotations: SUMMARY_ANNOTATIONS },
        expire_in: REPORT_EXPIRY,
      },
      retry: RETRY,
      interruptible: true,
    }),
  );
}

/** The summary lines a plan-only or empty pipeline prints. */
function summary(plan: BuildPlan): string[] {
  if (plan.projects.length === 0) return ['kiln: nothing to build in this pipeline'];
  return [
    `kiln: merge request pipeline, plan only (merge_requests: plan); ${plan.projects.length} project(s) would be built:`,
    ...plan.projects.map(
      (p) => `  ${p.name}: ${p.platforms.join(', ')} -> ${p.repository}:${p.tags.default}`,
    ),
  ];
}

/** GitLab rejects a pipeline without jobs, so an empty or plan-only pipeline gets one no-op job. */
function noopJob(plan: BuildPlan): Job {
  return kilnImageJob(plan, {
    stage: 'build',
    script: summary(plan).map((line) => `echo ${shellQuote(line)}`),
    interruptible: true,
  });
}

export const NOOP_JOB = 'kiln:nothing-to-build';
export const PLAN_ONLY_JOB = 'kiln:plan-only';

/**
 * The symlink check's script (builders/context-guard.ts) is the same in every build job: define it
 * once in the top-level `variables:`, which every job of the child pipeline receives.
 */
function hoistGuard(pipeline: Pipeline): Pipeline {
  let script: string | undefined;
  for (const job of Object.values(pipeline)) {
    const variables = (job as Job)['variables'] as Record<string, string> | undefined;
    if (!variables || !(GUARD_VARIABLE in variables)) continue;
    script = variables[GUARD_VARIABLE];
    delete variables[GUARD_VARIABLE];
    // A local build's only variable was the guard: no `variables: {}` left behind.
    if (Object.keys(variables).length === 0) delete (job as Job)['variables'];
  }
  if (script === undefined) return pipeline;
  const { stages, ...jobs } = pipeline;
  return { stages, variables: { [GUARD_VARIABLE]: script }, ...jobs };
}

export function childPipeline(plan: BuildPlan): Pipeline {
  const pipeline: Pipeline = { stages: ['build'] };
  if (!plan.push || plan.projects.length === 0) {
    pipeline[plan.projects.length === 0 ? NOOP_JOB : PLAN_ONLY_JOB] = noopJob(plan);
    return pipeline;
  }
  const builders = [...new Set(plan.projects.flatMap((p) => p.builds.map((b) => b.builder)))];
  for (const builder of builders) pipeline[buildBaseName(builder)] = buildBase(plan, builder);
  pipeline[MANIFEST_BASE] = manifestBase(plan);
  for (const project of plan.projects) {
    for (const job of project.builds) pipeline[job.name] = buildJob(job);
    pipeline[project.manifest.name] = manifestJob(project);
  }
  pipeline['stages'] = ['build', 'summary'];
  pipeline[SUMMARY_JOB] = summaryJob(plan);
  return hoistGuard(pipeline);
}

/** Serializes the child pipeline; pass `pipeline` when the caller already built it from `plan`. */
export function renderChildPipeline(plan: BuildPlan, pipeline: Pipeline = childPipeline(plan)): string {
  return stringifyForGitLab(
    pipeline,
    ` Generated by kiln prepare for pipeline ${plan.pipelineId} (${plan.commitSha}). Do not edit.`,
  );
}
