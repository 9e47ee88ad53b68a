// GitLab's REST API cannot run here: these tests talk to a local HTTP server on 127.0.0.1 that
// answers exactly as the documented pipelines endpoint does (see gitlab-api-stub.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { lastSuccessfulPipeline } from '../../../src/gitlab/last-successful-pipeline.js';
import { type GitlabStub, startGitlabStub } from './gitlab-api-stub.js';

const TOKEN = 'glpat-stub-token-1234567890';
const sha = (c: string) => c.repeat(40);

describe('lastSuccessfulPipeline', () => {
  let stub: GitlabStub;
  beforeAll(async () => {
    stub = await startGitlabStub({
      token: TOKEN,
      projectId: '42',
      pipelines: [
        { id: 101, sha: sha('a'), ref: 'main', status: 'success', source: 'push' },
        { id: 102, sha: sha('b'), ref: 'main', status: 'success', source: 'push' },
        { id: 103, sha: sha('c'), ref: 'main', status: 'failed', source: 'push' },
        { id: 104, sha: sha('d'), ref: 'main', status: 'success', source: 'schedule' },
        { id: 105, sha: sha('e'), ref: 'feature', status: 'success', source: 'push' },
      ],
    });
  });
  afterAll(() => stub.stop());

  test('the newest successful push pipeline of the branch (failed and scheduled ones skipped)', async () => {
    const found = await lastSuccessfulPipeline({
      host: stub.url,
      token: TOKEN,
      projectId: '42',
      ref: 'main',
    });
    expect(found).toEqual({
      id: 102,
      sha: sha('b'),
      webUrl: 'https://gitlab.example.com/platform/images/-/pipelines/102',
    });
    const query = new URL(stub.requests.at(-1)!.url, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toMatchObject({
      ref: 'main',
      status: 'success',
      source: 'push',
      order_by: 'id',
      sort: 'desc',
      per_page: '1',
    });
  });

  test('no successful pipeline yet → undefined', async () => {
    expect(
      await lastSuccessfulPipeline({ host: stub.url, token: TOKEN, projectId: '42', ref: 'other' }),
    ).toBeUndefined();
  });

  test('a wrong token is a GITLAB_API_FAILED error with a hint about scopes', async () => {
    const error = await lastSuccessfulPipeline({
      host: stub.url,
      token: 'wrong-token',
      projectId: '42',
      ref: 'main',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('GITLAB_API_FAILED');
    expect((error as KilnError).message).toContain('HTTP 401');
    expect((error as KilnError).hint).toContain('read_api');
  });

  test('a server error is a GITLAB_API_FAILED error', async () => {
    const failing = await startGitlabStub({ token: TOKEN, projectId: '42', pipelines: [], failWith: 500 });
    try {
      await expect(
        lastSuccessfulPipeline({ host: failing.url, token: TOKEN, projectId: '42', ref: 'main' }),
      ).rejects.toThrow(/HTTP 500/);
    } finally {
      await failing.stop();
    }
  });
});
