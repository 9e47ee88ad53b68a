// The Renovate preset renovate/kiln.json (issue 13), run by the real Renovate in its local extract
// mode on a git repository holding this repository's projects/ and the examples: it must find
// the upstream_ref of every project that has an upstream, as a git-tags dependency of the
// upstream_repo, and nothing for projects built from their own folder. What "every" means comes
// from kiln's own config loader, not from a list written here.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadProjectsOrThrow } from '../../src/config/load-projects.js';
import { REPO_ROOT } from '../harness/component-template.js';
import { renovateBin, renovateExtract } from '../harness/renovate.js';
import { createRepo, type ScriptedRepo } from './select/scripted-repo.js';

let repo: ScriptedRepo;

beforeAll(() => {
  renovateBin();
  repo = createRepo('renovate');
  for (const folder of ['projects', 'examples/demo/projects', 'examples/migration']) {
    cpSync(path.join(REPO_ROOT, folder), path.join(repo.dir, folder), { recursive: true });
  }
  writeFileSync(
    path.join(repo.dir, 'renovate.json'),
    readFileSync(path.join(REPO_ROOT, 'renovate/kiln.json')),
  );
  repo.commit('projects and examples');
}, 600_000);

afterAll(() => {
  if (repo) rmSync(repo.dir, { recursive: true, force: true });
});

describe('renovate/kiln.json', () => {
  test('finds every upstream_ref of the example projects, with datasource git-tags and the upstream as package', async () => {
    const expected = [];
    for (const [projectsDir, layout] of [
      ['projects', 'projects'],
      ['examples/demo/projects', 'projects'],
      ['examples/migration', '.'],
    ] as const) {
      const root = path.join(REPO_ROOT, layout === '.' ? projectsDir : path.dirname(projectsDir));
      const projects = await loadProjectsOrThrow({
        root,
        projectsDir: layout === '.' ? '.' : path.basename(projectsDir),
      });
      for (const p of projects) {
        if (p.config.use_local_context || !p.config.upstream_repo) continue;
        expected.push({
          packageFile: path.posix.join(layout === '.' ? projectsDir : path.dirname(projectsDir), p.file),
          packageName: p.config.upstream_repo,
          currentValue: (p.config.upstream_ref ?? '').replace(/^refs\/tags\//, ''),
          datasource: 'git-tags',
        });
      }
    }
    expect(expected.length).toBeGreaterThanOrEqual(5);
    // The preset's custom manager; Renovate's own (dockerfile, gitlabci) find other things.
    const found = renovateExtract(repo.dir)
      .filter((dep) => dep.manager === 'regex')
      .map(({ packageFile, packageName, currentValue, datasource }) => ({
        packageFile,
        packageName,
        currentValue,
        datasource,
      }));
    const byFile = (a: { packageFile: string }, b: { packageFile: string }) =>
      a.packageFile.localeCompare(b.packageFile);
    expect(found.sort(byFile)).toEqual(expected.sort(byFile));
  }, 120_000);
});
