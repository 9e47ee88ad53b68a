// Runner tags that name CI variables ($CICD_TAG_ARM64) are expanded by GitLab when it creates the
// child pipeline. An unset or empty one leaves a job no runner will ever take: it waits, pending,
// with nothing in any log. The prepare job sees the same CI/CD variables, so it refuses such a
// plan first, naming the variable and the platform (pure; the environment is passed in).
import type { Env } from '../context.js';
import type { Problem } from '../errors.js';
import type { BuildPlan } from './types.js';

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** The CI variables a runner tag refers to: `$NAME` and `${NAME}`. */
export function tagVariables(tag: string): string[] {
  return [...tag.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? '');
}

export function runnerTagVariableProblems(plan: BuildPlan, env: Env): Problem[] {
  const uses = new Map<string, { tag: string; where: string }>();
  const note = (tags: readonly string[], where: string) => {
    for (const tag of tags) {
      for (const name of tagVariables(tag))
        if (!uses.has(`${name}\n${where}`)) uses.set(`${name}\n${where}`, { tag, where });
    }
  };
  for (const project of plan.projects)
    for (const build of project.builds) note(build.runnerTags, build.spec.platform);
  if (plan.projects.length > 0 || !plan.push) note(plan.utilityRunnerTags, 'the manifest and summary jobs');
  const problems: Problem[] = [];
  for (const [key, { tag, where }] of uses) {
    const name = key.slice(0, key.indexOf('\n'));
    const value = env[name];
    if (value !== undefined && value.trim() !== '') continue;
    problems.push({
      field: where.includes('/') ? `runner_tags.${where}` : 'manifest_runner_tags',
      message: `runner tag "${tag}" for ${where} names the CI variable ${name}, which is ${value === undefined ? 'not set' : 'empty'} in this pipeline: its jobs would wait for a runner forever`,
      hint: `define ${name} as a CI/CD variable (Settings > CI/CD > Variables) with the tag of your ${where.includes('/') ? where : 'utility'} runners, or set runner_tags to the tag itself`,
    });
  }
  return problems;
}
