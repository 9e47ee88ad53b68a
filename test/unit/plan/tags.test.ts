import { describe, expect, test } from 'vitest';
import { computeTags, tagNeighbours, templateProblems, utcDate } from '../../../src/plan/tags.js';
import { MONOREPO_SHA, project } from './fixtures.js';

const base = { created: new Date('2026-03-04T23:30:00Z'), commitSha: MONOREPO_SHA, pipelineId: '4711' };
const single = { tagTemplate: '{project}-{date}-{shortsha}', repositoryMode: 'single' as const };

describe('computeTags', () => {
  test('default tag: project, UTC pipeline date, 8-character monorepo short SHA', () => {
    const { tags, problems } = computeTags({ ...base, project: project('nginx'), settings: single });
    expect(problems).toEqual([]);
    expect(tags.default).toBe('nginx-20260304-01234567');
  });

  test('the date is the UTC date, not the local one', () => {
    expect(utcDate(new Date('2026-12-31T23:59:59-05:00'))).toBe('20270101');
  });

  test.each([
    [
      ['linux/amd64', 'linux/arm64'],
      ['nginx-20260304-01234567-amd64', 'nginx-20260304-01234567-arm64'],
    ],
    [['linux/arm/v7'], ['nginx-20260304-01234567-arm-v7']],
    [['linux/amd64/v3'], ['nginx-20260304-01234567-amd64-v3']],
  ])('per-architecture tags for %j', (platforms, expected) => {
    const { tags } = computeTags({ ...base, project: project('nginx', { platforms }), settings: single });
    expect(tags.perArch.map((t) => t.tag)).toEqual(expected);
  });

  test('additional tags are prefixed with the project; off a release ref they are skipped and the default tag names the ref', () => {
    const p = project('nginx', { additional_tags: ['latest', '1.27'] });
    expect(computeTags({ ...base, project: p, settings: single }).tags).toMatchObject({
      default: 'nginx-20260304-01234567',
      additional: ['nginx-latest', 'nginx-1.27'],
      skipped: [],
    });
    const branch = computeTags({ ...base, project: p, settings: single, refSlug: 'feature-x' }).tags;
    expect(branch).toMatchObject({
      default: 'nginx-20260304-01234567-ref-feature-x',
      additional: [],
      skipped: ['nginx-latest', 'nginx-1.27'],
    });
    expect(branch.perArch.map((t) => t.tag)).toEqual([
      'nginx-20260304-01234567-ref-feature-x-amd64',
      'nginx-20260304-01234567-ref-feature-x-arm64',
    ]);
    // The longest slug GitLab makes (63) still leaves a valid tag.
    const long = computeTags({ ...base, project: p, settings: single, refSlug: 'a'.repeat(63) });
    expect(long.problems).toEqual([]);
    expect(long.tags.default).toBe(`nginx-20260304-01234567-ref-${'a'.repeat(40)}`);
  });

  test.each([
    ['{project}-{sha}', `nginx-${MONOREPO_SHA}`],
    ['{project}-p{pipeline}', 'nginx-p4711'],
    ['{project}_{date}.{shortsha}', 'nginx_20260304.01234567'],
  ])('template %s → %s', (tagTemplate, expected) => {
    const { tags } = computeTags({
      ...base,
      project: project('nginx'),
      settings: { ...single, tagTemplate },
    });
    expect(tags.default).toBe(expected);
  });

  test.each([
    ['an additional tag with a slash', { additional_tags: ['feature/x'] }, 'additional_tags[0]'],
    [
      'an additional tag that makes the tag too long',
      { additional_tags: ['x'.repeat(130)] },
      'additional_tags[0]',
    ],
  ])('%s is a problem naming the file and field', (_what, config, field) => {
    const { problems } = computeTags({ ...base, project: project('nginx', config), settings: single });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'projects/nginx/build-config.yaml', field });
  });

  test('a default tag over 128 characters is a problem', () => {
    const { problems } = computeTags({ ...base, project: project('n'.repeat(120)), settings: single });
    expect(problems.map((p) => p.field)).toContain('tag_template');
    expect(problems[0]?.message).toMatch(/at most 128/);
  });
});

describe('templateProblems', () => {
  test.each([
    ['{project}-{date}-{shortsha}', 'single', 0],
    ['{date}-{shortsha}', 'per-project', 0],
    ['{date}-{shortsha}', 'single', 1],
    ['{project}-{date}', 'single', 1],
    ['{project}-{branch}-{sha}', 'single', 1],
  ] as const)('%s in %s mode: %i problem(s)', (template, mode, count) => {
    expect(templateProblems(template, mode)).toHaveLength(count);
  });
});

describe('tagNeighbours: the projects whose tags could meet the selected ones', () => {
  const all = ['web', 'web-api', 'web-api-v2', 'webapp', 'api', 'w'];
  const single = { tagTemplate: '{project}-{date}-{shortsha}', repositoryMode: 'single' as const };

  test('under a {project}- template, names that extend one another by a dash', () => {
    expect(tagNeighbours(['web-api'], all, single)).toEqual(['web', 'web-api-v2']);
    expect(tagNeighbours(['api'], all, single)).toEqual([]);
  });

  test('any other template makes every project a candidate; per-project repositories none', () => {
    expect(tagNeighbours(['api'], all, { ...single, tagTemplate: '{date}-{project}-{shortsha}' })).toEqual(
      all.filter((n) => n !== 'api'),
    );
    expect(tagNeighbours(['web'], all, { ...single, repositoryMode: 'per-project' })).toEqual([]);
  });
});

describe('tags a migrating team already pulls (issue 13)', () => {
  const perProject = { tagTemplate: '{project}-{date}-{shortsha}', repositoryMode: 'per-project' as const };

  test('{shortsha:7} gives the old pipeline’s 7 hex digits: kaniko-20260304-0123456', () => {
    const settings = { ...single, tagTemplate: '{project}-{date}-{shortsha:7}' };
    const { tags, problems } = computeTags({ ...base, project: project('kaniko'), settings });
    expect(problems).toEqual([]);
    expect(tags.default).toBe('kaniko-20260304-0123456');
    expect(templateProblems(settings.tagTemplate, 'single')).toEqual([]);
  });

  test.each([
    ['{shortsha:3}', /only \{shortsha\} takes a length, from 4 to 40/],
    ['{shortsha:41}', /from 4 to 40/],
    ['{date:7}-{shortsha}', /only \{shortsha\} takes a length/],
    ['{shortsha:x}', /only \{shortsha\} takes a length/],
  ])('%s is refused with what to write', (template, message) => {
    const problems = templateProblems(`{project}-${template}`, 'single');
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  test('per-project repositories get kaniko:latest, not kaniko:kaniko-latest; the prefix can be set either way', () => {
    const p = project('kaniko', { additional_tags: ['latest'] });
    expect(computeTags({ ...base, project: p, settings: perProject }).tags.additional).toEqual(['latest']);
    expect(computeTags({ ...base, project: p, settings: single }).tags.additional).toEqual(['kaniko-latest']);
    expect(
      computeTags({ ...base, project: p, settings: { ...perProject, prefixAdditionalTags: true } }).tags
        .additional,
    ).toEqual(['kaniko-latest']);
    expect(
      computeTags({ ...base, project: p, settings: { ...single, prefixAdditionalTags: false } }).tags
        .additional,
    ).toEqual(['latest']);
  });

  test.each([
    ['v1.23.2', ['v1.23.2', '1.23', '1', '1.23.2', 'latest']],
    ['refs/tags/v2.0.0', ['v2.0.0', '2.0', '2', '2.0.0', 'latest']],
    ['1.4.0+build.7', ['1.4.0-build.7', '1.4', '1', '1.4.0-build.7', 'latest']],
    // A pre-release gets no {major} or {major}.{minor} tag, as docker/metadata-action does.
    ['v3.0.0-rc.1', ['v3.0.0-rc.1', '3.0.0-rc.1', 'latest']],
  ])('upstream_ref %s fills {ref} {major}.{minor} {major} {version}', (ref, expected) => {
    const p = project('kaniko', {
      upstream_ref: ref,
      additional_tags: ['{ref}', '{major}.{minor}', '{major}', '{version}', 'latest'],
    });
    const { tags, problems } = computeTags({ ...base, project: p, settings: perProject });
    expect(problems).toEqual([]);
    expect(tags.additional).toEqual(expected);
  });

  test('{ref} of a branch with a slash becomes a valid tag; a semver placeholder on a branch is a plan error naming the field', () => {
    const branch = project('kaniko', { upstream_ref: 'release/1.x', additional_tags: ['{ref}'] });
    expect(computeTags({ ...base, project: branch, settings: perProject }).tags.additional).toEqual([
      'release-1.x',
    ]);
    const semver = project('kaniko', {
      upstream_ref: 'main',
      additional_tags: ['latest', '{major}.{minor}'],
    });
    const { problems } = computeTags({ ...base, project: semver, settings: perProject });
    expect(problems).toEqual([
      {
        file: 'projects/kaniko/build-config.yaml',
        field: 'additional_tags[1]',
        message: '"{major}.{minor}" uses {major}, and upstream_ref "main" is not a semver version',
        hint: 'use {ref}, or pin upstream_ref to a version such as v1.2.3',
      },
    ]);
  });

  test('a project built from this repository has no upstream_ref to fill a placeholder from', () => {
    const local = project('app', {
      use_local_context: true,
      upstream_repo: undefined,
      upstream_ref: undefined,
      additional_tags: ['{ref}'],
    });
    const { problems } = computeTags({ ...base, project: local, settings: single });
    expect(problems[0]?.message).toMatch(/uses \{ref\}, which comes from upstream_ref/);
  });

  test('every filled tag is still checked against the OCI grammar', () => {
    const long = project('kaniko', {
      upstream_ref: `v1.0.0-${'a'.repeat(130)}`,
      additional_tags: ['{version}'],
    });
    const { problems } = computeTags({ ...base, project: long, settings: perProject });
    expect(problems[0]).toMatchObject({
      field: 'additional_tags[0]',
      message: expect.stringMatching(/registries accept at most 128/),
    });
  });
});

test('without the prefix in a shared repository, every project is a neighbour: two latest tags meet', () => {
  const settings = {
    tagTemplate: '{project}-{date}-{shortsha}',
    repositoryMode: 'single' as const,
    prefixAdditionalTags: false,
  };
  expect(tagNeighbours(['web'], ['api', 'web', 'worker'], settings)).toEqual(['api', 'worker']);
});
