// The promise: whatever the builder, a build job has the same shape — pinned source,
// per-arch tag, digest artifact, labels, build args — so the manifest job and the DAG never care.
// Two projects that differ only in `builder:` are rendered into one child pipeline and compared.
import { describe, expect, test } from 'vitest';
import { childPipeline } from '../../../src/render/render-child-pipeline.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { planOf, project, SHA_A } from '../plan/fixtures.js';

type Job = Record<string, unknown> & {
  script: string[];
  variables: Record<string, string>;
  artifacts: { paths: string[] };
  tags?: string[];
  image: { name: string };
};

const buildArgs = [{ name: 'VERSION', value: '1.2.3' }];
// A plain OCI registry: buildah does not push to ECR (a plan error, tested in assemble-plan.test.ts).
const REGISTRY = { registry: 'registry.example.com/images' };
const plan = planOf(
  [
    project('viakaniko', { builder: 'kaniko', build_args: buildArgs, additional_tags: ['stable'] }),
    project('viabuildah', { builder: 'buildah', build_args: buildArgs, additional_tags: ['stable'] }),
  ],
  undefined,
  'push',
  REGISTRY,
);
// As GitLab runs them: with the hidden jobs they extend merged in.
const doc = resolveExtends(childPipeline(plan)) as Record<string, Job>;

describe('build jobs of both builders', () => {
  test.each(['amd64', 'arm64'])('%s: same job keys, runner tags, needs and artifact layout', (arch) => {
    const kaniko = doc[`build:viakaniko:${arch}`]!;
    const buildah = doc[`build:viabuildah:${arch}`]!;
    expect(Object.keys(buildah).sort()).toEqual(Object.keys(kaniko).sort());
    expect(buildah.tags).toEqual(kaniko.tags);
    expect(buildah['needs']).toEqual(kaniko['needs']);
    expect(buildah.artifacts.paths).toEqual([`kiln/digests/viabuildah/${arch}.digest`]);
    expect(kaniko.artifacts.paths).toEqual([`kiln/digests/viakaniko/${arch}.digest`]);
    expect(buildah.variables['GIT_STRATEGY']).toBe(kaniko.variables['GIT_STRATEGY']);
  });

  test.each([
    ['the pinned upstream SHA', new RegExp(SHA_A)],
    ['the per-arch destination tag', /:via\w+-\d{8}-[0-9a-f]+-arm64/],
    ['the digest file', /kiln\/digests\/via\w+\/arm64\.digest/],
    ['the revision label', new RegExp(`org\\.opencontainers\\.image\\.revision=${SHA_A}`)],
    // Kaniko quotes `--build-arg=NAME=` as one word ('--build-arg=VERSION='1.2.3), buildah does not.
    ['the build arg', /VERSION='?1\.2\.3/],
  ])('both scripts carry %s', (_what, pattern) => {
    for (const name of ['build:viakaniko:arm64', 'build:viabuildah:arm64']) {
      expect(doc[name]!.script.join('\n'), name).toMatch(pattern);
    }
  });

  test('each runs in its own pinned builder image', () => {
    expect(doc['build:viakaniko:amd64']!.image.name).toBe(plan.images.kaniko);
    expect(doc['build:viabuildah:amd64']!.image.name).toBe(plan.images.buildah);
  });

  test('the manifest jobs do not depend on the builder', () => {
    const strip = (job: Job) =>
      JSON.stringify(job).replaceAll('viakaniko', 'X').replaceAll('viabuildah', 'X');
    expect(strip(doc['manifest:viabuildah']!)).toBe(strip(doc['manifest:viakaniko']!));
  });
});

describe('which builder a project gets', () => {
  test.each([
    ['kaniko', undefined, 'kaniko'],
    ['buildah', undefined, 'buildah'],
    ['buildah', 'kaniko', 'kaniko'],
    ['kaniko', 'buildah', 'buildah'],
  ] as const)('global %s, project builder: %s → %s', (global, own, expected) => {
    const p = project('app', own ? { builder: own } : {});
    const built = planOf([p], ['app'], 'push', { ...REGISTRY, builder: global });
    const job = (resolveExtends(childPipeline(built)) as Record<string, Job>)['build:app:amd64']!;
    expect(job.image.name).toBe(built.images[expected]);
    expect(built.projects[0]!.builds.every((b) => b.builder === expected)).toBe(true);
  });
});
