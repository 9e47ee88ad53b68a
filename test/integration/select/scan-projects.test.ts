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

  test('a config selection must read is validated (unknown dependency)', () => {
    const root = tree({ 'projects/web/build-config.yaml': buildConfig('web', 'depends_on: [ghost]') });
    expect(() => scanProjects({ root, projectsDir: 'projects' })).toThrow(KilnError);
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
