import { describe, expect, test } from 'vitest';
import { parseProjectList } from '../../../src/select/project-list.js';

const known = ['nginx', 'redis', 'postgres'];

describe('parseProjectList', () => {
  test.each([
    ['all', 'all'],
    [' ALL ', 'all'],
    ['nginx', ['nginx']],
    ['nginx, redis', ['nginx', 'redis']],
    ['nginx redis\npostgres', ['nginx', 'redis', 'postgres']],
    ['nginx,nginx', ['nginx']],
  ])('%j → %j', (value, expected) => {
    expect(parseProjectList(value, known, 'KILN_PROJECTS')).toEqual(expected);
  });

  test.each([
    ['ngnix', /KILN_PROJECTS: unknown project "ngnix"/, /did you mean "nginx"/],
    ['nginx,mysql', /unknown project "mysql"/, /"mysql": no such project/],
  ])('%j is an error with a hint', (value, message, hint) => {
    try {
      parseProjectList(value, known, 'KILN_PROJECTS');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as { hint: string }).hint).toMatch(hint);
    }
  });

  test('empty is a usage error', () => {
    expect(() => parseProjectList(' , ', known, '--projects')).toThrow('--projects is empty');
  });
});
