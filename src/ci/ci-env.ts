// GitLab's predefined CI_* variables, parsed and validated ONCE into a typed CiEnv. Everything
// downstream reads this object, never process.env. Variables reference:
// https://docs.gitlab.com/ci/variables/predefined_variables/
import { z } from 'zod';
import { FULL_SHA } from '../config/git-url.js';
import type { Env } from '../context.js';
import { KilnError, type Problem } from '../errors.js';
import type { Trigger } from '../types.js';

/** Values of CI_PIPELINE_SOURCE (https://docs.gitlab.com/ci/jobs/job_rules/#ci_pipeline_source-predefined-variable). */
export const PIPELINE_SOURCES = [
  'api',
  'chat',
  'external',
  'external_pull_request_event',
  'merge_request_event',
  'ondemand_dast_scan',
  'ondemand_dast_validation',
  'parent_pipeline',
  'pipeline',
  'push',
  'schedule',
  'security_orchestration_policy',
  'trigger',
  'web',
  'webide',
] as const;
export type PipelineSource = (typeof PIPELINE_SOURCES)[number];

/** How each pipeline source selects projects; sources kiln does not build for map to undefined. */
const TRIGGER_OF: Partial<Record<PipelineSource, Trigger>> = {
  push: 'push',
  merge_request_event: 'mr',
  schedule: 'schedule',
  web: 'manual',
  api: 'manual',
  trigger: 'manual',
  chat: 'manual',
  // A multi-project (`pipeline`) or parent/child (`parent_pipeline`) downstream run is started by
  // another pipeline, which passes KILN_PROJECTS like a person would.
  pipeline: 'manual',
  parent_pipeline: 'manual',
};

export interface CiEnv {
  /** True inside a GitLab job (`GITLAB_CI=true`). */
  inGitlab: boolean;
  pipelineSource?: PipelineSource;
  /** The selection trigger derived from the pipeline source. */
  trigger?: Trigger;
  commitSha?: string;
  commitShortSha?: string;
  /**
   * The branch tip before the push. GitLab sends forty zeros on the first push of a branch (and
   * for MR, tag and scheduled pipelines): such a value is normalized to undefined and `beforeShaIsZero`.
   */
  commitBeforeSha?: string;
  beforeShaIsZero: boolean;
  commitBranch?: string;
  commitTag?: string;
  /** CI_COMMIT_REF_NAME: the branch or tag; an MR pipeline's source branch. */
  commitRefName?: string;
  commitRefSlug?: string;
  /** CI_COMMIT_REF_PROTECTED: whether the ref is a protected branch or tag. */
  commitRefProtected?: boolean;
  defaultBranch?: string;
  mergeRequest?: {
    iid?: number;
    /** The merge base GitLab computed with the target branch (merged-results pipelines included). */
    diffBaseSha?: string;
    /** The target branch tip a merged-results or merge-train pipeline merged into (CI_MERGE_REQUEST_TARGET_BRANCH_SHA). */
    targetBranchSha?: string;
    targetBranch?: string;
    sourceBranch?: string;
    eventType?: string;
  };
  pipelineId?: number;
  pipelineCreatedAt?: string;
  pipelineUrl?: string;
  projectId?: string;
  projectPath?: string;
  projectUrl?: string;
  apiV4Url?: string;
  serverHost?: string;
  serverUrl?: string;
  jobToken?: string;
  /** `all` or a comma/space list of project names (manual and scheduled pipelines). */
  kilnProjects?: string;
}

// GitLab supports SHA-1 and (experimentally) SHA-256 repositories.
const sha = z.string().regex(FULL_SHA, 'is not a full commit SHA (40 or 64 hex digits)');
const shortSha = z.string().regex(/^[0-9a-f]{4,64}$/, 'is not a short commit SHA');
const id = z.string().regex(/^\d+$/, 'is not a numeric id');
const url = z.string().regex(/^https?:\/\/[^\s]+$/, 'is not an http(s) URL');
const text = z.string();

const schema = z.object({
  GITLAB_CI: text.optional(),
  CI_PIPELINE_SOURCE: z.enum(PIPELINE_SOURCES).optional(),
  CI_COMMIT_SHA: sha.optional(),
  CI_COMMIT_SHORT_SHA: shortSha.optional(),
  CI_COMMIT_BEFORE_SHA: sha.optional(),
  CI_COMMIT_BRANCH: text.optional(),
  CI_COMMIT_TAG: text.optional(),
  CI_COMMIT_REF_NAME: text.optional(),
  CI_COMMIT_REF_SLUG: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/, 'is not a ref slug')
    .optional(),
  CI_COMMIT_REF_PROTECTED: z.enum(['true', 'false']).optional(),
  CI_DEFAULT_BRANCH: text.optional(),
  CI_MERGE_REQUEST_IID: id.optional(),
  CI_MERGE_REQUEST_DIFF_BASE_SHA: sha.optional(),
  CI_MERGE_REQUEST_TARGET_BRANCH_SHA: sha.optional(),
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: text.optional(),
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: text.optional(),
  CI_MERGE_REQUEST_EVENT_TYPE: text.optional(),
  CI_PIPELINE_ID: id.optional(),
  CI_PIPELINE_CREATED_AT: z.iso.datetime({ offset: true }).optional(),
  CI_PIPELINE_URL: url.optional(),
  CI_PROJECT_ID: id.optional(),
  CI_PROJECT_PATH: text.optional(),
  CI_PROJECT_URL: url.optional(),
  CI_API_V4_URL: url.optional(),
  CI_SERVER_HOST: text.optional(),
  CI_SERVER_URL: url.optional(),
  CI_JOB_TOKEN: text.optional(),
  KILN_PROJECTS: text.optional(),
});

const ZERO_SHA = /^0+$/;

/** Parses the CI_* variables of `env`. Throws one KilnError listing every malformed variable. */
export function parseCiEnv(env: Env): CiEnv {
  // GitLab defines many variables as empty strings when they do not apply: treat those as absent.
  const present: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const before = present['CI_COMMIT_BEFORE_SHA'];
  const beforeShaIsZero = before !== undefined && ZERO_SHA.test(before);
  if (beforeShaIsZero) delete present['CI_COMMIT_BEFORE_SHA'];

  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return {
        field: name,
        message: `${JSON.stringify(present[name] ?? '')} ${issue.message}`,
        hint: `GitLab sets ${name} itself; check the job's variables: do not override it`,
      };
    });
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new KilnError('SETTINGS_INVALID', `invalid GitLab CI variables: ${count}`, { problems });
  }
  const v = parsed.data;
  const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const hasMr =
    v.CI_MERGE_REQUEST_IID !== undefined ||
    v.CI_MERGE_REQUEST_DIFF_BASE_SHA !== undefined ||
    v.CI_MERGE_REQUEST_TARGET_BRANCH_NAME !== undefined;

  return dropUndefined({
    inGitlab: v.GITLAB_CI === 'true',
    pipelineSource: v.CI_PIPELINE_SOURCE,
    trigger: v.CI_PIPELINE_SOURCE === undefined ? undefined : TRIGGER_OF[v.CI_PIPELINE_SOURCE],
    commitSha: v.CI_COMMIT_SHA,
    commitShortSha: v.CI_COMMIT_SHORT_SHA,
    commitBeforeSha: v.CI_COMMIT_BEFORE_SHA,
    beforeShaIsZero,
    commitBranch: v.CI_COMMIT_BRANCH,
    commitTag: v.CI_COMMIT_TAG,
    commitRefName: v.CI_COMMIT_REF_NAME,
    commitRefSlug: v.CI_COMMIT_REF_SLUG,
    commitRefProtected:
      v.CI_COMMIT_REF_PROTECTED === undefined ? undefined : v.CI_COMMIT_REF_PROTECTED === 'true',
    defaultBranch: v.CI_DEFAULT_BRANCH,
    mergeRequest: hasMr
      ? dropUndefined({
          iid: num(v.CI_MERGE_REQUEST_IID),
          diffBaseSha: v.CI_MERGE_REQUEST_DIFF_BASE_SHA,
          targetBranchSha: v.CI_MERGE_REQUEST_TARGET_BRANCH_SHA,
          targetBranch: v.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
          sourceBranch: v.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
          eventType: v.CI_MERGE_REQUEST_EVENT_TYPE,
        })
      : undefined,
    pipelineId: num(v.CI_PIPELINE_ID),
    pipelineCreatedAt: v.CI_PIPELINE_CREATED_AT,
    pipelineUrl: v.CI_PIPELINE_URL,
    projectId: v.CI_PROJECT_ID,
    projectPath: v.CI_PROJECT_PATH,
    projectUrl: v.CI_PROJECT_URL,
    apiV4Url: v.CI_API_V4_URL,
    serverHost: v.CI_SERVER_HOST,
    serverUrl: v.CI_SERVER_URL,
    jobToken: v.CI_JOB_TOKEN,
    kilnProjects: v.KILN_PROJECTS,
  });
}

/** Keeps the object free of `key: undefined` so it prints and compares cleanly. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
