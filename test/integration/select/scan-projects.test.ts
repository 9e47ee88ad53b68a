// scanProjects reads every project folder but parses only the configs selection needs;
// readProjects parses the ones being built, in full. Real files in a temporary folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { readProjects, scanProjects } from '../../../src/select/scan-projects.js';
import { buildConfig, tempDir } from './scripted-repo.js';

function tree(files: Record<string, string>): string {
  const root = tempDir('scan');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('scanProjects', () => {
  test('every folder with a build-config.yaml, sorted, with depends_on and watch_paths', () => {
    const root = tree({
      'projects/web/build-config.yaml': buildConfig('web', 'depends_on: [base]\nwatch_paths: ["lib/**"]'),
      'projects/base/build-config.yaml': buildConfig('base'),
      'projects/notes/README.md': 'not a project\n',
      'projects/.cache/build-config.yaml': buildConfig('hidden'),
    });
    expect(scanProjects({ root, projectsDir: 'projects' })).toEqual([
      {
        name: 'base',
        dir: 'projects/base',
        file: 'projects/base/build-config.yaml',
        config: { depends_on: [], watch_paths: [] },
      },
      {
        name: 'web',
        dir: 'projects/web',
        file: 'projects/web/build-config.yaml',
        config: { depends_on: ['base'], watch_paths: ['lib/**'] },
      },
    ]);
  });

  // The quick line reader answers for the first forms; the others go to the full parser. Same result.
  test.each([
    ['flow', 'depends_on: [base, lib]\nwatch_paths: [shared/**]'],
    ['block', 'depends_on:\n  - base\n  - lib\nwatch_paths:\n- shared/**'],
    ['quoted items (full parser)', 'depends_on: ["base", \'lib\']\nwatch_paths: ["shared/**"]'],
    ['an anchor (full parser)', 'depends_on: &deps [base, lib]\nwatch_paths: [shared/**]'],
    ['multi-line flow (full parser)', 'depends_on: [base,\n  lib]\nwatch_paths: [shared/**]'],
  ])('depends_on and watch_paths written as %s', (_, keys) => {
    const root = tree({
      'projects/web/build-config.yaml': buildConfig('web', keys),
      'projects/base/build-config.yaml': buildConfig('base'),
      'projects/lib/build-config.yaml': buildConfig('lib'),
    });
    const web = scanProjects({ root, projectsDir: 'projects' }).find((p) => p.name === 'web');
    expect(web?.config).toEqual({ depends_on: ['base', 'lib'], watch_paths: ['shared/**'] });
  });

  // Values the quick reader reads but the rules refuse go to the full parser, which says where.
  test.each([
    ['an unknown dependency', 'depends_on: [ghost]', 'depends_on[0]', /no project named "ghost"/],
    ['a self-dependency', 'depends_on: [web]', 'depends_on[0]', /cannot depend on itself/],
    ['a duplicate', 'depends_on: [base, base]', 'depends_on[1]', /listed twice/],
    ['a glob leaving the repository', 'watch_paths: [../other/**]', 'watch_paths[0]', /\.\./],
  ])('%s in a config selection reads is CONFIG_INVALID at its line and field', (_, keys, field, message) => {
    const root = tree({
      'projects/web/build-config.yaml': buildConfig('web', keys),
      'projects/base/build-config.yaml': buildConfig('base'),
    });
    const error = (() => {
      try {
        scanProjects({ root, projectsDir: 'projects' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('CONFIG_INVALID');
    const [problem] = (error as KilnError).problems;
    expect(problem).toMatchObject({ file: 'projects/web/build-config.yaml', field });
    expect(problem?.line).toBeGreaterThan(0);
    expect(problem?.message).toMatch(message);
  });

  test.each([
    ['the quick reader', 'depends_on: [base]'],
    ['the full parser (quoted item)', 'depends_on: ["base"]'],
  ])('read by %s, a config broken only in another key gives its keys (the same either way)', (_, keys) => {
    const root = tree({
      'projects/web/build-config.yaml': buildConfig('web', `${keys}\nadditional_tags: ["not a tag"]`),
      'projects/base/build-config.yaml': buildConfig('base'),
    });
    expect(scanProjects({ root, projectsDir: 'projects' }).find((p) => p.name === 'web')?.config).toEqual({
      depends_on: ['base'],
      watch_paths: [],
    });
  });

  test('a config that mentions depends_on but is not valid YAML is refused: its keys cannot be read', () => {
    const root = tree({ 'projects/web/build-config.yaml': 'depends_on: [base\nupstream_ref: v1\n' });
    expect(() => scanProjects({ root, projectsDir: 'projects' })).toThrow(/invalid project configuration/);
  });

  test('another key of a config read for depends_on is not checked here; readProjects checks it', () => {
    const root = tree({
      'projects/web/build-config.yaml': buildConfig(
        'web',
        'depends_on: [base]\nadditional_tags: ["not a tag"]',
      ),
      'projects/base/build-config.yaml': buildConfig('base'),
    });
    expect(scanProjects({ root, projectsDir: 'projects' }).find((p) => p.name === 'web')?.config).toEqual({
      depends_on: ['base'],
      watch_paths: [],
    });
    expect(() => readProjects({ root, projectsDir: 'projects', names: ['web'] })).toThrow(
      /invalid project configuration/,
    );
  });

  test('other configs are not parsed: a broken one does not stop selection (kiln validate reports it)', () => {
    const root = tree({
      'projects/ok/build-config.yaml': buildConfig('ok'),
      'projects/broken/build-config.yaml': 'upstream_repo: [unclosed\n',
    });
    expect(scanProjects({ root, projectsDir: 'projects' }).map((p) => p.name)).toEqual(['broken', 'ok']);
  });
});

describe('readProjects', () => {
  test('parses the named projects in full', () => {
    const root = tree({ 'projects/ok/build-config.yaml': buildConfig('ok', 'additional_tags: [latest]') });
    const [project] = readProjects({ root, projectsDir: 'projects', names: ['ok'] });
    expect(project).toMatchObject({ name: 'ok', file: 'projects/ok/build-config.yaml' });
    expect(project!.config.additional_tags).toEqual(['latest']);
    expect(project!.config.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('a broken config that is to be built fails with its file and line', () => {
    const root = tree({
      'projects/broken/build-config.yaml': 'upstream_repo: https://x.example/a.git\nupstream_ref: [\n',
    });
    try {
      readProjects({ root, projectsDir: 'projects', names: ['broken'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KilnError);
      expect((error as KilnError).problems[0]).toMatchObject({ file: 'projects/broken/build-config.yaml' });
      expect((error as KilnError).problems[0]!.line).toBeGreaterThan(0);
    }
  });
});
