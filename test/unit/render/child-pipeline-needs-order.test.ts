// GitLab refuses a `needs:` on a job of a later stage ("need X is not defined in current or prior
// stages", https://docs.gitlab.com/ci/yaml/#needs), and so does gitlab-ci-local. A dependent
// project's build jobs need the dependency's manifest job, so no job may sit in a later stage than
// a job that needs it. Found by the end-to-end test; kept here as a fast check.
import { describe, expect, test } from 'vitest';
import { assemblePlan } from '../../../src/plan/assemble-plan.js';
import { childPipeline } from '../../../src/render/render-child-pipeline.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { PIPELINE, pins, project, selection, settings } from '../plan/fixtures.js';

/** A need is a job's name (artifacts too) or `{ job, artifacts }`. */
type Job = { stage: string; needs?: (string | { job: string })[] };

describe('child pipeline stages', () => {
  test.each([
    ['a dependency chain', ['base', 'app', 'top']],
    ['one project', ['solo']],
  ])('%s: every needed job is in the same or an earlier stage', (_name, names) => {
    const projects = names.map((name, i) => project(name, i === 0 ? {} : { depends_on: [names[i - 1]!] }));
    const plan = assemblePlan({
      selection: selection(names, 'push'),
      projects,
      settings: settings({}),
      pinned: pins(projects),
      pipeline: PIPELINE,
    });
    const doc = resolveExtends(childPipeline(plan));
    const stages = doc['stages'] as string[];
    const jobs = Object.fromEntries(Object.entries(doc).filter(([name]) => name !== 'stages')) as Record<
      string,
      Job
    >;
    const order = (stage: string) => stages.indexOf(stage);
    const pairs = Object.entries(jobs).flatMap(([name, job]) =>
      (job.needs ?? []).map((need) => [name, job.stage, typeof need === 'string' ? need : need.job] as const),
    );
    expect(pairs.length).toBeGreaterThan(0);
    for (const [name, stage, needed] of pairs) {
      expect(order(stage), `${name} (${stage})`).toBeGreaterThanOrEqual(0);
      expect(order(jobs[needed]!.stage), `${name} needs ${needed}`).toBeLessThanOrEqual(order(stage));
    }
  });
});
