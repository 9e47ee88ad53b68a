// The harness reads per-job results from gitlab-ci-local's summary, because 4.73.0 passes a
// trigger job even when its child pipeline fails (strategy: depend is ignored). Captured output.
import { describe, expect, test } from 'vitest';
import { jobResults } from '../harness/gitlab-ci-local.js';

const OUTPUT = [
  ' WARN  downstream pipeline is experimental in gitlab-ci-local',
  '\t[kiln-build] -> build:a:amd64 finished in 8.58 ms  FAIL 3 ',
  ' PASS  [kiln-build] -> manifest:b      ',
  ' FAIL  build:a:amd64',
  '  > exit 3',
  '',
  ' PASS  kiln-prepare',
  ' PASS  kiln-build  ',
  'pipeline finished in 12 s',
].join('\n');

describe('jobResults', () => {
  test('every job of parent and child pipelines, failed ones false, notices ignored', () => {
    expect(Object.fromEntries(jobResults(OUTPUT))).toEqual({
      'manifest:b': true,
      'build:a:amd64': false,
      'kiln-prepare': true,
      'kiln-build': true,
    });
  });
});
