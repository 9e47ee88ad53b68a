// Merge requests, schedules, manual runs and the GitLab API base, on real scripted repositories.
// GitLab's REST API cannot run here: the API cases use a local HTTP server on 127.0.0.1 that answers
// exactly as the documented pipelines endpoint does (test/integration/gitlab/gitlab-api-stub.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GitlabStub, startGitlabStub } from '../gitlab/gitlab-api-stub.js';
import { createRepo, projectFiles, type ScriptedRepo } from './scripted-repo.js';
import { names, pushEnv, select } from './select-helpers.js';

function repoWithProjects(): { repo: ScriptedRepo; base: string } {
  const repo = createRepo('trigger');
  repo.write({
    ...projectFiles('nginx'),
    ...projectFiles('redis'),
    ...projectFiles('tools'),
    'rebuild-weekly.txt': '# weekly security rebuilds\nnginx   # the web tier\n\nredis\n',
  });
  return { repo, base: repo.commit('initial') };
}

describe('merge request pipelines', () => {
  const mrEnv = (head: string, extra: Record<string, string>) => ({
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_COMMIT_SHA: head,
    CI_COMMIT_BEFORE_SHA: '0'.repeat(40),
    CI_DEFAULT_BRANCH: 'main',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    ...extra,
  });

  test('compare against CI_MERGE_REQUEST_DIFF_BASE_SHA: main moving on does not leak in', async () => {
    const { repo, base } = repoWithProjects();
    repo.git('checkout', '-q', '-b', 'mr');
    repo.write({ 'projects/redis/redis.conf': 'mr\n' });
    const head = repo.commit('mr change');
    repo.git('checkout', '-q', 'main');
    repo.write({ 'projects/nginx/x': 'main moved on\n' });
    repo.commit('main');
    const s = await select(repo.dir, { env: mrEnv(head, { CI_MERGE_REQUEST_DIFF_BASE_SHA: base }) });
    expect(s.trigger).toBe('mr');
    expect(names(s)).toEqual(['redis']);
    expect(s.base).toBe(base);
  });

  test("merged results: compared with the target tip it merged into, so only the MR's changes count", async () => {
    const { repo, base } = repoWithProjects();
    repo.git('checkout', '-q', '-b', 'mr');
    repo.write({ 'projects/redis/redis.conf': 'mr\n' });
    repo.commit('mr change');
    repo.git('checkout', '-q', 'main');
    repo.write({ 'projects/nginx/x': 'main moved on\n' });
    const targetTip = repo.commit('main');
    // GitLab's merged-results pipeline runs on a merge of the MR into the target tip.
    repo.git('checkout', '-q', '--detach', targetTip);
    repo.git('merge', '-q', '--no-ff', '-m', 'merged result', 'mr');
    const env = mrEnv(repo.sha(), {
      CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      CI_MERGE_REQUEST_TARGET_BRANCH_SHA: targetTip,
      CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
    });
    const s = await select(repo.dir, { env });
    expect(names(s)).toEqual(['redis']);
    expect(s.base).toBe(targetTip);
    // A detached MR pipeline (same variables, no merged result) keeps the diff base.
    const detached = await select(repo.dir, { env: { ...env, CI_MERGE_REQUEST_EVENT_TYPE: 'detached' } });
    expect(detached.base).toBe(base);
  });

  test('without the diff base: the merge base with the target branch (fetched from origin)', async () => {
    const { repo: origin, base } = repoWithProjects();
    origin.git('checkout', '-q', '-b', 'mr');
    origin.write({ 'projects/tools/t': 'mr\n' });
    const head = origin.commit('mr change');
    origin.git('checkout', '-q', 'main');
    origin.write({ 'projects/nginx/x': 'main moved on\n' });
    origin.commit('main');
    const clone = createRepo('mr-clone');
    clone.git('remote', 'add', 'origin', `file://${origin.dir}`);
    clone.git('fetch', '-q', '--depth=1', 'origin', 'mr');
    clone.git('checkout', '-q', 'FETCH_HEAD');
    const s = await select(clone.dir, { env: mrEnv(head, {}) });
    expect(names(s)).toEqual(['tools']);
    expect(s.base).toBe(base);
    expect(s.notes.join('\n')).toContain('fetched main from origin');
  });
});

describe('scheduled pipelines', () => {
  const scheduleEnv = (head: string, extra: Record<string, string> = {}) => ({
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'schedule',
    CI_COMMIT_SHA: head,
    CI_COMMIT_BRANCH: 'main',
    ...extra,
  });

  test('build the projects in rebuild-weekly.txt; comments never reach the list', async () => {
    const { repo, base } = repoWithProjects();
    const s = await select(repo.dir, { env: scheduleEnv(base) });
    expect(s.projects).toEqual([
      { name: 'nginx', reasons: [{ kind: 'scheduled', file: 'rebuild-weekly.txt' }] },
      { name: 'redis', reasons: [{ kind: 'scheduled', file: 'rebuild-weekly.txt' }] },
    ]);
  });

  test('KILN_PROJECTS overrides the list', async () => {
    const { repo, base } = repoWithProjects();
    const s = await select(repo.dir, { env: scheduleEnv(base, { KILN_PROJECTS: 'tools' }) });
    expect(s.projects).toEqual([{ name: 'tools', reasons: [{ kind: 'manual', value: 'tools' }] }]);
    expect(s.notes).toContain('KILN_PROJECTS=tools replaces rebuild-weekly.txt');
  });

  test('an unknown name in the list is an error with file and line', async () => {
    const { repo } = repoWithProjects();
    repo.write({ 'rebuild-weekly.txt': 'nginx\nngnix\n' });
    const head = repo.commit('typo');
    const error = await select(repo.dir, { env: scheduleEnv(head) }).catch((e: unknown) => e);
    expect((error as { problems: unknown[] }).problems).toEqual([
      expect.objectContaining({ file: 'rebuild-weekly.txt', line: 2, message: '"ngnix" is not a project' }),
    ]);
  });

  test('a push that changes the rebuild list checks it then, not at the next schedule', async () => {
    const { repo, base } = repoWithProjects();
    repo.write({ 'rebuild-weekly.txt': 'nginx\ntools\n' });
    const good = await select(repo.dir, { env: pushEnv(repo.commit('list'), base) });
    expect(good.projects).toEqual([]);
    expect(good.notes).toContain('rebuild-weekly.txt changed: checked, 2 project(s) listed');
    repo.write({ 'rebuild-weekly.txt': 'nginx\ntols\n' });
    const head = repo.commit('typo');
    await expect(select(repo.dir, { env: pushEnv(head, base) })).rejects.toThrow(
      'invalid rebuild list rebuild-weekly.txt',
    );
  });

  test('a missing rebuild list is an error naming the file', async () => {
    const { repo } = repoWithProjects();
    repo.remove('rebuild-weekly.txt');
    const head = repo.commit('no list');
    await expect(select(repo.dir, { env: scheduleEnv(head) })).rejects.toThrow(
      'cannot read the rebuild list rebuild-weekly.txt',
    );
  });
});

describe('manual pipelines (web, api, trigger)', () => {
  const manualEnv = (source: string, head: string, projects?: string) => ({
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: source,
    CI_COMMIT_SHA: head,
    ...(projects === undefined ? {} : { KILN_PROJECTS: projects }),
  });

  test.each([
    ['web', 'all', ['nginx', 'redis', 'tools']],
    ['api', 'redis,tools', ['redis', 'tools']],
    ['trigger', 'nginx', ['nginx']],
  ])('%s with KILN_PROJECTS=%s', async (source, value, expected) => {
    const { repo, base } = repoWithProjects();
    const s = await select(repo.dir, { env: manualEnv(source, base, value) });
    expect(s.trigger).toBe('manual');
    expect(names(s)).toEqual(expected);
    expect(s.projects[0]!.reasons).toEqual([{ kind: 'manual', value }]);
  });

  test('an unknown name is an error', async () => {
    const { repo, base } = repoWithProjects();
    await expect(select(repo.dir, { env: manualEnv('web', base, 'nginx,ngin') })).rejects.toThrow(
      'KILN_PROJECTS: unknown project "ngin"',
    );
  });

  test('without KILN_PROJECTS it is an error that says what to set', async () => {
    const { repo, base } = repoWithProjects();
    await expect(select(repo.dir, { env: manualEnv('web', base) })).rejects.toThrow(
      'a manual pipeline needs KILN_PROJECTS',
    );
  });

  test('--projects overrides any trigger', async () => {
    const { repo, base } = repoWithProjects();
    const s = await select(repo.dir, { env: pushEnv(base, base), flags: { projects: 'tools' } });
    expect(names(s)).toEqual(['tools']);
  });
});

describe('push base from the GitLab API (last successful pipeline)', () => {
  const TOKEN = 'glpat-selection-test-token';
  let stub: GitlabStub;
  let repo: ScriptedRepo;
  let succeeded: string;
  let failedPush: string;
  let head: string;

  beforeAll(async () => {
    ({ repo, base: succeeded } = repoWithProjects());
    repo.write({ 'projects/nginx/x': 'built in a pipeline that failed\n' });
    failedPush = repo.commit('nginx (its pipeline failed)');
    repo.write({ 'projects/redis/x': 'now\n' });
    head = repo.commit('redis');
    stub = await startGitlabStub({
      token: TOKEN,
      projectId: '42',
      pipelines: [
        { id: 500, sha: succeeded, ref: 'main', status: 'success', source: 'push' },
        { id: 501, sha: failedPush, ref: 'main', status: 'failed', source: 'push' },
      ],
    });
  });
  afterAll(() => stub.stop());

  const env = (extra: Record<string, string>) => ({
    ...pushEnv(head, failedPush),
    CI_API_V4_URL: `${stub.url}/api/v4`,
    CI_SERVER_URL: stub.url,
    ...extra,
  });

  test('with a token: the failed pipeline’s projects are retried', async () => {
    const s = await select(repo.dir, { env: env({ KILN_GITLAB_TOKEN: TOKEN }) });
    expect(names(s)).toEqual(['nginx', 'redis']);
    expect(s.base).toBe(succeeded);
    expect(s.notes).toContain(`base: last successful pipeline #500 (${succeeded})`);
    expect(s.stderr).not.toContain(TOKEN);
  });

  test('the token variable is configurable', async () => {
    const s = await select(repo.dir, {
      env: env({ MY_TOKEN: TOKEN }),
      settings: { gitlabTokenVariable: 'MY_TOKEN' },
    });
    expect(s.base).toBe(succeeded);
  });

  test('no token: falls back to CI_COMMIT_BEFORE_SHA and says so', async () => {
    const s = await select(repo.dir, { env: env({}) });
    expect(names(s)).toEqual(['redis']);
    expect(s.base).toBe(failedPush);
    expect(s.notes.join('\n')).toContain('no GitLab API token: comparing with CI_COMMIT_BEFORE_SHA');
  });

  test('the API failing: falls back to CI_COMMIT_BEFORE_SHA and says why, without the token', async () => {
    const s = await select(repo.dir, { env: env({ KILN_GITLAB_TOKEN: 'glpat-revoked-token' }) });
    expect(s.base).toBe(failedPush);
    const note = s.notes.find((n) => n.startsWith('GitLab API failed'))!;
    expect(note).toContain('HTTP 401');
    expect(note).toContain('falling back to CI_COMMIT_BEFORE_SHA');
  });
});
