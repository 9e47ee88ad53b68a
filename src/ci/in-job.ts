// Whether kiln runs in a CI job: CI_JOB_ID is set. (Not GITLAB_CI, which gitlab-ci-local sets to
// false.) Log sections, colours and the checks of CI/CD variables follow it. A module of its own:
// the manifest job's start-up loads it, and must not load zod with ci-env.ts.
import type { Env } from '../context.js';

export function inJob(env: Env): boolean {
  return Boolean(env['CI_JOB_ID']);
}
