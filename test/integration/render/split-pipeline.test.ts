// A plan too big for one child pipeline, split in parts: every file against GitLab's CI schema,
// every part's loaded size measured by Ruby's Psych + DeepSize (harness/deep-size.ts), job limits,
// and `needs:` that never leave a part. The router's `needs:pipeline:job` cannot run under
// gitlab-ci-local 4.73.0 ("pipeline key not supported"), so it is held to GitLab's documented
// contract here (https://docs.gitlab.com/ci/yaml/#needspipelinejob and #triggerinclude).
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { renderPlan } from '../../../src/commands/plan-steps.js';
import { KilnError } from '../../../src/errors.js';
import { DEFAULT_LIMITS } from '../../../src/render/pipeline-limits.js';
import { childPipeline, renderChildPipeline } from '../../../src/render/render-child-pipeline.js';
import { PARTS_JOB, routerPipeline, splitPipeline } from '../../../src/render/split-pipeline.js';
import type { Project } from '../../../src/types.js';
import { gitlabDeepSizes } from '../../harness/deep-size.js';
import { gitlabCiErrors } from '../../harness/gitlab-ci-schema.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { planOf, project } from '../../unit/plan/fixtures.js';

const name = (i: number) => `image-${String(i).padStart(4, '0')}`;

/** Every tenth project builds on the one before; projects 100–139 form one chain of 40. */
function projects(count: number): Project[] {
  return Array.from({ length: count }, (_, i) =>
    project(name(i), {
      build_args: [{ name: 'VERSION', value: `1.${i}` }],
      additional_tags: i % 3 === 0 ? ['latest'] : [],
      depends_on: (i >= 101 && i < 140) || i % 10 === 9 ? [name(i - 1)] : [],
    }),
  );
}

type Job = { needs?: (string | { job: string })[]; trigger?: unknown };
const needed = (job: Job) => (job.needs ?? []).map((n) => (typeof n === 'string' ? n : n.job));

describe('a plan of 1,000 projects × 2 architectures', () => {
  const plan = planOf(projects(1000));
  const whole = childPipeline(plan);
  const parts = splitPipeline({
    plan,
    pipeline: whole,
    limits: DEFAULT_LIMITS,
    childFile: 'kiln-child-pipeline.yml',
  });
  const texts = parts.map((part) => renderChildPipeline(plan, part.pipeline));

  test('is split into parts that each pass the schema and stay under the size limit (1 MiB by default, so under 2 MiB) and 2,000 jobs', () => {
    expect(parts.length).toBeGreaterThan(1);
    const measured = gitlabDeepSizes(texts);
    parts.forEach((part, i) => {
      const doc = parse(texts[i] ?? '', { maxAliasCount: -1 }) as Record<string, unknown>;
      expect(gitlabCiErrors(doc)).toEqual([]);
      expect(measured.sizes[i]).toBeLessThanOrEqual(DEFAULT_LIMITS.maxYamlBytes);
      const jobs = Object.keys(resolveExtends(doc)).filter((k) => k.includes(':'));
      expect(jobs.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxJobs);
      expect(part.file).toBe(`kiln-child-pipeline.part-${i + 1}.yml`);
    });
  });

  test('every project lands in exactly one part, with every job it needs', () => {
    const seen = parts.flatMap((part) => part.projects);
    expect([...seen].sort()).toEqual(plan.projects.map((p) => p.name).sort());
    for (const part of parts) {
      const jobs = resolveExtends(part.pipeline) as Record<string, Job>;
      for (const [jobName, job] of Object.entries(jobs)) {
        for (const need of needed(job)) expect(jobs, `${jobName} needs ${need}`).toHaveProperty([need]);
      }
    }
    // The 40-project chain is whole in one part.
    const chain = parts.filter((part) => part.projects.some((p) => p >= name(100) && p < name(140)));
    expect(chain).toHaveLength(1);
  });

  test('the router fetches the parts from the parent prepare job and triggers each, mirroring it', () => {
    const router = routerPipeline({ plan, parts, prepareJob: 'kiln-prepare' }) as Record<
      string,
      Record<string, unknown>
    >;
    const doc = parse(renderChildPipeline(plan, router)) as Record<string, unknown>;
    expect(gitlabCiErrors(doc)).toEqual([]);
    expect(router[PARTS_JOB]?.['needs']).toEqual([
      { pipeline: plan.pipelineId, job: 'kiln-prepare', artifacts: true },
    ]);
    expect(router[PARTS_JOB]?.['artifacts']).toMatchObject({ paths: parts.map((p) => p.file) });
    const triggers = Object.entries(router).filter(([k]) => k.startsWith('kiln:part-'));
    expect(triggers.map(([, job]) => job['trigger'])).toEqual(
      parts.map((part) => ({
        include: [{ artifact: part.file, job: PARTS_JOB }],
        strategy: 'depend',
        forward: { yaml_variables: true, pipeline_variables: true },
      })),
    );
    for (const [, job] of triggers) expect(job['needs']).toEqual([PARTS_JOB]);
  });
});

test('a dependency group too big for any child pipeline fails, naming its projects', () => {
  const chain = Array.from({ length: 4 }, (_, i) =>
    project(`c${i}`, { depends_on: i > 0 ? [`c${i - 1}`] : [] }),
  );
  const plan = planOf([project('solo'), ...chain]);
  const limits = { ...DEFAULT_LIMITS, maxJobs: 9 };
  let error: unknown;
  try {
    splitPipeline({ plan, pipeline: childPipeline(plan), limits, childFile: 'kiln-child-pipeline.yml' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(KilnError);
  expect((error as KilnError).message).toMatch(
    /projects c0, c1, c2, c3 depend on one another and make 12 jobs/,
  );
  expect((error as KilnError).hint).toMatch(/KILN_PROJECTS/);
});

describe('packing', () => {
  test('first fit: a small group fills an earlier part that has room', () => {
    // Limits of 7 jobs: a (3 jobs) opens part 1, the b→b2 chain (6) needs part 2, and c (3) still
    // fits beside a.
    const plan = planOf([project('a'), project('b'), project('b2', { depends_on: ['b'] }), project('c')]);
    const parts = splitPipeline({
      plan,
      pipeline: childPipeline(plan),
      limits: { ...DEFAULT_LIMITS, maxJobs: 7 },
      childFile: 'kiln-child-pipeline.yml',
    });
    expect(parts.map((p) => p.projects)).toEqual([
      ['a', 'c'],
      ['b', 'b2'],
    ]);
  });

  test('the summary job every part has counts against the job limit', () => {
    // 2 projects × 3 jobs fill a limit of 6 exactly; with kiln:summary that would be 7.
    const plan = planOf([project('a'), project('b')]);
    const parts = splitPipeline({
      plan,
      pipeline: childPipeline(plan),
      limits: { ...DEFAULT_LIMITS, maxJobs: 6 },
      childFile: 'kiln-child-pipeline.yml',
    });
    expect(parts.map((p) => p.projects)).toEqual([['a'], ['b']]);
    for (const part of parts) expect(Object.keys(part.pipeline)).toContain('kiln:summary');
  });

  test('a part carries only the hidden jobs its jobs extend', () => {
    const plan = planOf([project('k'), project('b', { builder: 'buildah' })], undefined, 'push', {
      registry: 'registry.example.com/images',
    });
    const parts = splitPipeline({
      plan,
      pipeline: childPipeline(plan),
      limits: { ...DEFAULT_LIMITS, maxJobs: 4 },
      childFile: 'kiln-child-pipeline.yml',
    });
    expect(parts.map((p) => Object.keys(p.pipeline).filter((k) => k.startsWith('.')))).toEqual([
      ['.kiln:build:kaniko', '.kiln:manifest'],
      ['.kiln:build:buildah', '.kiln:manifest'],
    ]);
  });

  test('a plan-only pipeline too big is not split: the size error says what it is', () => {
    const plan = planOf([project('a'), project('b')], ['a', 'b'], 'mr');
    let error: unknown;
    try {
      renderPlan({
        plan,
        limits: { ...DEFAULT_LIMITS, maxYamlBytes: 100 },
        childFile: 'kiln-child-pipeline.yml',
        prepareJob: 'kiln-prepare',
      });
    } catch (e) {
      error = e;
    }
    expect((error as KilnError).message).toMatch(/loads to about \d+ bytes.*max_yaml_size_bytes/);
  });
});
