import { describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { type SelectionInput, selectProjects } from '../../../src/select/select-projects.js';
import type { FileChange } from '../../../src/types.js';
import { project } from '../plan/fixtures.js';

const rules = { projectsDir: 'projects', ignore: ['**/*.md'], globalPaths: ['shared'] };
const projects = [project('nginx'), project('redis'), project('tools')];
const M = (path: string): FileChange => ({ status: 'M', path });

function fromChanges(changes: FileChange[], extra: Partial<SelectionInput> = {}) {
  return selectProjects({ trigger: 'push', projects, rules, source: { kind: 'changes', changes }, ...extra });
}
const names = (s: ReturnType<typeof selectProjects>) => s.projects.map((p) => p.name);

describe('selectProjects: changed files', () => {
  test.each<[string, FileChange[], string[]]>([
    ['a file in a project folder', [M('projects/nginx/Dockerfile')], ['nginx']],
    ['a nested file', [M('projects/redis/conf/deep/redis.conf')], ['redis']],
    ['docs only', [M('projects/nginx/README.md'), M('projects/redis/docs/x.md')], []],
    ['a root file outside projects', [M('.gitlab-ci.yml')], []],
    ['a global path selects every project', [M('shared/ca.pem')], ['nginx', 'redis', 'tools']],
    ['docs in a global path do not', [M('shared/README.md')], []],
    ['a project named like a prefix of another', [M('projects/nginx-extra/file')], []],
    ['several projects', [M('projects/tools/a'), M('projects/nginx/b')], ['nginx', 'tools']],
  ])('%s', (_what, changes, expected) => {
    expect(names(fromChanges(changes))).toEqual(expected);
  });

  test('each project carries the files that selected it', () => {
    const s = fromChanges([M('projects/nginx/a'), M('projects/nginx/README.md'), M('projects/nginx/b/c')]);
    expect(s.projects).toEqual([
      { name: 'nginx', reasons: [{ kind: 'changed', files: ['projects/nginx/a', 'projects/nginx/b/c'] }] },
    ]);
    expect(s.notes.join('\n')).toContain('1 changed file(s) matched the ignore globs');
  });

  test('a build-config.yaml whose parsed config is unchanged does not rebuild, and says so', () => {
    const s = selectProjects({
      trigger: 'push',
      projects,
      rules,
      source: {
        kind: 'changes',
        changes: [M('projects/nginx/build-config.yaml')],
        sameConfig: ['projects/nginx/build-config.yaml'],
      },
    });
    expect(s.projects).toEqual([]);
    expect(s.notes.join('\n')).toContain('projects/nginx/build-config.yaml: only comments');
  });

  test('a deleted project is reported, not built', () => {
    const s = fromChanges([
      { status: 'D', path: 'projects/old/build-config.yaml' },
      { status: 'D', path: 'projects/old/Dockerfile' },
    ]);
    expect(s.projects).toEqual([]);
    expect(s.deleted).toEqual(['old']);
  });

  test('a renamed project is built under its new name', () => {
    const s = fromChanges([
      { status: 'R', from: 'projects/web/build-config.yaml', path: 'projects/nginx/build-config.yaml' },
      { status: 'R', from: 'projects/web/Dockerfile', path: 'projects/nginx/Dockerfile' },
    ]);
    expect(s.projects).toEqual([{ name: 'nginx', reasons: [{ kind: 'renamed', from: 'web' }] }]);
    expect(s.deleted).toEqual([]);
  });

  test('watch_paths select a project for files outside its folder', () => {
    const watching = [project('nginx', { watch_paths: ['lib/http/**'] }), project('redis')];
    const s = selectProjects({
      trigger: 'push',
      projects: watching,
      rules,
      source: { kind: 'changes', changes: [M('lib/http/server.c')] },
    });
    expect(s.projects).toEqual([
      { name: 'nginx', reasons: [{ kind: 'changed', files: ['lib/http/server.c'] }] },
    ]);
  });

  test('base and head are carried through', () => {
    const s = fromChanges([], { base: 'a'.repeat(40), head: 'b'.repeat(40) });
    expect([s.base, s.head, s.trigger]).toEqual(['a'.repeat(40), 'b'.repeat(40), 'push']);
  });
});

describe('selectProjects: lists and fallbacks', () => {
  test('a schedule selects the listed projects with the list file as reason', () => {
    const s = selectProjects({
      trigger: 'schedule',
      projects,
      rules,
      source: {
        kind: 'list',
        names: ['tools', 'nginx'],
        reason: { kind: 'scheduled', file: 'rebuild-weekly.txt' },
      },
    });
    expect(s.projects).toEqual([
      { name: 'nginx', reasons: [{ kind: 'scheduled', file: 'rebuild-weekly.txt' }] },
      { name: 'tools', reasons: [{ kind: 'scheduled', file: 'rebuild-weekly.txt' }] },
    ]);
  });

  test('manual "all" selects every project', () => {
    const s = selectProjects({
      trigger: 'manual',
      projects,
      rules,
      source: { kind: 'list', names: 'all', reason: { kind: 'manual', value: 'all' } },
    });
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
  });

  test('an unknown listed name is an error', () => {
    expect(() =>
      selectProjects({
        trigger: 'manual',
        projects,
        rules,
        source: { kind: 'list', names: ['nope'], reason: { kind: 'manual', value: 'nope' } },
      }),
    ).toThrow(/unknown project\(s\): nope/);
  });

  test('no trustworthy base selects every project with the reason', () => {
    const s = selectProjects({
      trigger: 'push',
      projects,
      rules,
      source: { kind: 'all', why: 'first push' },
    });
    expect(s.projects.map((p) => p.reasons)).toEqual(
      projects.map(() => [{ kind: 'all', why: 'first push' }]),
    );
  });
});

describe('selectProjects: depends_on', () => {
  const chain = [
    project('app', { depends_on: ['runtime'] }),
    project('base'),
    project('runtime', { depends_on: ['base'] }),
    project('zeta'),
  ];
  const select = (changes: FileChange[]) =>
    selectProjects({ trigger: 'push', projects: chain, rules, source: { kind: 'changes', changes } });

  test('dependents are rebuilt when a dependency is, dependencies first', () => {
    const s = select([M('projects/base/Dockerfile')]);
    expect(s.projects).toEqual([
      { name: 'base', reasons: [{ kind: 'changed', files: ['projects/base/Dockerfile'] }] },
      { name: 'runtime', reasons: [{ kind: 'dependency', of: 'base' }] },
      { name: 'app', reasons: [{ kind: 'dependency', of: 'runtime' }] },
    ]);
  });

  test('a dependent changed alone does not rebuild its dependency', () => {
    expect(names(select([M('projects/app/x')]))).toEqual(['app']);
  });

  test('order: dependencies first, then by name', () => {
    expect(names(select([M('projects/zeta/x'), M('projects/app/x'), M('projects/runtime/x')]))).toEqual([
      'runtime',
      'app',
      'zeta',
    ]);
  });

  test('a cycle is an error that names it', () => {
    const cyclic = [
      project('a', { depends_on: ['b'] }),
      project('b', { depends_on: ['c'] }),
      project('c', { depends_on: ['a'] }),
    ];
    expect(() =>
      selectProjects({ trigger: 'push', projects: cyclic, rules, source: { kind: 'changes', changes: [] } }),
    ).toThrow('depends_on cycle: a → b → c → a');
  });

  test('an unknown dependency names the file and field', () => {
    const bad = [project('a', { depends_on: ['ghost'] })];
    try {
      selectProjects({ trigger: 'push', projects: bad, rules, source: { kind: 'changes', changes: [] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KilnError);
      expect((error as KilnError).problems[0]).toMatchObject({
        file: 'projects/a/build-config.yaml',
        field: 'depends_on[0]',
        message: 'unknown project "ghost"',
      });
    }
  });
});
