// This repository's own .gitlab-ci.yml: GitLab's schema, the component from this very commit merged
// with the self-test override (gitlab-ci-local 4.73.0 resolves the include as GitLab would), and the
// release job's version check run under busybox sh on a copy of the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/component-template.js';
import { GITLAB_CI_LOCAL } from '../harness/gitlab-ci-local.js';
import { gitlabCiTextErrors } from '../harness/gitlab-ci-schema.js';
import { requireTool } from '../harness/tools.js';

const ciText = readFileSync(path.join(REPO_ROOT, '.gitlab-ci.yml'), 'utf8');
const ci = parse(ciText) as Record<string, Record<string, unknown>>;
let copy: string;

beforeAll(() => {
  requireTool('git', 'git');
  requireTool('busybox', 'busybox-static');
  copy = mkdtempSync(path.join(tmpdir(), 'kiln-self-'));
  for (const file of ['.gitlab-ci.yml', 'templates', 'package.json']) {
    cpSync(path.join(REPO_ROOT, file), path.join(copy, file), { recursive: true });
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://gitlab.example.com/kiln-ci/kiln.git');
  git('add', '-A');
  git('-c', 'user.name=kiln', '-c', 'user.email=kiln@example.com', 'commit', '-q', '-m', 'kiln');
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

function listJobs(extra: string[] = []): string {
  const result = spawnSync(GITLAB_CI_LOCAL, ['--list', '--no-color', ...extra], {
    cwd: copy,
    env: { PATH: process.env['PATH'] ?? '', HOME: copy },
    encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('.gitlab-ci.yml', () => {
  test('validates against GitLab CI schema', () => {
    expect(gitlabCiTextErrors(ciText)).toEqual([]);
  });

  test('includes the component from this very commit', () => {
    expect(ci['include']).toMatchObject([
      { component: '$CI_SERVER_FQDN/$CI_PROJECT_PATH/build@$CI_COMMIT_SHA' },
    ]);
  });

  test('the self-test jobs come from the component, the prepare job runs this commit’s bundle', () => {
    const list = listJobs();
    expect(list).toMatch(/selftest-prepare\s+images\s+on_success\s+false\s+\[bundle\]/);
    expect(list).toMatch(/selftest-build\s+images\s+on_success\s+false\s+\[selftest-prepare\]/);
    expect(list).toMatch(/^lint\s/m);
    expect(list).toMatch(/^typecheck\s/m);
    expect(list).toMatch(/^test\s/m);
    expect(list).not.toMatch(/^release/m);
  });

  test('a semantic-version tag adds the release jobs', () => {
    const list = listJobs(['--variable', 'CI_COMMIT_TAG=v0.1.0']);
    expect(list).toMatch(/^release-image\s+release/m);
    expect(list).toMatch(/^release\s+release\s+on_success\s+false\s+\[release-image\]/m);
  });

  test.each([
    ['1.2.0', true],
    ['v1.2.0', true],
    ['v10.20.30', true],
    ['1.2', false],
    ['v1.2.0-rc.1', false],
    ['release-1.2.0', false],
  ])('the release rule matches tag %s: %s', (tag, matches) => {
    const rule = (ci['release']!['rules'] as { if: string }[])[0]!.if;
    const regex = /=~ \/(.+)\/$/.exec(rule)![1]!;
    expect(new RegExp(regex).test(tag)).toBe(matches);
  });

  test('the release job has the release keyword for the tag', () => {
    expect(ci['release']!['release']).toMatchObject({ tag_name: '$CI_COMMIT_TAG' });
  });

  test.each([
    ['v0.1.0', 0, ''],
    ['0.1.0', 0, ''],
    ['v0.2.0', 1, 'package.json version is not 0.2.0'],
  ])('the release version check with tag %s exits %i', (tag, status, message) => {
    const script = (ci['release']!['script'] as string[]).join('\n');
    const result = spawnSync('busybox', ['sh', '-c', script], {
      cwd: copy,
      env: { PATH: process.env['PATH'] ?? '', CI_COMMIT_TAG: tag },
      encoding: 'utf8',
    });
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
  });
});
