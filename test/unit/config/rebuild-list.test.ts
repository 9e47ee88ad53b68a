import { describe, expect, test } from 'vitest';
import { parseRebuildList } from '../../../src/config/rebuild-list.js';
import { formatProblem } from '../../../src/errors.js';

const PROJECTS = ['kaniko-executor', 'kaniko-debug', 'hello'];

describe('parseRebuildList', () => {
  test('comments, blank lines, surrounding spaces and duplicates are ignored', () => {
    const text =
      '# weekly base-image refresh\n\n  kaniko-executor  \nhello # trailing comment\n\t\nhello\r\n';
    expect(parseRebuildList(text, 'rebuild-weekly.txt', PROJECTS)).toEqual({
      names: ['kaniko-executor', 'hello'],
      problems: [],
    });
  });

  test.each([
    ['kaniko-exector\n', 1, 1, '"kaniko-exector" is not a project (hint: did you mean "kaniko-executor"?)'],
    [
      'hello\n\n   nope   # gone\n',
      3,
      4,
      '"nope" is not a project (hint: write one project folder name per line)',
    ],
    ['hello world\n', 1, 1, '"hello world" is not a project (hint: did you mean "hello"?)'],
  ])('%j: unknown name at line %i col %i', (text, line, col, message) => {
    const { problems } = parseRebuildList(text, 'rebuild-weekly.txt', PROJECTS);
    expect(problems.map(formatProblem)).toEqual([`rebuild-weekly.txt:${line}:${col}: ${message}`]);
  });

  test('an empty file lists nothing', () => {
    expect(parseRebuildList('', 'r.txt', PROJECTS)).toEqual({ names: [], problems: [] });
  });
});
