import { describe, expect, test } from 'vitest';
import { formatProblem, KilnError, throwIfProblems } from '../../src/errors.js';

describe('problem formatting', () => {
  test.each([
    [
      {
        file: 'projects/a/build-config.yaml',
        line: 3,
        col: 5,
        field: 'platforms[0]',
        message: 'bad',
        hint: 'fix',
      },
      'projects/a/build-config.yaml:3:5: platforms[0]: bad (hint: fix)',
    ],
    [{ file: 'f.yaml', message: 'unreadable' }, 'f.yaml: unreadable'],
    [{ field: 'KILN_CACHE', message: 'not a boolean' }, 'KILN_CACHE: not a boolean'],
    [{ message: 'plain' }, 'plain'],
  ])('%j', (problem, expected) => {
    expect(formatProblem(problem)).toBe(expected);
  });

  test('usage errors exit 2, others 1', () => {
    expect(new KilnError('USAGE', 'x').exitCode).toBe(2);
    expect(new KilnError('CONFIG_INVALID', 'x').exitCode).toBe(1);
  });

  test('throwIfProblems aggregates', () => {
    expect(() => throwIfProblems('CONFIG_INVALID', 'invalid', [])).not.toThrow();
    expect(() => throwIfProblems('CONFIG_INVALID', 'invalid', [{ message: 'a' }, { message: 'b' }])).toThrow(
      'invalid: 2 problems',
    );
  });
});
