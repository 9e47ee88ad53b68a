// This repository's own projects/, planned with the inputs this repository's .gitlab-ci.yml gives
// the component (the selftest include): every project must plan on the runners that pipeline
// has, for a push that touches everything and for the weekly schedule. Upstream SHAs are fixed
// (no network here); pinning itself is tested against a real git daemon elsewhere.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadProjectsOrThrow } from '../../src/config/load-projects.js';
import { parseRebuildList } from '../../src/config/rebuild-list.js';
import { resolveSettings } from '../../src/config/settings.js';
import { formatProblem, KilnError } from '../../src/errors.js';
import { assemblePlan } from '../../src/plan/assemble-plan.js';
import type { PinnedSource } from '../../src/plan/types.js';
import { childPipeline, renderChildPipeline } from '../../src/render/render-child-pipeline.js';
import type { Project, Selection } from '../../src/types.js';
import { interpolate, REPO_ROOT, specInputs, templateText } from '../harness/component-template.js';
import { gitlabCiErrors } from '../harness/gitlab-ci-schema.js';

const CI_REGISTRY_IMAGE = 'registry.gitlab.com/kiln-ci/kiln';

/** The KILN_* variables the selftest prepare job gets, as GitLab would expand them. */
function selftestEnv(): Record<string, string> {
  const ci = parse(readFileSync(path.join(REPO_ROOT, '.gitlab-ci.yml'), 'utf8')) as {
    include: { component: string; inputs: Record<string, string> }[];
  };
  const include = ci.include.find((i) => i.component.endsWith('/build@$CI_COMMIT_SHA'));
  if (!include) throw new Error('.gitlab-ci.yml does not include the component from this commit');
  const [header, body] = parseAllDocuments(templateText()).map((d) => d.toJS());
  const jobs = interpolate(body, specInputs(header), include.inputs) as Record<
    string,
    { variables?: Record<string, string | { value: string }> }
  >;
  const prepare = Object.entries(jobs).find(([name]) => name.endsWith('-prepare'))?.[1];
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(prepare?.variables ?? {})) {
    const value = typeof raw === 'object' ? raw.value : String(raw);
    // The prepare script unsets empty KILN_* variables, so kiln's defaults apply to them.
    if (name.startsWith('KILN_') && value !== '')
      env[name] = value.replace('$CI_REGISTRY_IMAGE', CI_REGISTRY_IMAGE);
  }
  return env;
}

function pinsFor(projects: Project[]): Record<string, PinnedSource> {
  return Object.fromEntries(
    projects
      .filter((p) => p.config.upstream_repo)
      .map((p) => [
        p.name,
        { project: p.name, url: p.config.upstream_repo!, ref: p.config.upstream_ref!, sha: 'f'.repeat(40) },
      ]),
  );
}

async function planFor(trigger: Selection['trigger'], names: (projects: Project[]) => string[]) {
  const settings = resolveSettings({ env: selftestEnv() });
  const projects = await loadProjectsOrThrow({ root: REPO_ROOT, projectsDir: settings.projectsDir });
  const selection: Selection = {
    trigger,
    projects: names(projects).map((name) => ({ name, reasons: [{ kind: 'manual', value: name }] })),
    deleted: [],
    notes: [],
  };
  try {
    return assemblePlan({
      selection,
      projects,
      settings,
      pinned: pinsFor(projects),
      pipeline: { created: new Date('2026-11-23T03:00:00Z'), commitSha: 'e'.repeat(40), pipelineId: '1' },
    });
  } catch (error) {
    // Show every problem, not just the count, when this repository's own pipeline could not plan.
    const problems = error instanceof KilnError ? error.problems.map(formatProblem) : [];
    throw new Error([(error as Error).message, ...problems].join('\n'));
  }
}

describe("this repository's projects with its own pipeline's inputs", () => {
  test('a push touching every project plans every project on the configured runners', async () => {
    const plan = await planFor('push', (projects) => projects.map((p) => p.name));
    expect(plan.projects.length).toBeGreaterThanOrEqual(5);
    const pipeline = childPipeline(plan) as Record<string, { tags?: string[] }>;
    for (const [name, job] of Object.entries(pipeline)) {
      if (name.startsWith('build:'))
        expect(job.tags, name).toEqual([expect.stringMatching(/^saas-linux-small-/)]);
    }
    expect(gitlabCiErrors(parse(renderChildPipeline(plan)))).toEqual([]);
  });

  test('the weekly schedule plans exactly the projects in rebuild-weekly.txt', async () => {
    const text = readFileSync(path.join(REPO_ROOT, 'rebuild-weekly.txt'), 'utf8');
    const plan = await planFor('schedule', (projects) => {
      const listed = parseRebuildList(
        text,
        'rebuild-weekly.txt',
        projects.map((p) => p.name),
      );
      expect(listed.problems).toEqual([]);
      return listed.names;
    });
    expect(plan.projects.map((p) => p.name).sort()).toEqual(
      parseRebuildList(
        text,
        'rebuild-weekly.txt',
        plan.projects.map((p) => p.name),
      ).names.sort(),
    );
  });
});
