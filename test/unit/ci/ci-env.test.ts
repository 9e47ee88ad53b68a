import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseCiEnv } from '../../../src/ci/ci-env.js';
import { KilnError } from '../../../src/errors.js';
import { gitlabHost } from '../../../src/gitlab/host.js';

const fixture = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ci-env/${name}.json`, import.meta.url), 'utf8'));

describe('parseCiEnv', () => {
  test.each([
    ['push-default-branch', 'push', 'push'],
    ['first-push-new-branch', 'push', 'push'],
    ['merge-request', 'merge_request_event', 'mr'],
    ['merged-results', 'merge_request_event', 'mr'],
    ['schedule', 'schedule', 'schedule'],
    ['web-manual', 'web', 'manual'],
    ['self-managed-subpath', 'trigger', 'manual'],
  ])('%s: source %s → trigger %s', (name, source, trigger) => {
    const ci = parseCiEnv(fixture(name));
    expect(ci.inGitlab).toBe(true);
    expect(ci.pipelineSource).toBe(source);
    expect(ci.trigger).toBe(trigger);
    expect(ci.commitSha).toBe(fixture(name)['CI_COMMIT_SHA']);
  });

  test('a push carries the before SHA, branch, pipeline and API coordinates', () => {
    const ci = parseCiEnv(fixture('push-default-branch'));
    expect(ci).toMatchObject({
      commitBeforeSha: '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678',
      beforeShaIsZero: false,
      commitBranch: 'main',
      defaultBranch: 'main',
      pipelineId: 1538265431,
      pipelineCreatedAt: '2026-11-23T09:14:02Z',
      projectId: '48213377',
      apiV4Url: 'https://gitlab.example.com/api/v4',
    });
    // Empty variables (CI_COMMIT_TAG="") are absent, not empty strings.
    expect('commitTag' in ci).toBe(false);
    expect(ci.mergeRequest).toBeUndefined();
  });

  test('the all-zero before SHA of a first push is normalized away and flagged', () => {
    const ci = parseCiEnv(fixture('first-push-new-branch'));
    expect(ci.commitBeforeSha).toBeUndefined();
    expect(ci.beforeShaIsZero).toBe(true);
  });

  test('a merge request carries the diff base and target branch', () => {
    const ci = parseCiEnv(fixture('merge-request'));
    expect(ci.mergeRequest).toEqual({
      iid: 341,
      diffBaseSha: '5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80',
      targetBranch: 'main',
      sourceBranch: 'fix/nginx-headers',
      eventType: 'detached',
    });
    expect(ci.commitBranch).toBeUndefined();
  });

  test('a merged-results pipeline also carries the target branch tip it merged into', () => {
    expect(parseCiEnv(fixture('merged-results')).mergeRequest).toMatchObject({
      eventType: 'merged_result',
      targetBranchSha: '77aa88bb99cc00dd11ee22ff33aa44bb55cc66dd',
    });
  });

  test('KILN_PROJECTS is passed through for manual runs', () => {
    expect(parseCiEnv(fixture('web-manual')).kilnProjects).toBe('nginx, redis');
  });

  test('outside GitLab nothing is set and nothing fails', () => {
    expect(parseCiEnv({ HOME: '/root' })).toEqual({ inGitlab: false, beforeShaIsZero: false });
  });

  test.each([
    ['CI_COMMIT_SHA', 'HEAD', 'is not a full commit SHA'],
    ['CI_COMMIT_BEFORE_SHA', '1234', 'is not a full commit SHA'],
    ['CI_PIPELINE_SOURCE', 'pushed', 'CI_PIPELINE_SOURCE'],
    ['CI_PIPELINE_ID', 'abc', 'is not a numeric id'],
    ['CI_API_V4_URL', 'gitlab.example.com/api/v4', 'is not an http(s) URL'],
    ['CI_PIPELINE_CREATED_AT', 'yesterday', 'CI_PIPELINE_CREATED_AT'],
  ])('rejects %s=%s naming the variable', (name, value, expected) => {
    const env = { ...fixture('push-default-branch'), [name]: value };
    let error: unknown;
    try {
      parseCiEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KilnError);
    const problem = (error as KilnError).problems[0]!;
    expect(problem.field).toBe(name);
    expect(`${problem.field} ${problem.message}`).toContain(expected);
    expect(problem.message).toContain(JSON.stringify(value));
  });

  test('reports every malformed variable at once', () => {
    const env = { ...fixture('push-default-branch'), CI_COMMIT_SHA: 'x', CI_PROJECT_ID: 'y' };
    expect(() => parseCiEnv(env)).toThrow(/2 problems/);
  });
});

describe('gitlabHost', () => {
  test.each([
    ['push-default-branch', 'https://gitlab.example.com'],
    ['self-managed-subpath', 'https://git.corp.example/gitlab'],
  ])('%s → %s', (name, host) => {
    expect(gitlabHost(parseCiEnv(fixture(name)))).toBe(host);
  });
});
