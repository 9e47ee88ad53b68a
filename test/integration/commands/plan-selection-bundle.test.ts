// The bundled CLI as a GitLab push job runs it: `node dist/kiln.js plan --selection-only --json` in a
// real scripted repository, with the CI_* variables of a push and a token for the GitLab API.
// No GitLab runs here: the API is a local HTTP server on 127.0.0.1 answering exactly as the
// documented pipelines endpoint does (test/integration/gitlab/gitlab-api-stub.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GitlabStub, startGitlabStub } from '../gitlab/gitlab-api-stub.js';
import { createRepo, projectFiles } from '../select/scripted-repo.js';
import { pushEnv } from '../select/select-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../../dist/kiln.js', import.meta.url).pathname;
const TOKEN = 'glpat-bundle-test-token-42';

describe('kiln plan --selection-only (bundled CLI, push job)', () => {
  let stub: GitlabStub;
  const repo = createRepo('bundle');
  repo.write({ ...projectFiles('nginx'), ...projectFiles('redis') });
  const lastGreen = repo.commit('initial');
  repo.write({ 'projects/nginx/x': 'pipeline failed\n' });
  const before = repo.commit('nginx');
  repo.write({ 'projects/redis/x': 'now\n' });
  const head = repo.commit('redis');

  beforeAll(async () => {
    // `npm test` builds first; a lone `vitest run` of this file builds here.
    if (!existsSync(CLI)) await run('node', ['scripts/build.mjs']);
    stub = await startGitlabStub({
      token: TOKEN,
      projectId: '42',
      pipelines: [{ id: 7, sha: lastGreen, ref: 'main', status: 'success', source: 'push' }],
    });
  });
  afterAll(() => stub?.stop());

  test('selects since the last successful pipeline, prints JSON on stdout and never the token', async () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      ...pushEnv(head, before),
      CI_API_V4_URL: `${stub.url}/api/v4`,
      KILN_GITLAB_TOKEN: TOKEN,
      NO_COLOR: '1',
    };
    const { stdout, stderr } = await run('node', [CLI, 'plan', '--selection-only', '--json'], {
      cwd: repo.dir,
      env,
    });
    const selection = JSON.parse(stdout);
    expect(selection.base).toBe(lastGreen);
    expect(selection.projects.map((p: { name: string }) => p.name)).toEqual(['nginx', 'redis']);
    expect(stderr).toContain('note: base: last successful pipeline #7');
    expect(stdout + stderr).not.toContain(TOKEN);
    expect(stub.requests.at(-1)!.headers['private-token']).toBe(TOKEN);
  });
});
