// The README's pipeline picture (scripts/pipeline-picture.ts): drawn from a child pipeline kiln
// rendered and a run's output, one box per job, one line per `needs:` edge, columns by the DAG.
import { describe, expect, test } from 'vitest';
import { jobsOfRun, pipelineSvg } from '../../scripts/pipeline-picture.js';
import { renderChildPipeline } from '../../src/render/render-child-pipeline.js';
import { planOf, project } from './plan/fixtures.js';

describe('pipeline picture', () => {
  const plan = planOf([
    project('base'),
    project('app', { depends_on: ['base'], platforms: ['linux/amd64'] }),
  ]);
  const output = [
    'kiln-prepare       finished in 2.1 s',
    '\t[kiln-build] -> build:base:amd64   finished in 40 s',
    '\t[kiln-build] -> manifest:app       finished in 1.2 s  FAIL 1',
  ].join('\n');
  const jobs = jobsOfRun({
    childPipeline: renderChildPipeline(plan),
    output,
    parentJobs: ['kiln-prepare', 'kiln-build'],
  });

  test('every job of the run, with what it needs and how it ended', () => {
    expect(jobs.map((j) => j.name).sort()).toEqual(
      [
        'kiln-prepare',
        'kiln-build',
        'build:base:amd64',
        'build:base:arm64',
        'manifest:base',
        'build:app:amd64',
        'manifest:app',
        'kiln:summary',
      ].sort(),
    );
    const byName = new Map(jobs.map((j) => [j.name, j]));
    expect(byName.get('build:base:amd64')).toMatchObject({
      needs: ['kiln-build'],
      result: { passed: true, duration: '40 s' },
    });
    expect(byName.get('build:app:amd64')?.needs).toEqual(['manifest:base']);
    expect(byName.get('manifest:app')?.result).toEqual({ passed: false, duration: '1.2 s' });
    // The summary waits for its stage: drawn from the ends of the chains, the manifest jobs that nothing needs.
    expect(byName.get('kiln:summary')).toMatchObject({ afterStage: true, needs: ['manifest:app'] });
  });

  test('one box per job and one line per edge, columns in DAG order', () => {
    const svg = pipelineSvg(jobs);
    expect(svg.match(/<rect [^>]*rx="20"/g)).toHaveLength(jobs.length);
    expect(svg.match(/<line /g)).toHaveLength(jobs.reduce((sum, j) => sum + j.needs.length, 0));
    const x = (name: string) =>
      Number(
        new RegExp(
          `<rect x="(\\d+)"[^\\n]*\\n[^\\n]*\\n<text [^>]*>${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}<`,
        ).exec(svg)?.[1],
      );
    expect(x('kiln-prepare')).toBeLessThan(x('kiln-build'));
    expect(x('build:base:amd64')).toBeLessThan(x('manifest:base'));
    expect(x('manifest:base')).toBeLessThan(x('build:app:amd64'));
    expect(x('manifest:app')).toBeLessThan(x('kiln:summary'));
    expect(svg).toContain('stroke="#dd2b0e"');
  });
});
