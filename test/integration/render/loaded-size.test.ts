// kiln's estimate of GitLab's loaded size (max_yaml_size_bytes), held against the real thing: Ruby's
// Psych loads each file kiln writes and a Gitlab::Utils::DeepSize-shaped traversal sums
// ObjectSpace.memsize_of, on the machine's ruby (Debian 12: 3.1). kiln's own arithmetic is no proof.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { stringifyForGitLab } from '../../../src/render/gitlab-yaml.js';
import { estimateLoadedSize } from '../../../src/render/loaded-size.js';
import { checkPipelineLimits, DEFAULT_LIMITS } from '../../../src/render/pipeline-limits.js';
import { childPipeline, renderChildPipeline } from '../../../src/render/render-child-pipeline.js';
import type { Project } from '../../../src/types.js';
import { gitlabDeepSizes } from '../../harness/deep-size.js';
import { planOf, project } from '../../unit/plan/fixtures.js';

let ruby = '';
beforeAll(() => {
  ruby = gitlabDeepSizes(['{}']).ruby;
});
/** The 3.1 model is exact only on the Ruby it models; on another, the bound still has to hold. */
const exactRuby = () => ruby.startsWith('3.1.');

/** A mix of what real configs hold: upstream and local builds, args, tags, one or two platforms, dependencies. */
function projects(count: number): Project[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `image-${String(i).padStart(4, '0')}`;
    return project(name, {
      ...(i % 4 === 3 ? { use_local_context: true, upstream_repo: undefined, upstream_ref: undefined } : {}),
      build_args: Array.from({ length: i % 5 }, (_, k) => ({ name: `ARG_${k}`, value: `value-${i}-${k}` })),
      additional_tags: i % 3 === 0 ? ['latest', `v${i}.0`] : [],
      target: i % 2 === 0 ? 'runtime' : '',
      platforms: i % 7 === 6 ? ['linux/amd64'] : ['linux/amd64', 'linux/arm64'],
      depends_on: i % 10 === 9 ? [`image-${String(i - 1).padStart(4, '0')}`] : [],
    });
  });
}

describe("a child pipeline's loaded size, as GitLab measures it", () => {
  // 30 projects put 65–128 jobs in the top Hash: the middle width of its bins.
  const SIZES = [1, 12, 30, 75, 300];

  test.each([
    ['kaniko', {}],
    // buildah reaches ECR only with a role (issue 15); any OCI registry here.
    ['buildah', { builder: 'buildah' as const, registry: 'registry.example.com/images' }],
  ])('%s plans of 1, 12, 30, 75 and 300 projects: never below Ruby’s figure', (_builder, extra) => {
    const plans = SIZES.map((n) => planOf(projects(n), undefined, 'push', extra));
    const pipelines = plans.map((plan) => childPipeline(plan));
    const texts = plans.map((plan, i) => renderChildPipeline(plan, pipelines[i]));
    const real = gitlabDeepSizes(texts).sizes;
    pipelines.forEach((pipeline, i) => {
      const measured = real[i] ?? Number.NaN;
      const bytes = Buffer.byteLength(texts[i] ?? '');
      // GitLab's figure is well above the file's bytes: counting bytes is what let big plans through.
      expect(measured).toBeGreaterThan(1.5 * bytes);
      expect(estimateLoadedSize(pipeline)).toBeGreaterThanOrEqual(measured);
      // Not so far above that kiln refuses plans GitLab takes: the bound prices Ruby 3.2+'s slots.
      expect(estimateLoadedSize(pipeline)).toBeLessThan(1.5 * measured);
      if (exactRuby()) expect(estimateLoadedSize(pipeline, 'ruby-3.1')).toBe(measured);
    });
  });

  test('any plain value kiln could write: the 3.1 model is exact on Ruby 3.1, the bound never below (300 random documents)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ minLength: 20, maxLength: 700 }),
      fc.constantFrom('', 'yes', '1_000', '2026-11-23', '<<', '\u2028'),
    );
    const leaf = fc.oneof(text, fc.boolean(), fc.integer(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      // Lengths across Ruby's growth steps: embedded arrays (3), the first heap step (20), and past
      // the 8-entry table of a small Hash.
      array: fc.array(tie('value'), { maxLength: 45 }),
      object: fc.dictionary(fc.string({ minLength: 1, maxLength: 24 }), tie('value'), { maxKeys: 40 }),
    }));
    const values = fc.sample(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 12 }),
      {
        numRuns: 300,
        seed: 16,
      },
    );
    const real = gitlabDeepSizes(values.map((v) => stringifyForGitLab(v))).sizes;
    const misses = values.flatMap((v, i) => {
      const measured = real[i] ?? Number.NaN;
      const bound = estimateLoadedSize(v);
      const exact = estimateLoadedSize(v, 'ruby-3.1');
      return bound < measured || (exactRuby() && exact !== measured) ? [{ v, measured, bound, exact }] : [];
    });
    expect(misses).toEqual([]);
  });

  test('a job costs at most half what it did before the shared parts moved into hidden jobs', () => {
    // The mix of bench/plan-render-bench.ts, 150 projects × 2 architectures. Before `extends:`
    // (commit f272830) Ruby measured 5,014 bytes per job for it; issue 16's target is half of that.
    const mix = Array.from({ length: 150 }, (_, i) =>
      project(`project-${String(i).padStart(4, '0')}`, {
        build_args: [
          { name: 'BASE', value: '${ECR_REGISTRY}/base:1' },
          { name: 'VERSION', value: `1.${i}` },
        ],
        additional_tags: ['latest'],
        target: i % 3 === 0 ? 'runtime' : '',
      }),
    );
    const pipeline = childPipeline(planOf(mix));
    const jobs = Object.keys(pipeline).filter((name) => /^(build|manifest):/.test(name));
    expect(jobs).toHaveLength(450);
    const [measured] = gitlabDeepSizes([stringifyForGitLab(pipeline)]).sizes;
    expect((measured ?? Number.NaN) / jobs.length).toBeLessThanOrEqual(5014 / 2);
  });

  test('the guard refuses what GitLab refuses, and lets through most of what it takes', () => {
    // The largest plan the guard lets through, found by halving.
    const fits = (n: number) => {
      try {
        checkPipelineLimits(childPipeline(planOf(projects(n))));
        return true;
      } catch {
        return false;
      }
    };
    let low = 1;
    let high = 1000;
    expect(fits(low)).toBe(true);
    expect(fits(high)).toBe(false);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (fits(mid)) low = mid;
      else high = mid;
    }
    const over = Math.ceil(low * 1.5);
    const [largest, refused] = gitlabDeepSizes([
      renderChildPipeline(planOf(projects(low))),
      renderChildPipeline(planOf(projects(over))),
    ]).sizes;
    expect(largest).toBeLessThanOrEqual(DEFAULT_LIMITS.maxYamlBytes);
    // The margin costs at most a third of the room GitLab gives.
    expect(largest).toBeGreaterThan(0.66 * DEFAULT_LIMITS.maxYamlBytes);
    // Half as many projects again: GitLab refuses the file, and so does kiln, in prepare.
    expect(refused).toBeGreaterThan(DEFAULT_LIMITS.maxYamlBytes);
    expect(fits(over)).toBe(false);
  });
});
