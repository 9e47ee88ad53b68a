// Push pipelines against real temporary git repositories with scripted histories.
import { describe, expect, test } from 'vitest';
import { buildConfig, createRepo, projectFiles } from './scripted-repo.js';
import { names, pushEnv, select, ZERO } from './select-helpers.js';

function threeProjects() {
  const repo = createRepo('push');
  repo.write({
    ...projectFiles('nginx'),
    ...projectFiles('redis'),
    ...projectFiles('tools'),
    'README.md': '# images\n',
  });
  const base = repo.commit('initial');
  return { repo, base };
}

describe('push: files changed between the base and the pipeline commit', () => {
  test('a push of several commits selects every project any of them touched (not just HEAD^)', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'projects/nginx/Dockerfile': 'FROM scratch\nLABEL v=2\n' });
    repo.commit('nginx');
    repo.write({ 'projects/redis/redis.conf': 'maxmemory 1gb\n' });
    repo.commit('redis');
    repo.write({ 'README.md': '# images, documented\n' });
    const head = repo.commit('docs');
    const s = await select(repo.dir, { env: pushEnv(head, base) });
    expect(names(s)).toEqual(['nginx', 'redis']);
    expect(s.projects[1]!.reasons).toEqual([{ kind: 'changed', files: ['projects/redis/redis.conf'] }]);
    expect([s.base, s.head]).toEqual([base, head]);
    expect(s.notes).toContain(`base: CI_COMMIT_BEFORE_SHA (${base})`);
  });

  test('a merge commit brings in the projects changed on both sides', async () => {
    const { repo, base } = threeProjects();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write({ 'projects/tools/tool.sh': 'echo hi\n' });
    repo.commit('tools on a branch');
    repo.git('checkout', '-q', 'main');
    repo.write({ 'projects/nginx/nginx.conf': 'worker_processes 2;\n' });
    repo.commit('nginx on main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const s = await select(repo.dir, { env: pushEnv(repo.sha(), base) });
    expect(names(s)).toEqual(['nginx', 'tools']);
  });

  test('nested files select their project', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'projects/redis/conf/a/b/c/deep.conf': 'x\n' });
    const s = await select(repo.dir, { env: pushEnv(repo.commit('deep'), base) });
    expect(s.projects).toEqual([
      { name: 'redis', reasons: [{ kind: 'changed', files: ['projects/redis/conf/a/b/c/deep.conf'] }] },
    ]);
  });

  test('unusual file names (spaces, unicode, a newline) are read verbatim', async () => {
    const { repo, base } = threeProjects();
    const odd = ['projects/tools/with space.sh', 'projects/tools/ünïcödé.conf', 'projects/nginx/line\nbreak'];
    repo.write(Object.fromEntries(odd.map((f) => [f, 'x\n'])));
    const s = await select(repo.dir, { env: pushEnv(repo.commit('odd names'), base) });
    expect(s.projects).toEqual([
      { name: 'nginx', reasons: [{ kind: 'changed', files: ['projects/nginx/line\nbreak'] }] },
      {
        name: 'tools',
        reasons: [
          { kind: 'changed', files: ['projects/tools/with space.sh', 'projects/tools/ünïcödé.conf'] },
        ],
      },
    ]);
  });

  test.each([
    ['docs only', { 'projects/nginx/README.md': '# nginx\n', 'projects/redis/docs/usage.md': 'use it\n' }],
    [
      'comments only in build-config.yaml',
      { 'projects/nginx/build-config.yaml': buildConfig('nginx', '', ' — a comment') },
    ],
    [
      'key order and formatting only',
      {
        'projects/redis/build-config.yaml':
          'platforms: [linux/amd64, linux/arm64]\nupstream_ref: "v1.0.0"\nupstream_repo: https://github.com/example/redis.git\n',
      },
    ],
  ])('%s: nothing is rebuilt', async (_what, files) => {
    const { repo, base } = threeProjects();
    repo.write(files);
    const s = await select(repo.dir, { env: pushEnv(repo.commit('no-op'), base) });
    expect(s.projects).toEqual([]);
  });

  test('a real config change does rebuild, and comment-only changes say why they did not', async () => {
    const { repo, base } = threeProjects();
    repo.write({
      'projects/nginx/build-config.yaml': buildConfig('nginx', '', ' — edited'),
      'projects/redis/build-config.yaml': buildConfig('redis', 'additional_tags: [latest]'),
    });
    const s = await select(repo.dir, { env: pushEnv(repo.commit('config'), base) });
    expect(names(s)).toEqual(['redis']);
    expect(s.notes.join('\n')).toContain(
      'projects/nginx/build-config.yaml: only comments, key order or formatting changed',
    );
  });

  test('a global path selects every project', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'shared/certs/ca.pem': 'cert\n' });
    const s = await select(repo.dir, {
      env: pushEnv(repo.commit('ca'), base),
      settings: { globalPaths: ['shared'] },
    });
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
    expect(s.projects[0]!.reasons).toEqual([{ kind: 'global', files: ['shared/certs/ca.pem'] }]);
  });

  test('configurable ignore globs', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'projects/nginx/NOTES.txt': 'x\n', 'projects/redis/x.conf': 'y\n' });
    const s = await select(repo.dir, {
      env: pushEnv(repo.commit('x'), base),
      settings: { ignore: ['**/*.txt'] },
    });
    expect(names(s)).toEqual(['redis']);
  });

  test('a deleted project is reported and skipped', async () => {
    const { repo, base } = threeProjects();
    repo.remove('projects/tools');
    const s = await select(repo.dir, { env: pushEnv(repo.commit('drop tools'), base) });
    expect(s.projects).toEqual([]);
    expect(s.deleted).toEqual(['tools']);
  });

  test('a renamed project is built under its new name', async () => {
    const { repo, base } = threeProjects();
    repo.move('projects/tools', 'projects/toolbox');
    const s = await select(repo.dir, { env: pushEnv(repo.commit('rename'), base) });
    expect(s.projects).toEqual([{ name: 'toolbox', reasons: [{ kind: 'renamed', from: 'tools' }] }]);
    expect(s.deleted).toEqual([]);
  });

  test('depends_on: a dependent is rebuilt after its dependency', async () => {
    const { repo, base } = threeProjects();
    repo.write(projectFiles('app', 'depends_on: [tools]\nbuild_args:\n  BASE: "{{image:tools}}"'));
    repo.commit('app depends on tools');
    const base2 = repo.sha();
    repo.write({ 'projects/tools/tool.sh': 'echo 2\n' });
    const s = await select(repo.dir, { env: pushEnv(repo.commit('tools'), base2) });
    expect(s.projects).toEqual([
      { name: 'tools', reasons: [{ kind: 'changed', files: ['projects/tools/tool.sh'] }] },
      { name: 'app', reasons: [{ kind: 'dependency', of: 'tools' }] },
    ]);
    expect(base).not.toBe(base2);
  });

  test('a force push (base no longer an ancestor) compares the trees and says so', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'projects/nginx/patch.diff': 'dropped\n' });
    const dropped = repo.commit('will be force-pushed away');
    repo.git('reset', '-q', '--hard', base);
    repo.write({ 'projects/redis/redis.conf': 'new\n' });
    const head = repo.commit('rewritten');
    const s = await select(repo.dir, { env: pushEnv(head, dropped) });
    // nginx's image contains the dropped patch: it must be rebuilt without it.
    expect(names(s)).toEqual(['nginx', 'redis']);
    // Right after the base it is about (the check runs beside the diff, the note keeps its place).
    const base_ = s.notes.findIndex((n) => n.startsWith('base: CI_COMMIT_BEFORE_SHA'));
    expect(base_).toBeGreaterThanOrEqual(0);
    expect(s.notes[base_ + 1]).toContain('not an ancestor of head (force push');
  });

  test('first push of the default branch (all-zero before SHA) builds every project', async () => {
    const { repo } = threeProjects();
    const s = await select(repo.dir, { env: pushEnv(repo.sha(), ZERO) });
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
    expect(s.projects[0]!.reasons[0]!.kind).toBe('all');
    expect(s.notes.join('\n')).toContain('first push of the default branch');
  });

  test('a tag pipeline has no previous commit: every project, and the note says why', async () => {
    const { repo } = threeProjects();
    const env = { ...pushEnv(repo.sha(), ZERO), CI_COMMIT_TAG: 'v1.2.0' };
    delete (env as Record<string, string | undefined>)['CI_COMMIT_BRANCH'];
    const s = await select(repo.dir, { env });
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
    expect(s.notes.join('\n')).toContain('tag pipeline (v1.2.0)');
  });

  test('outside CI without --base: compared with the parent of HEAD, and said', async () => {
    const { repo } = threeProjects();
    repo.write({ 'projects/tools/x': '1\n' });
    repo.commit('x');
    const s = await select(repo.dir);
    expect(names(s)).toEqual(['tools']);
    expect(s.notes).toContain('no --base and no CI variables: comparing with the parent of head');
  });

  test('--base and --head flags override the CI variables', async () => {
    const { repo, base } = threeProjects();
    repo.write({ 'projects/nginx/x': '1\n' });
    const mid = repo.commit('nginx');
    repo.write({ 'projects/redis/x': '1\n' });
    const head = repo.commit('redis');
    const s = await select(repo.dir, { env: pushEnv(head, mid), flags: { base, head: mid } });
    expect(names(s)).toEqual(['nginx']);
  });

  test('an unknown --base is an error naming it', async () => {
    const { repo } = threeProjects();
    await expect(select(repo.dir, { flags: { base: 'no-such-branch' } })).rejects.toThrow(
      /base no-such-branch is not in the clone/,
    );
  });
});
