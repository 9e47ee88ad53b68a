// upstream_ref rules against git itself: for generated ref names, kiln accepts only what
// `git check-ref-format --allow-onelevel` accepts, and accepts everything git does except the
// characters kiln refuses on purpose (shell syntax, a leading "-").
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkUpstreamRef } from '../../../src/config/git-url.js';
import { requireTool } from '../../harness/tools.js';

function gitAccepts(ref: string): boolean {
  return spawnSync('git', ['check-ref-format', '--allow-onelevel', ref]).status === 0;
}

// Characters that matter to the rules, so generated names hit them often.
const ALPHABET = [
  'a',
  'b',
  '1',
  '.',
  '/',
  '-',
  '_',
  '@',
  '{',
  '}',
  '~',
  '^',
  ':',
  '?',
  '*',
  '[',
  '\\',
  ' ',
  '\t',
  '$',
  '(',
  'l',
  'o',
  'c',
  'k',
];
const refName = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));
const SHELL_OR_DASH = /^-|[$`'";|&<>()]/;

beforeAll(() => requireTool('git', 'git'));

describe('upstream_ref agrees with git check-ref-format', () => {
  test('kiln accepts a ref only when git does, and every git-valid ref without shell syntax', () => {
    fc.assert(
      fc.property(refName, (ref) => {
        const kiln = checkUpstreamRef(ref) === undefined;
        const git = gitAccepts(ref);
        if (kiln) expect(git, `kiln accepted ${JSON.stringify(ref)}, git did not`).toBe(true);
        if (git && !SHELL_OR_DASH.test(ref))
          expect(kiln, `git accepted ${JSON.stringify(ref)}, kiln did not`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  test.each(['v1.28.3', 'release/2.x', 'refs/tags/v1.0.0', 'a..b', 'x.lock', 'a@{1}', 'a//b', '.x', 'x.'])(
    '%s: same verdict as git',
    (ref) => {
      expect(checkUpstreamRef(ref) === undefined).toBe(gitAccepts(ref));
    },
  );
});
