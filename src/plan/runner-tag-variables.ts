// Runner tags that name CI variables ($CICD_TAG_ARM64) are expanded by GitLab when it creates the
// child pipeline. An unset or empty one leaves a job no runner will ever take: it waits, pending,
// with nothing in any log. The prepare job refuses such a plan first, naming the variable and
// the platform (pure; the environment is passed in).
//
// What the prepare job can see is not exactly what the child pipeline gets: project, group and
// instance CI/CD variables reach both; variables of the pipeline (Run pipeline form, API,
// schedule) and of the prepare job itself reach only the prepare job, unless forwarded. So the
// check catches the common case, a variable nobody defined; it cannot prove one defined only for
// the parent pipeline reaches the child. Predefined CI_* and GITLAB_* names are GitLab's and are
// not checked.
import type { Env } from '../context.js';
import type { Problem } from '../errors.js';
import type { BuildPlan } from './types.js';

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** The CI variables a runner tag refers to: `$NAME` and `${NAME}`. */
export function tagVariables(tag: string): string[] {
  return [...tag.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * `utilityField` names where the manifest, summary, no-op and router jobs' tags come from:
 * `manifest_runner_tags`, or `runner_tags.linux/amd64` when that is unset.
 */
export function runnerTagVariableProblems(plan: BuildPlan, env: Env, utilityField: string): Problem[] {
  // A merge request that only plans starts no child pipeline: nothing would wait.
  if (!plan.push) return [];
  const uses = new Map<string, { name: string; tag: string; where: string; field: string }>();
  const note = (tags: readonly string[], where: string, field: string) => {
    for (const tag of tags) {
      for (const name of tagVariables(tag)) {
        if (/^(CI|GITLAB)_/.test(name)) continue;
        const key = `${name}\n${field}`;
        if (!uses.has(key)) uses.set(key, { name, tag, where, field });
      }
    }
  };
  for (const project of plan.projects) {
    for (const build of project.builds) {
      note(build.runnerTags, build.spec.platform, `runner_tags.${build.spec.platform}`);
    }
  }
  // Every child pipeline has them: the manifest and summary jobs, or the one no-op job.
  note(plan.utilityRunnerTags, 'the manifest, summary and no-op jobs', utilityField);
  const problems: Problem[] = [];
  for (const { name, tag, where, field } of uses.values()) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') continue;
    problems.push({
      field,
      message: `runner tag "${tag}" for ${where} names the CI variable ${name}, which is ${value === undefined ? 'not set' : 'empty'} in this pipeline: its jobs would wait for a runner forever`,
      hint: `define ${name} as a CI/CD variable (Settings > CI/CD > Variables) with the tag of your ${where.includes('/') ? where : 'utility'} runners, or set the tag itself in ${field.startsWith('runner_tags') ? 'runner_tags' : field}`,
    });
  }
  return problems;
}
