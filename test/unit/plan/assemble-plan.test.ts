import { describe, expect, test } from 'vitest';
import type { Settings } from '../../../src/config/settings.js';
import { KilnError } from '../../../src/errors.js';
import { assemblePlan } from '../../../src/plan/assemble-plan.js';
import { formatPlan } from '../../../src/plan/format-plan.js';
import type { PipelineRef } from '../../../src/plan/release.js';
import { repositoriesToCreate } from '../../../src/plan/repositories.js';
import type { Project, Trigger } from '../../../src/types.js';
import { PIPELINE, pins, planOf, project, SHA_A, selection, settings } from './fixtures.js';

const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images';

function plan(
  projects: Project[],
  names = projects.map((p) => p.name),
  extra: Partial<Settings> = {},
  trigger: Trigger = 'push',
) {
  return planOf(projects, names, trigger, extra);
}

function planError(run: () => unknown): KilnError {
  try {
    run();
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  throw new Error('expected a KilnError');
}

describe('assemblePlan', () => {
  test('one build job per platform, pinned SHA, destination per arch, runner tags from settings', () => {
    const p = plan([project('nginx')]);
    const [nginx] = p.projects;
    expect(nginx?.builds.map((b) => [b.name, b.spec.destination, b.runnerTags])).toEqual([
      ['build:nginx:amd64', `${REGISTRY}:nginx-20260304-01234567-amd64`, ['$CICD_TAG_AMD64']],
      ['build:nginx:arm64', `${REGISTRY}:nginx-20260304-01234567-arm64`, ['$CICD_TAG_ARM64']],
    ]);
    expect(nginx?.builds[0]?.spec.source).toEqual({
      kind: 'git',
      url: 'https://git.example.com/up/nginx.git',
      ref: 'main',
      sha: SHA_A,
      resolvedRef: 'refs/heads/main',
    });
    expect(nginx?.builds[0]?.spec.labels).toEqual({
      'org.opencontainers.image.source': 'https://git.example.com/up/nginx.git',
      'org.opencontainers.image.revision': SHA_A,
      'org.opencontainers.image.created': '2026-03-04T23:30:00.000Z',
      'org.opencontainers.image.version': 'main',
      'org.opencontainers.image.title': 'nginx',
    });
    expect(nginx?.manifest.buildNeeds).toEqual(['build:nginx:amd64', 'build:nginx:arm64']);
    expect(nginx?.manifest.spec.tags).toEqual(['nginx-20260304-01234567']);
    expect(p.push).toBe(true);
  });

  test('per-project repositories and one cache repository per architecture', () => {
    const p = plan([project('a'), project('b', { platforms: ['linux/amd64'] })], undefined, {
      repositoryMode: 'per-project',
    });
    expect(p.projects.map((x) => x.repository)).toEqual([`${REGISTRY}/a`, `${REGISTRY}/b`]);
    expect(p.cacheRepositories).toEqual([`${REGISTRY}/cache/amd64`, `${REGISTRY}/cache/arm64`]);
    expect(repositoriesToCreate(p)).toEqual([
      `${REGISTRY}/a`,
      `${REGISTRY}/b`,
      `${REGISTRY}/cache/amd64`,
      `${REGISTRY}/cache/arm64`,
    ]);
  });

  test.each([
    ['push', true],
    ['schedule', false],
    ['manual', true],
  ] as const)('%s pipeline: layer cache %s', (trigger, cached) => {
    const p = plan([project('a')], undefined, {}, trigger);
    expect(p.projects[0]?.builds[0]?.spec.cacheRepository !== undefined).toBe(cached);
  });

  test('merge requests in plan mode push nothing and get no release tags', () => {
    const p = plan([project('a', { additional_tags: ['latest'] })], undefined, {}, 'mr');
    expect(p.push).toBe(false);
    // No ref known (outside GitLab): the default tag still names the merge request.
    expect(p.projects[0]?.manifest.spec.tags).toEqual(['a-20260304-01234567-ref-mr']);
    expect(p.projects[0]?.tags.skipped).toEqual(['a-latest']);
    expect(p.release).toEqual({ moves: false, why: 'merge-request pipelines never move release tags' });
    expect(plan([project('a')], undefined, { mergeRequests: 'build' }, 'mr').push).toBe(true);
  });

  test('use_local_context builds the project folder, or the repository root', () => {
    const own = plan([project('app', { use_local_context: true, upstream_repo: undefined })]);
    expect(own.projects[0]?.builds[0]?.spec.source).toEqual({ kind: 'local', dir: 'projects/app' });
    expect(own.projects[0]?.builds[0]?.spec.labels['org.opencontainers.image.revision']).toBe(
      PIPELINE.commitSha,
    );
    const root = plan([project('app', { use_local_context: true, local_context: 'repository' })]);
    expect(root.projects[0]?.builds[0]?.spec.source).toEqual({ kind: 'local', dir: '.' });
  });

  test('dependencies: build jobs need the dependency manifest; manifest needs own builds + dependency manifests', () => {
    const base = project('base', { additional_tags: ['stable'] });
    const app = project('app', {
      depends_on: ['base'],
      build_args: [{ name: 'BASE', value: '{{image:base}}' }],
    });
    const p = plan([base, app]);
    const planned = p.projects[1];
    expect(planned?.builds.map((b) => b.needs)).toEqual([['manifest:base'], ['manifest:base']]);
    expect(planned?.manifest.buildNeeds).toEqual(['build:app:amd64', 'build:app:arm64']);
    expect(planned?.manifest.dependencyNeeds).toEqual(['manifest:base']);
    expect(planned?.builds[0]?.spec.buildArgs).toEqual([
      { name: 'BASE', value: `${REGISTRY}:base-20260304-01234567` },
    ]);

    // base not rebuilt in this pipeline: its first additional tag, and no needs.
    const only = plan([base, app], ['app']);
    expect(only.projects[0]?.builds[0]?.spec.buildArgs).toEqual([
      { name: 'BASE', value: `${REGISTRY}:base-stable` },
    ]);
    expect(only.projects[0]?.builds[0]?.needs).toEqual([]);
  });

  test.each([
    [
      'an image placeholder outside depends_on',
      [project('app', { build_args: [{ name: 'B', value: '{{image:base}}' }] }), project('base')],
      ['app'],
      /not in depends_on/,
    ],
    [
      'a dependency that is not rebuilt and has no additional tag',
      [
        project('app', { depends_on: ['base'], build_args: [{ name: 'B', value: '{{image:base}}' }] }),
        project('base'),
      ],
      ['app'],
      /add an additional tag/,
    ],
    ['a platform without runner tags', [project('a', { platforms: ['linux/s390x'] })], ['a'], /runner_tags/],
    ['an ssh upstream with Kaniko', [project('a', { upstream_repo: 'git@host:x/y.git' })], ['a'], /buildah/],
  ])('%s is a plan error that names the fix', (_what, projects, names, hint) => {
    const error = planError(() => plan(projects, names));
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.problems.map((p) => `${p.message} ${p.hint ?? ''}`).join('\n')).toMatch(hint);
    expect(error.problems[0]?.file).toBe(`projects/${projects[0]?.name}/build-config.yaml`);
  });

  test('buildah to ECR: through the OIDC role, with kiln’s image as the password helper; without a role, refused before anything runs', () => {
    const ecr = { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images' };
    const error = planError(() => plan([project('a', { builder: 'buildah' })], undefined, ecr));
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: 'projects/a/build-config.yaml',
        field: 'builder',
        message: expect.stringContaining('only with a GitLab OIDC role'),
        hint: expect.stringMatching(/aws_role_arn/),
      }),
    ]);
    expect(plan([project('a')], undefined, ecr).projects).toHaveLength(1);

    const withRole = assemblePlan({
      selection: selection(['a']),
      projects: [project('a', { builder: 'buildah' })],
      settings: settings(ecr),
      pinned: pins([project('a')]),
      pipeline: PIPELINE,
      awsRoleArnSet: true,
    });
    expect(withRole.awsOidc).toBe(true);
    expect(withRole.projects[0]?.builds[0]?.spec.ecrLogin).toEqual({
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      helperImage: 'registry.gitlab.com/kiln-ci/kiln:0.1.0',
    });
  });

  test('an unset registry and a runner tag GitLab cannot express are settings problems', () => {
    const error = planError(() =>
      plan([project('a')], undefined, {
        registry: '',
        runnerTags: { 'linux/amd64': ['a b'], 'linux/arm64': ['$X'] },
      }),
    );
    expect(error.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['registry', 'runner_tags.linux/amd64[0]']),
    );
  });

  test('a local-context project outside CI (no project URL) gets no empty source label', () => {
    const projects = [project('app', { use_local_context: true })];
    const built = assemblePlan({
      selection: selection(['app']),
      projects,
      settings: settings(),
      pinned: {},
      pipeline: { ...PIPELINE, projectUrl: undefined },
    });
    const labels = built.projects[0]!.builds[0]!.spec.labels;
    expect(labels).not.toHaveProperty('org.opencontainers.image.source');
    expect(labels['org.opencontainers.image.revision']).toBe(PIPELINE.commitSha);
  });

  test('an empty selection is a valid, empty plan', () => {
    const p = plan([project('a')], []);
    expect(p.projects).toEqual([]);
    expect(p.cacheRepositories).toEqual([]);
  });
});

// Issue 15, finding 4: two projects writing one tag of one repository, where the last manifest
// job would silently win.
describe('assemblePlan refuses a tag two projects would write', () => {
  const web = project('web', { additional_tags: ['api-latest', 'stable'] });
  const webApi = project('web-api', { additional_tags: ['latest'] });

  test('the example of the issue, also when only one of the two is rebuilt', () => {
    for (const names of [['web', 'web-api'], ['web'], ['web-api']]) {
      const error = planError(() => plan([web, webApi], names));
      expect(error.code).toBe('PLAN_INVALID');
      expect(error.problems).toEqual([
        expect.objectContaining({
          file: 'projects/web-api/build-config.yaml',
          field: 'additional_tags[0]',
          message: expect.stringContaining(
            'tag "web-api-latest" of 123456789012.dkr.ecr.eu-west-1.amazonaws.com/images is also written by project web (projects/web/build-config.yaml: additional_tags[0])',
          ),
        }),
      ]);
    }
  });

  test('a merge request, which pushes no release tags, is refused too: before the merge', () => {
    expect(planError(() => plan([web, webApi], ['web'], {}, 'mr')).problems).toHaveLength(1);
  });

  test('per-project repositories do not share tags; a collision of two unselected projects is not this plan’s', () => {
    expect(plan([web, webApi], ['web'], { repositoryMode: 'per-project' }).projects).toHaveLength(1);
    const other = project('other');
    expect(plan([other, web, webApi], ['other']).projects.map((p) => p.name)).toEqual(['other']);
  });

  test('an additional tag equal to another project’s default or per-architecture tag', () => {
    const sneaky = project('a', { additional_tags: ['b-20260304-01234567-arm64'] });
    const error = planError(() => plan([sneaky, project('a-b')], ['a']));
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: 'projects/a-b/build-config.yaml',
        field: 'platforms',
        message: expect.stringContaining(
          'tag "a-b-20260304-01234567-arm64" of 123456789012.dkr.ecr.eu-west-1.amazonaws.com/images is also written by project a (projects/a/build-config.yaml: additional_tags[0])',
        ),
      }),
    ]);
  });
});

// Issue 15: only release refs move release tags. Every trigger, on the default branch and on
// another one, with GitLab's own CI_COMMIT_REF_* variables as the prepare job reads them.
describe('release tags move only from release refs', () => {
  const app = project('app', { additional_tags: ['latest', 'stable'] });
  const main = { name: 'main', slug: 'main', protected: true, defaultBranch: 'main' };
  const feature = { name: 'feature/x', slug: 'feature-x', protected: false, defaultBranch: 'main' };

  function planOn(ref: PipelineRef, trigger: Trigger, releaseRefs: string[] = []) {
    return assemblePlan({
      selection: selection(['app'], trigger),
      projects: [app],
      settings: settings({ releaseRefs, mergeRequests: 'build' }),
      pinned: pins([app]),
      pipeline: { ...PIPELINE, ref },
    });
  }

  test.each(['push', 'manual', 'schedule'] as const)('%s on the default branch moves them', (trigger) => {
    const p = planOn(main, trigger);
    expect(p.release).toEqual({ moves: true, why: 'main is a release ref (the default branch)' });
    expect(p.projects[0]?.manifest.spec.tags).toEqual(['app-20260304-01234567', 'app-latest', 'app-stable']);
  });

  test.each(['push', 'manual', 'schedule'] as const)(
    '%s on another branch builds, pushes a default tag naming the branch, and skips them',
    (trigger) => {
      const p = planOn({ ...feature, protected: true }, trigger);
      expect(p.release).toEqual({
        moves: false,
        why: 'feature/x is not a release ref (the default branch)',
      });
      const [planned] = p.projects;
      expect(planned?.manifest.spec.tags).toEqual(['app-20260304-01234567-ref-feature-x']);
      expect(planned?.builds.map((b) => b.spec.destination.split(':').at(-1))).toEqual([
        'app-20260304-01234567-ref-feature-x-amd64',
        'app-20260304-01234567-ref-feature-x-arm64',
      ]);
      expect(planned?.tags.skipped).toEqual(['app-latest', 'app-stable']);
      expect(formatPlan(p)).toContain(
        'release tags: skipped, feature/x is not a release ref (the default branch)',
      );
      expect(formatPlan(p)).toMatch(/skipped: +app-latest, app-stable \(release tags\)/);
    },
  );

  test('a merge request on either branch skips them', () => {
    for (const ref of [main, feature]) {
      expect(planOn(ref, 'mr').release.moves).toBe(false);
      expect(planOn(ref, 'mr').projects[0]?.tags.default).toBe(`app-20260304-01234567-ref-${ref.slug}`);
    }
  });

  test('release_refs globs; a matching ref that GitLab says is unprotected does not move them', () => {
    const release = { ...feature, name: 'release/1.x', slug: 'release-1-x', protected: true };
    expect(planOn(release, 'push', ['main', 'release/*']).release).toEqual({
      moves: true,
      why: 'release/1.x is a release ref (release_refs: main, release/*)',
    });
    expect(planOn(main, 'push', ['release/*']).release.moves).toBe(false);
    const unprotected = planOn({ ...release, protected: false }, 'push', ['release/*']);
    expect(unprotected.release.moves).toBe(false);
    expect(unprotected.release.why).toContain('CI_COMMIT_REF_PROTECTED=false');
    expect(unprotected.projects[0]?.manifest.spec.tags).toEqual(['app-20260304-01234567-ref-release-1-x']);
  });
});

describe('labels and OCI annotations (issue 13)', () => {
  test('kiln.yaml sets them for every project, a project overrides per key; builders get labels, the index annotations', () => {
    const web = project('web', {
      labels: { 'com.example.team': 'web' },
      annotations: { description: 'The web image' },
    });
    const plan = planOf([web, project('api')], undefined, 'push', {
      labels: { 'com.example.team': 'platform', 'com.example.cost-centre': '42' },
      annotations: { licenses: 'Apache-2.0', vendor: 'Example' },
    });
    const [planned, api] = plan.projects;
    const expected = {
      'com.example.cost-centre': '42',
      'com.example.team': 'web',
      'org.opencontainers.image.description': 'The web image',
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.vendor': 'Example',
    };
    expect(planned?.manifest.spec.annotations).toEqual(expected);
    expect(planned?.builds[0]?.spec.labels).toMatchObject(expected);
    // kiln's own labels stay kiln's.
    expect(planned?.builds[0]?.spec.labels['org.opencontainers.image.revision']).toBe(SHA_A);
    expect(api?.manifest.spec.annotations).toEqual({
      'com.example.cost-centre': '42',
      'com.example.team': 'platform',
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.vendor': 'Example',
    });
  });

  test('without any, the manifest spec has no annotations key (the index bytes stay as they were)', () => {
    expect(planOf([project('web')]).projects[0]?.manifest.spec).not.toHaveProperty('annotations');
  });
});
