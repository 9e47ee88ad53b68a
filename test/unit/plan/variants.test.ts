// Variants (issue 13): one build-config.yaml, several images, each planned as <project>-<name>.
import { describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { expandVariants, selectVariants } from '../../../src/plan/variants.js';
import { planOf, project, selection } from './fixtures.js';

const kaniko = project('kaniko', {
  target: 'executor',
  build_args: [
    { name: 'VERSION', value: '1.28' },
    { name: 'DEBUG', value: '0' },
  ],
  additional_tags: ['latest'],
  depends_on: ['base'],
  variants: [
    { name: 'debug', target: 'debug', build_args: [{ name: 'DEBUG', value: '1' }] },
    { name: 'slim', platforms: ['linux/amd64'], additional_tags: ['slim-latest'] },
  ],
});

describe('variants', () => {
  test('each variant is a project of its own right after its project, its keys over the project’s', () => {
    const [base, debug, slim] = expandVariants([kaniko]);
    expect([base?.name, debug?.name, slim?.name]).toEqual(['kaniko', 'kaniko-debug', 'kaniko-slim']);
    expect(debug?.config).toMatchObject({
      target: 'debug',
      // Merged by name: the variant's DEBUG replaces the project's, VERSION stays.
      build_args: [
        { name: 'VERSION', value: '1.28' },
        { name: 'DEBUG', value: '1' },
      ],
      platforms: ['linux/amd64', 'linux/arm64'],
      additional_tags: ['latest'],
      depends_on: ['base'],
      variants: [],
    });
    expect(slim?.config).toMatchObject({
      target: 'executor',
      platforms: ['linux/amd64'],
      additional_tags: ['slim-latest'],
    });
    // Built from the project's own folder and file.
    expect(slim?.dir).toBe(kaniko.dir);
  });

  test('a variant is selected with its project, with its reasons, and planned as an image of its own', () => {
    const picked = selectVariants(selection(['kaniko']), [kaniko]);
    expect(picked.projects.map((p) => p.name)).toEqual(['kaniko', 'kaniko-debug', 'kaniko-slim']);
    expect(picked.projects[2]?.reasons).toEqual(picked.projects[0]?.reasons);

    const base = project('base');
    const plan = planOf(expandVariants([base, kaniko]), ['base', 'kaniko', 'kaniko-debug', 'kaniko-slim']);
    const slim = plan.projects.find((p) => p.name === 'kaniko-slim');
    expect(slim?.builds.map((b) => b.name)).toEqual(['build:kaniko-slim:amd64']);
    expect(slim?.tags.default).toMatch(/^kaniko-slim-\d{8}-[0-9a-f]{8}$/);
    expect(slim?.tags.additional).toEqual(['kaniko-slim-slim-latest']);
    // Ordered after its project's dependencies, as its project is.
    expect(slim?.manifest.dependencyNeeds).toEqual(['manifest:base']);
    expect(plan.projects.find((p) => p.name === 'kaniko-debug')?.builds[0]?.spec.target).toBe('debug');
  });

  test('a variant whose image name another project has is refused, naming the field', () => {
    let error: unknown;
    try {
      expandVariants([kaniko], ['kaniko', 'kaniko-slim']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).problems).toEqual([
      {
        file: 'projects/kaniko/build-config.yaml',
        field: 'variants[1].name',
        message: 'variant "slim" would be the image kaniko-slim, and there is a project of that name',
        hint: 'rename the variant or the project',
      },
    ]);
  });
});
