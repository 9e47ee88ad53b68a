import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { KilnError } from '../../../src/errors.js';
import { assemblePlan } from '../../../src/plan/assemble-plan.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { checkPipelineLimits, DEFAULT_LIMITS, fitsOnePipeline } from '../../../src/render/pipeline-limits.js';
import { childPipeline, renderChildPipeline } from '../../../src/render/render-child-pipeline.js';
import { gitlabCiErrors } from '../../harness/gitlab-ci-schema.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { PIPELINE, pins, planOf, project, selection, settings } from '../plan/fixtures.js';

type Job = {
  /** A job's name (with its artifacts) or `{ job, artifacts }`. */
  needs?: (string | { job: string; artifacts: boolean })[];
  variables?: Record<string, string>;
  script: string[];
  tags?: string[];
  interruptible?: boolean;
  image: { name: string; entrypoint: string[] };
};

const hostile = project('weird', {
  build_args: [
    { name: 'Q', value: `it's "quoted" $(rm -rf /) \`id\` $HOME\nnewline` },
    { name: 'BASE', value: '${ECR_REGISTRY}/base:1' },
  ],
  additional_tags: ['latest'],
  target: 'runtime',
});

const PLANS: [string, () => BuildPlan][] = [
  ['one upstream project', () => planOf([project('nginx')])],
  ['a dependency chain', () => planOf([project('base'), project('app', { depends_on: ['base'] })])],
  ['hostile build args', () => planOf([hostile])],
  [
    'a local-context project with buildah',
    () =>
      planOf([project('app', { use_local_context: true, builder: 'buildah' })], undefined, 'push', {
        registry: 'registry.example.com/images',
      }),
  ],
  ['an empty selection', () => planOf([project('a')], [])],
  ['a merge request in plan mode', () => planOf([project('a')], ['a'], 'mr')],
  [
    'a scheduled rebuild with zstd and a mirror',
    () => planOf([project('a')], ['a'], 'schedule', { compression: 'zstd', registryMirror: 'mirror.gcr.io' }),
  ],
  [
    'arm/v7 with custom runner tags',
    () =>
      planOf([project('a', { platforms: ['linux/arm/v7'] })], ['a'], 'push', {
        runnerTags: { 'linux/arm/v7': ['arm32', '$ARM_TAG'], 'linux/amd64': ['x'] },
      }),
  ],
];

describe('renderChildPipeline', () => {
  test.each(PLANS)('%s: valid against GitLab CI schema', (_name, make) => {
    const text = renderChildPipeline(make());
    const doc = parse(text) as Record<string, unknown>;
    expect(gitlabCiErrors(doc)).toEqual([]);
    expect(Object.keys(doc).filter((k) => k !== 'stages').length).toBeGreaterThan(0);
  });

  test('build jobs: runner tags, pinned debug image with empty entrypoint, digest artifact, retry, interruptible', () => {
    const doc = resolveExtends(parse(renderChildPipeline(planOf([project('nginx')])))) as Record<
      string,
      Job & Record<string, unknown>
    >;
    const job = doc['build:nginx:arm64'];
    expect(job?.tags).toEqual(['$CICD_TAG_ARM64']);
    expect(job?.image).toEqual({ name: 'martizih/kaniko:v1.28.3-debug', entrypoint: [''] });
    expect(job?.variables?.['GIT_STRATEGY']).toBe('none');
    expect(job?.['artifacts']).toEqual({ paths: ['kiln/digests/nginx/arm64.digest'], expire_in: '30 days' });
    expect(job?.['retry']).toMatchObject({ max: 2 });
    expect(job?.interruptible).toBe(true);
    expect(job?.needs).toEqual([]);
  });

  test('a local build fetches one commit of the monorepo; an upstream build none of it', () => {
    const doc = childPipeline(
      planOf([
        project('web', { use_local_context: true, upstream_repo: undefined, upstream_ref: undefined }),
        project('api'),
      ]),
    ) as Record<string, Job>;
    // Only GIT_DEPTH: the symlink check moved to the top level, and no `variables: {}` is left.
    expect(doc['build:web:amd64']?.variables).toEqual({ GIT_DEPTH: '1' });
    expect(doc['build:api:amd64']?.variables).toEqual({ GIT_STRATEGY: 'none' });
  });

  // The symlink check's script is the same in every build job: written once, at the top level.
  test('the symlink check script is one top-level variable, in no job', () => {
    const plan = planOf(
      [
        project('a'),
        project('b', { builder: 'buildah' }),
        project('c', { use_local_context: true, upstream_repo: undefined }),
      ],
      undefined,
      'push',
      { registry: 'registry.example.com/images' },
    );
    const yaml = renderChildPipeline(plan);
    const doc = parse(yaml) as Record<string, { variables?: Record<string, string> }>;
    expect(Object.keys(doc).slice(0, 2)).toEqual(['stages', 'variables']);
    expect((doc['variables'] as unknown as Record<string, string>)['KILN_GUARD']).toContain('fail()');
    for (const [name, job] of Object.entries(doc))
      if (name !== 'variables') expect(job.variables?.['KILN_GUARD']).toBeUndefined();
    expect(yaml.split('fail()').length - 1).toBe(1);
    expect(gitlabCiErrors(doc)).toEqual([]);
  });

  // Issue 15: a manifest job rerun after a weekend needs the build jobs' digests, which once
  // expired after a day. The retention is a setting, valid for GitLab's schema.
  test.each(['2 weeks', 'never', '1 week and 3 days'])(
    'digest artifacts kept for artifacts_expire_in: %s',
    (expireIn) => {
      const doc = parse(
        renderChildPipeline(planOf([project('nginx')], undefined, 'push', { artifactsExpireIn: expireIn })),
      );
      expect(resolveExtends(doc)['build:nginx:amd64']).toMatchObject({ artifacts: { expire_in: expireIn } });
      expect(gitlabCiErrors(doc)).toEqual([]);
    },
  );

  test('manifest jobs need exactly their builds (artifacts) and dependency manifests; spec escaped for GitLab', () => {
    const plan = planOf([
      project('base'),
      project('app', { depends_on: ['base'], upstream_repo: 'https://git.example.com/$HOME/${app}.git' }),
    ]);
    const doc = resolveExtends(childPipeline(plan)) as Record<string, Job>;
    expect(doc['manifest:app']?.needs).toEqual([
      'build:app:amd64',
      'build:app:arm64',
      { job: 'manifest:base', artifacts: false },
    ]);
    expect(doc['build:app:amd64']?.needs).toEqual([{ job: 'manifest:base', artifacts: false }]);
    expect(doc['manifest:app']?.interruptible).toBe(false);
    expect(doc['manifest:app']?.script).toEqual(['kiln manifest --project app']);
    const raw = doc['manifest:app']?.variables?.['KILN_MANIFEST_SPEC'] ?? '';
    // What the job sees after GitLab turns $$ into $: exactly the ManifestSpec.
    expect(JSON.parse(raw.replaceAll('$$', '$'))).toEqual(plan.projects[1]?.manifest.spec);
    expect(raw.replaceAll('$$', '')).not.toContain('$');
  });

  test('manifest jobs keep the report and annotations, and publish one at a time per project', () => {
    const job = (
      resolveExtends(childPipeline(planOf([project('nginx')]))) as Record<
        string,
        Job & Record<string, unknown>
      >
    )['manifest:nginx'];
    expect(job?.['artifacts']).toMatchObject({
      paths: ['kiln-reports/', 'kiln-image.env'],
      reports: { annotations: 'manifest-annotations.json', dotenv: 'kiln-image.env' },
    });
    expect(job?.['resource_group']).toBe('kiln-manifest-nginx');
  });

  test('one summary job runs last, after every job of the build stage, and keeps kiln-images.json', () => {
    const doc = resolveExtends(childPipeline(planOf([project('a'), project('b')]))) as Record<
      string,
      Job & Record<string, unknown>
    >;
    expect(doc['stages']).toEqual(['build', 'summary']);
    const summary = doc['kiln:summary'];
    expect(summary?.['stage']).toBe('summary');
    // No needs: GitLab then gives it every earlier job's artifacts and dotenv variables.
    expect(summary && 'needs' in summary).toBe(false);
    expect(summary?.['dependencies']).toBeUndefined();
    expect(summary?.script).toEqual(['kiln summary']);
    expect(summary?.['artifacts']).toMatchObject({
      paths: ['kiln-images.json'],
      reports: { annotations: 'kiln-summary-annotations.json' },
    });
    expect(gitlabCiErrors(childPipeline(planOf([project('a')])))).toEqual([]);
  });

  test('no stage barrier: every job that needs nothing declares needs: []', () => {
    const doc = resolveExtends(childPipeline(planOf([project('a'), project('b')]))) as Record<string, Job>;
    expect(doc['build:b:amd64']?.needs).toEqual([]);
    expect(doc['manifest:a']?.needs).toEqual(['build:a:amd64', 'build:a:arm64']);
  });

  test.each([
    ['an empty plan', () => planOf([project('a')], []), 'kiln:nothing-to-build', /nothing to build/],
    ['an MR plan', () => planOf([project('a')], ['a'], 'mr'), 'kiln:plan-only', /plan only/],
  ])('%s renders one no-op job (GitLab refuses a pipeline without jobs)', (_n, make, name, text) => {
    const doc = childPipeline(make()) as Record<string, Job>;
    expect(Object.keys(doc)).toEqual(['stages', name]);
    expect(doc[name]?.script.join('\n')).toMatch(text);
    expect(JSON.stringify(doc)).not.toContain('/kaniko/executor');
  });
});

describe('ECR with GitLab OIDC', () => {
  test('push jobs get an ID token and write it for the AWS SDK; the pipeline stays valid', () => {
    const projects = [project('a')];
    const plan = assemblePlan({
      selection: selection(['a']),
      projects,
      settings: settings(),
      pinned: pins(projects),
      pipeline: PIPELINE,
      awsRoleArnSet: true,
    });
    const doc = parse(renderChildPipeline(plan)) as Record<string, Record<string, unknown>>;
    expect(gitlabCiErrors(doc)).toEqual([]);
    const jobs = resolveExtends(doc) as typeof doc;
    for (const name of ['build:a:amd64', 'manifest:a']) {
      expect(jobs[name]?.['id_tokens']).toEqual({ KILN_AWS_ID_TOKEN: { aud: '$KILN_OIDC_AUDIENCE' } });
      expect(String(jobs[name]?.['before_script'])).toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
    }
    // Not ECR, or no role: no ID token.
    expect(planOf(projects, ['a'], 'push', { registry: 'registry.example.com/images' }).awsOidc).toBe(false);
  });
});

describe('checkPipelineLimits', () => {
  function tooLarge(run: () => void): KilnError {
    try {
      run();
    } catch (error) {
      if (error instanceof KilnError) return error;
    }
    throw new Error('expected PLAN_TOO_LARGE');
  }

  test('within limits passes', () => {
    const plan = planOf([project('a')]);
    expect(() => checkPipelineLimits(childPipeline(plan))).not.toThrow();
  });

  test.each([
    ['jobs', { ...DEFAULT_LIMITS, maxJobs: 2 }, /4 jobs.*ci_pipeline_size/],
    ['needs', { ...DEFAULT_LIMITS, maxNeeds: 1 }, /needs 2 jobs.*ci_needs_size_limit/],
    [
      'loaded size',
      { ...DEFAULT_LIMITS, maxYamlBytes: 100 },
      /loads to about \d+ bytes.*max_yaml_size_bytes/,
    ],
  ])('too many %s fails early naming the limit', (_what, limits, message) => {
    const plan = planOf([project('a')]);
    const error = tooLarge(() => checkPipelineLimits(childPipeline(plan), limits));
    expect(error.code).toBe('PLAN_TOO_LARGE');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });

  test('fitsOnePipeline: too many jobs or too big can be split; a job with too many needs cannot', () => {
    const pipeline = childPipeline(planOf([project('a')]));
    expect(fitsOnePipeline(pipeline)).toBe(true);
    expect(fitsOnePipeline(pipeline, { ...DEFAULT_LIMITS, maxJobs: 2 })).toBe(false);
    expect(fitsOnePipeline(pipeline, { ...DEFAULT_LIMITS, maxYamlBytes: 100 })).toBe(false);
    const error = tooLarge(() => fitsOnePipeline(pipeline, { ...DEFAULT_LIMITS, maxJobs: 2, maxNeeds: 1 }));
    expect(error.message).toMatch(/needs 2 jobs.*ci_needs_size_limit/);
  });
});
