// The root layout of kiln's predecessor (issue 13): one folder per image at the repository root,
// beside .gitlab-ci.yml, hack/, docs/ and a README, with `projects_dir: .` in kiln.yaml. Selection
// runs as the prepare job runs it (`kiln plan --selection-only`, which scans the projects the
// quick way) and validation as `kiln validate` does, on real temporary git repositories.
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { createMemoryLogger } from '../../../src/log.js';
import { buildConfig, createRepo, type ScriptedRepo } from './scripted-repo.js';
import { pushEnv } from './select-helpers.js';

/** A repository laid out exactly like the old shell pipeline's. */
function oldLayout(kilnYaml = 'projects_dir: .\n'): { repo: ScriptedRepo; base: string } {
  const repo = createRepo('root-layout');
  repo.write({
    '.gitlab-ci.yml': 'stages: [prepare, build, manifest]\n',
    'kiln.yaml': kilnYaml,
    'README.md': '# our images\n',
    'rebuild-weekly.txt': 'kaniko\n',
    'hack/build.sh': '#!/bin/sh\necho old pipeline\n',
    'hack/kaniko-patch.sh': '#!/bin/sh\n',
    'docs/usage.txt': 'pull by tag\n',
    'templates/job.yml': 'build: {}\n',
    '.gitlab/issue_templates/bug.md': 'bug\n',
    'kaniko/build-config.yaml': buildConfig('kaniko', 'watch_paths:\n  - hack/kaniko-*.sh\n'),
    'kaniko/Dockerfile': 'FROM scratch\n',
    'another-tool/build-config.yaml': buildConfig('another-tool'),
    'another-tool/Dockerfile': 'FROM scratch\n',
  });
  return { repo, base: repo.commit('the old pipeline') };
}

async function kiln(dir: string, argv: string[], env: Record<string, string> = {}) {
  const log = createMemoryLogger();
  const code = await main(argv, { cwd: dir, env, now: new Date('2026-11-23T10:00:00Z'), log });
  return { code, stdout: log.stdout.join(''), stderr: log.stderr.join('') };
}

async function selected(repo: ScriptedRepo, base: string, head: string) {
  const result = await kiln(repo.dir, ['plan', '--selection-only', '--json'], pushEnv(head, base));
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  const json = JSON.parse(result.stdout) as {
    projects: { name: string; reasons: unknown[] }[];
    notes: string[];
  };
  return json;
}

describe('projects_dir: . (the root layout)', () => {
  test('validates: the image folders are projects; hack/, docs/, templates/ and hidden folders are not', async () => {
    const { repo } = oldLayout();
    const result = await kiln(repo.dir, ['validate']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('2 projects valid; 1 project in rebuild-weekly.txt\n');
    expect(result.code).toBe(0);
  });

  test.each(['.', './'])(
    'a change to kaniko/build-config.yaml selects kaniko (projects_dir: %s)',
    async (dir) => {
      const { repo, base } = oldLayout(`projects_dir: "${dir}"\n`);
      repo.write({
        'kaniko/build-config.yaml': buildConfig(
          'kaniko',
          'watch_paths:\n  - hack/kaniko-*.sh\ntarget: slim\n',
        ),
      });
      const head = repo.commit('kaniko: slim');
      const json = await selected(repo, base, head);
      expect(json.projects).toEqual([
        { name: 'kaniko', reasons: [{ kind: 'changed', files: ['kaniko/build-config.yaml'] }] },
      ]);
    },
  );

  test('watch_paths reach outside the folder; other top-level files select nothing', async () => {
    const { repo, base } = oldLayout();
    repo.write({
      'hack/kaniko-patch.sh': '#!/bin/sh\necho patched\n',
      'hack/build.sh': '#!/bin/sh\n',
      'docs/usage.txt': 'x\n',
    });
    const head = repo.commit('hack');
    const json = await selected(repo, base, head);
    expect(json.projects).toEqual([
      { name: 'kaniko', reasons: [{ kind: 'changed', files: ['hack/kaniko-patch.sh'] }] },
    ]);
    expect(json.notes).toContain('2 changed file(s) outside any project or global path');
  });

  test('only comments changed in a config: not a reason to rebuild', async () => {
    const { repo, base } = oldLayout();
    repo.write({ 'another-tool/build-config.yaml': buildConfig('another-tool', '', ' — reworded') });
    const head = repo.commit('comment');
    const json = await selected(repo, base, head);
    expect(json.projects).toEqual([]);
    expect(json.notes).toContain(
      'another-tool/build-config.yaml: only comments, key order or formatting changed; not a reason to rebuild',
    );
  });

  test('a renamed folder is built under its new name, and not reported deleted', async () => {
    const { repo, base } = oldLayout();
    repo.move('another-tool', 'other-tool');
    const head = repo.commit('rename');
    const json = await selected(repo, base, head);
    expect(json.projects).toEqual([
      { name: 'other-tool', reasons: [{ kind: 'renamed', from: 'another-tool' }] },
    ]);
    expect(json.notes).toContain('project another-tool was renamed to other-tool: built under the new name');
  });

  test('a deleted project is named; a nested build-config.yaml that goes away never was one', async () => {
    const { repo } = oldLayout();
    repo.write({ 'docs/examples/build-config.yaml': buildConfig('example') });
    const base = repo.commit('an example in the docs');
    repo.remove('kaniko', 'docs/examples');
    const head = repo.commit('drop kaniko');
    const json = (await selected(repo, base, head)) as { deleted?: string[]; notes: string[] };
    expect(json.notes).toContain('deleted project(s), not built: kaniko');
  });

  test('exclude names folders that are never projects, in either layout', async () => {
    const { repo } = oldLayout('projects_dir: .\nexclude: [legacy, "wip-*"]\n');
    repo.write({
      'legacy/build-config.yaml': 'this: [is not valid\n',
      'wip-thing/build-config.yaml': 'nor: [this\n',
    });
    repo.commit('old stuff');
    expect((await kiln(repo.dir, ['validate'])).stdout).toBe(
      '2 projects valid; 1 project in rebuild-weekly.txt\n',
    );

    const nested = createRepo('exclude-projects');
    nested.write({
      'kiln.yaml': 'exclude: [scratch]\n',
      'projects/app/build-config.yaml': buildConfig('app'),
      'projects/scratch/notes.txt': 'not a project\n',
    });
    nested.commit('projects/');
    expect((await kiln(nested.dir, ['validate'])).stdout).toBe('1 project valid; no rebuild list\n');
  });

  test('under projects/ a folder without a config stays an error: most likely a typo', async () => {
    const repo = createRepo('projects-typo');
    repo.write({
      'projects/app/build-config.yaml': buildConfig('app'),
      'projects/web/build-config.yml': buildConfig('web'),
      'projects/empty/README.txt': 'x\n',
    });
    repo.commit('typos');
    const result = await kiln(repo.dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'projects/web: no build-config.yaml in this project folder (hint: rename build-config.yml to build-config.yaml)',
    );
    expect(result.stderr).toContain('projects/empty: no build-config.yaml in this project folder');
  });

  test('at the root a misspelt config is still reported; a folder without any is not', async () => {
    const { repo } = oldLayout();
    repo.write({ 'web/build-config.yml': buildConfig('web') });
    repo.commit('typo');
    const result = await kiln(repo.dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'web: no build-config.yaml in this project folder (hint: rename build-config.yml to build-config.yaml)',
    );
    expect(result.stderr).not.toMatch(/hack|docs|templates/);
  });
});
