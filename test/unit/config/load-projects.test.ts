import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadProjects, loadProjectsOrThrow } from '../../../src/config/load-projects.js';
import { formatProblem, KilnError } from '../../../src/errors.js';

const roots: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kiln-load-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

const LOCAL = 'use_local_context: true\n';

describe('loadProjects', () => {
  test('every project folder, sorted by name, with repository-relative paths', async () => {
    const root = await repo({
      'projects/zeta/build-config.yaml': LOCAL,
      'projects/alpha/build-config.yaml': 'use_local_context: true\ndepends_on: [zeta]\n',
      'projects/README.md': 'not a project',
      'projects/.cache/build-config.yaml': 'ignored: hidden folder',
    });
    const { projects, names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(problems).toEqual([]);
    expect(names).toEqual(['alpha', 'zeta']);
    expect(projects.map((p) => [p.name, p.dir, p.file])).toEqual([
      ['alpha', 'projects/alpha', 'projects/alpha/build-config.yaml'],
      ['zeta', 'projects/zeta', 'projects/zeta/build-config.yaml'],
    ]);
    expect(projects[0]?.config.depends_on).toEqual(['zeta']);
  });

  test('a configurable projects folder', async () => {
    const root = await repo({ 'images/x/build-config.yaml': LOCAL });
    const { projects } = await loadProjects({ root, projectsDir: './images/' });
    expect(projects.map((p) => p.file)).toEqual(['images/x/build-config.yaml']);
  });

  test('problems from every file at once; valid projects still load', async () => {
    const root = await repo({
      'projects/good/build-config.yaml': LOCAL,
      'projects/bad/build-config.yaml': 'use_local_context: true\ndepends_on:\n  - good\n  - missing\n',
      'projects/worse/build-config.yaml': 'upstream_ref: main\n',
      'projects/typo/build-config.yml': LOCAL,
      'projects/empty-folder/.keep': '',
    });
    const { projects, names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(projects.map((p) => p.name)).toEqual(['good']);
    expect(names).toEqual(['bad', 'good', 'worse']);
    expect(problems.map(formatProblem)).toEqual([
      'projects/bad/build-config.yaml:4:5: depends_on[1]: no project named "missing" (hint: list folder names under the projects folder)',
      'projects/empty-folder: no build-config.yaml in this project folder (hint: add build-config.yaml, or move the folder out of projects)',
      'projects/typo: no build-config.yaml in this project folder (hint: rename build-config.yml to build-config.yaml)',
      'projects/worse/build-config.yaml:1:1: upstream_ref: needs upstream_repo (hint: set upstream_repo and upstream_ref, or use_local_context: true)',
    ]);
  });

  test('a missing projects folder is one problem', async () => {
    const root = await repo({});
    const { problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(problems.map(formatProblem)).toEqual([
      'projects: the projects folder does not exist (hint: check --root and --projects-dir (KILN_PROJECTS_DIR))',
    ]);
  });

  test('loadProjectsOrThrow throws one CONFIG_INVALID error listing every problem', async () => {
    const root = await repo({
      'projects/a/build-config.yaml': 'platforms: [linux/sparc]\n',
      'projects/b/build-config.yaml': LOCAL,
    });
    const error = await loadProjectsOrThrow({ root, projectsDir: 'projects' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('CONFIG_INVALID');
    expect((error as KilnError).message).toBe('invalid project configuration: 2 problems');
    expect((error as KilnError).problems.map((p) => p.field)).toEqual([undefined, 'platforms[0]']);
    const ok = await repo({ 'projects/b/build-config.yaml': LOCAL });
    expect((await loadProjectsOrThrow({ root: ok, projectsDir: 'projects' })).map((p) => p.name)).toEqual([
      'b',
    ]);
  });
});
