// GitLab clones with --depth (GIT_DEPTH, default 20). These tests clone a repository with more
// history than the depth, from a real `git daemon` on 127.0.0.1 and through file://, with the base
// outside the clone, and check that kiln deepens step by step, within its bound, and says so.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GitDaemon, startGitDaemon } from '../../harness/git-daemon.js';
import { createRepo, openRepo, projectFiles, type ScriptedRepo, tempDir } from './scripted-repo.js';
import { names, pushEnv, select, ZERO } from './select-helpers.js';

function clone(url: string, depth: number, branch = 'main'): ScriptedRepo {
  const dir = path.join(tempDir('clone'), 'checkout');
  execFileSync('git', ['clone', '-q', `--depth=${depth}`, '--branch', branch, url, dir]);
  return openRepo(dir);
}

describe('shallow clones', () => {
  let origin: ScriptedRepo;
  let daemon: GitDaemon;
  let base: string;
  let head: string;

  beforeAll(async () => {
    origin = createRepo('origin');
    origin.write({ ...projectFiles('nginx'), ...projectFiles('redis'), ...projectFiles('tools') });
    base = origin.commit('initial');
    origin.write({ 'projects/nginx/Dockerfile': 'FROM scratch\nLABEL v=2\n' });
    origin.commit('nginx changes early in the push');
    // 80 commits that touch no project: the push's base is far below a depth-20 clone.
    for (let i = 0; i < 80; i++) {
      origin.write({ 'CHANGELOG.txt': `entry ${i}\n` });
      origin.commit(`chore ${i}`);
    }
    origin.write({ 'projects/redis/redis.conf': 'x\n' });
    head = origin.commit('redis at the tip');
    // A feature branch for the all-zero before SHA case.
    origin.git('branch', 'feature', head);
    origin.git('checkout', '-q', 'feature');
    origin.write({ 'projects/tools/t.sh': 'echo\n' });
    origin.commit('tools on feature');
    origin.git('checkout', '-q', 'main');
    daemon = await startGitDaemon({ baseDir: path.dirname(origin.dir) });
  });
  afterAll(() => daemon?.stop());

  test('git daemon: the base is outside a depth-20 clone → deepened until present, and said', async () => {
    const checkout = clone(`${daemon.url}/${path.basename(origin.dir)}`, 20);
    expect(checkout.git('rev-parse', '--is-shallow-repository')).toBe('true');
    expect(() => checkout.git('cat-file', '-e', `${base}^{commit}`)).toThrow();
    const s = await select(checkout.dir, { env: pushEnv(head, base) });
    expect(names(s)).toEqual(['nginx', 'redis']);
    expect(s.notes.join('\n')).toMatch(/deepened the clone by 50 commits \(50 in total\)/);
    expect(s.notes.join('\n')).toMatch(/deepened the clone by \d+ commits \(150 in total\)/);
  });

  test('file://: the bound is respected; beyond it kiln builds every project and says why', async () => {
    const checkout = clone(`file://${origin.dir}`, 5);
    // Protocol v0 refuses a `want` of an unadvertised SHA (uploadpack.allowReachableSHA1InWant is
    // off by default), as a server that forbids fetching commits by SHA does.
    checkout.git('config', 'protocol.version', '0');
    const s = await select(checkout.dir, { env: pushEnv(head, base), maxDeepen: 30 });
    expect(s.notes.join('\n')).toContain('deepened the clone by 30 commits (30 in total)');
    expect(s.notes.join('\n')).toContain(`fetching ${base} from origin directly failed`);
    expect(s.notes.join('\n')).toContain('is not in the clone even after deepening');
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
    expect(s.projects[0]!.reasons[0]).toEqual({ kind: 'all', why: 'no usable base commit (see notes)' });
  });

  test('first push of a feature branch (all-zero before SHA): merge base with the default branch', async () => {
    const checkout = clone(`${daemon.url}/${path.basename(origin.dir)}`, 3, 'feature');
    const s = await select(checkout.dir, { env: pushEnv(checkout.sha(), ZERO, 'feature') });
    expect(names(s)).toEqual(['tools']);
    expect(s.base).toBe(head);
    expect(s.notes.join('\n')).toContain('first push of branch feature');
  });

  test('a force-pushed-away base in a shallow clone is fetched by SHA when the server allows it', async () => {
    // The old tip is only on a ref the clone does not fetch (as after a force push, until GC).
    origin.git('checkout', '-q', '-b', 'old-tip', base);
    origin.write({ 'projects/tools/patch': 'dropped\n' });
    const dropped = origin.commit('dropped');
    origin.git('checkout', '-q', 'main');
    origin.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    const checkout = clone(`file://${origin.dir}`, 2);
    const s = await select(checkout.dir, { env: pushEnv(head, dropped), maxDeepen: 10 });
    expect(s.notes.join('\n')).toContain(`fetched ${dropped} from origin directly`);
    expect(names(s)).toEqual(['nginx', 'redis', 'tools']);
    expect(s.projects.find((p) => p.name === 'tools')!.reasons).toEqual([
      { kind: 'changed', files: ['projects/tools/patch'] },
    ]);
  });
});
