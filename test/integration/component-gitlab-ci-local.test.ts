// The component as a consumer repository uses it, run by gitlab-ci-local 4.73.0 (shell executor):
// examples/consumer in a temporary git repository that includes templates/build.yml from this
// same commit (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/build@$CI_COMMIT_SHA`, which gitlab-ci-local
// resolves to the repository's own templates/ folder, as GitLab does for a same-project include).
// `kiln` is a stub on PATH that records its environment and writes a one-job child pipeline.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { REPO_ROOT, TEMPLATE_PATH } from '../harness/component-template.js';
import { GITLAB_CI_LOCAL } from '../harness/gitlab-ci-local.js';
import { gitlabCiTextErrors } from '../harness/gitlab-ci-schema.js';
import { requireTool } from '../harness/tools.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/consumer');
const SAME_COMMIT = '$CI_SERVER_FQDN/$CI_PROJECT_PATH/build@$CI_COMMIT_SHA';

const STUB = `#!/bin/sh
# Records what the prepare job hands to kiln, then writes what kiln prepare would.
if [ "$1" = validate ]; then echo "$@" > "$STUB_RECORD.validate"; echo '[{"stub": true}]' > "$3"; exit 0; fi
env | grep -E '^(KILN_|AWS_ROLE_ARN|AWS_WEB_IDENTITY_TOKEN_FILE)' | sort > "$STUB_RECORD"
echo "$@" > "$STUB_RECORD.argv"
printf 'kiln-child:\\n  script:\\n    - echo child pipeline ran\\n' > kiln-child-pipeline.yml
echo '{"projects":[]}' > plan.json
`;

let work: string;

beforeAll(() => {
  requireTool('git', 'git');
  work = mkdtempSync(path.join(tmpdir(), 'kiln-component-'));
  mkdirSync(path.join(work, 'bin'));
  writeFileSync(path.join(work, 'bin/kiln'), STUB);
  chmodSync(path.join(work, 'bin/kiln'), 0o755);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  status: number;
  output: string;
  record: Record<string, string>;
}

/** A fresh consumer repository from examples/consumer with `edit` applied to its .gitlab-ci.yml. */
function consumerRepo(name: string, edit: (ci: string) => string = (ci) => ci, branch = 'main'): string {
  const repo = path.join(work, name);
  cpSync(EXAMPLE, repo, { recursive: true });
  mkdirSync(path.join(repo, 'templates'));
  cpSync(TEMPLATE_PATH, path.join(repo, 'templates/build.yml'));
  const ciFile = path.join(repo, '.gitlab-ci.yml');
  const ci = readFileSync(ciFile, 'utf8').replace('$CI_SERVER_FQDN/kiln-ci/kiln/build@0.1.0', SAME_COMMIT);
  writeFileSync(ciFile, edit(ci));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', branch);
  git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/images.git');
  git('add', '-A');
  git('-c', 'user.name=kiln', '-c', 'user.email=kiln@example.com', 'commit', '-q', '-m', 'images');
  return repo;
}

function runPipeline(repo: string, extraArgs: string[] = []): Run {
  const record = path.join(repo, 'kiln-env.txt');
  // A clean environment: nothing KILN_* from the machine running the tests leaks into the jobs.
  const env: Record<string, string> = {
    PATH: `${path.join(work, 'bin')}:${process.env['PATH']}`,
    HOME: repo,
    STUB_RECORD: record,
    NO_COLOR: '1',
  };
  const result = spawnSync(GITLAB_CI_LOCAL, ['--force-shell-executor', '--no-color', ...extraArgs], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let recorded: Record<string, string> = {};
  try {
    recorded = Object.fromEntries(
      readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } catch {
    // The prepare job did not run.
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`, record: recorded };
}

describe('examples/consumer/.gitlab-ci.yml', () => {
  test('validates against GitLab CI schema', () => {
    expect(gitlabCiTextErrors(readFileSync(path.join(EXAMPLE, '.gitlab-ci.yml'), 'utf8'))).toEqual([]);
  });
});

describe('the component under gitlab-ci-local', () => {
  test('a push to the default branch: non-default inputs arrive as KILN_* variables, the child pipeline runs', () => {
    const run = runPipeline(consumerRepo('push'));
    expect(run.output).toContain('PASS  images-prepare');
    expect(run.output).toContain('PASS  check-projects');
    expect(run.output).toContain('child pipeline ran');
    expect(run.status).toBe(0);
    expect(run.record).toEqual({
      KILN_IMAGE: 'registry.gitlab.com/kiln-ci/kiln:0.1.0',
      KILN_MERGE_REQUESTS: 'plan',
      KILN_GITLAB_TOKEN_VARIABLE: 'IMAGES_API_TOKEN',
      // gitlab-ci-local derives CI_REGISTRY_IMAGE from the remote; the prepare job expands it.
      KILN_REGISTRY: expect.stringMatching(/acme\/images$/),
      KILN_REPOSITORY_MODE: 'per-project',
      // Unexpanded: GitLab expands $AMD64_RUNNER_TAG in the child pipeline's tags.
      KILN_RUNNER_TAGS: 'linux/amd64=$AMD64_RUNNER_TAG;linux/arm64=arm64,large',
      KILN_BUILDER: 'buildah',
      KILN_CACHE: 'false',
      KILN_TAG_TEMPLATE: '{project}-{date}-{pipeline}',
    });
    expect(readFileSync(path.join(work, 'push/kiln-env.txt.argv'), 'utf8').trim()).toBe('prepare');
    // Outside merge requests nothing is validated twice: an empty report is the MR's clean base.
    expect(existsSync(path.join(work, 'push/kiln-env.txt.validate'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(work, 'push/kiln-codequality.json'), 'utf8'))).toEqual([]);
  });

  test('what the prepare job hands over resolves to the intended kiln settings', () => {
    const run = runPipeline(consumerRepo('settings'));
    const settings = resolveSettings({ env: run.record });
    expect(settings.builder).toBe('buildah');
    expect(settings.cache).toBe(false);
    expect(settings.repositoryMode).toBe('per-project');
    expect(settings.runnerTags).toEqual({
      'linux/amd64': ['$AMD64_RUNNER_TAG'],
      'linux/arm64': ['arm64', 'large'],
    });
    expect(settings.gitlabTokenVariable).toBe('IMAGES_API_TOKEN');
    // Inputs left empty reach kiln as unset, so kiln's defaults (or kiln.yaml) apply.
    expect(settings.compression).toBe('gzip');
    expect(settings.projectsDir).toBe('projects');
  });

  test('with an AWS role, the ID token GitLab injects is written to the web identity file the SDK reads', () => {
    const role = 'arn:aws:iam::123456789012:role/kiln-images';
    const repo = consumerRepo('oidc', (ci) =>
      ci.replace('builder: buildah', `builder: buildah\n      aws_role_arn: ${role}`),
    );
    // gitlab-ci-local does not mint OIDC tokens; GitLab sets the id_tokens variable, so the test does.
    const run = runPipeline(repo, ['--variable', 'KILN_AWS_ID_TOKEN=eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl']);
    expect(run.record['AWS_ROLE_ARN']).toBe(role);
    const tokenFile = run.record['AWS_WEB_IDENTITY_TOKEN_FILE']!;
    expect(tokenFile.startsWith(repo)).toBe(false);
    expect(readFileSync(tokenFile, 'utf8')).toBe('eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl');
    rmSync(tokenFile);
  });

  test('with the input left empty, a project-level AWS_ROLE_ARN still reaches the prepare job', () => {
    const role = 'arn:aws:iam::123456789012:role/from-project-settings';
    const run = runPipeline(consumerRepo('oidc-project-variable'), [
      '--variable',
      `AWS_ROLE_ARN=${role}`,
      '--variable',
      'KILN_AWS_ID_TOKEN=eyJhbGciOiJSUzI1NiJ9.e30.cHJvamVjdA',
    ]);
    expect(run.record['AWS_ROLE_ARN']).toBe(role);
    const tokenFile = run.record['AWS_WEB_IDENTITY_TOKEN_FILE']!;
    expect(readFileSync(tokenFile, 'utf8')).toBe('eyJhbGciOiJSUzI1NiJ9.e30.cHJvamVjdA');
    rmSync(tokenFile);
  });

  test('a merge request plans only by default: prepare runs, the child pipeline does not', () => {
    const run = runPipeline(consumerRepo('mr'), ['--variable', 'CI_PIPELINE_SOURCE=merge_request_event']);
    expect(run.output).toContain('PASS  images-prepare');
    expect(run.output).not.toContain('child pipeline ran');
    expect(run.record['KILN_MERGE_REQUESTS']).toBe('plan');
    // Every config is validated first, into the Code Quality report GitLab shows in the MR diff.
    const repo = path.join(work, 'mr');
    expect(readFileSync(path.join(repo, 'kiln-env.txt.validate'), 'utf8').trim()).toBe(
      'validate --codequality kiln-codequality.json',
    );
    expect(readFileSync(path.join(repo, 'kiln-codequality.json'), 'utf8')).toContain('"stub"');
  });

  test('merge_requests: build also runs the child pipeline on merge requests', () => {
    const repo = consumerRepo('mr-build', (ci) =>
      ci.replace('merge_requests: plan', 'merge_requests: build'),
    );
    const run = runPipeline(repo, ['--variable', 'CI_PIPELINE_SOURCE=merge_request_event']);
    expect(run.output).toContain('child pipeline ran');
    expect(run.record['KILN_MERGE_REQUESTS']).toBe('build');
  });

  test.each(['schedule', 'web', 'api', 'trigger', 'chat', 'pipeline', 'parent_pipeline'])(
    'a %s pipeline runs the prepare job and the child pipeline',
    (source) => {
      // kiln's own schedule carries the variable kiln schedule ensure sets.
      const marker = source === 'schedule' ? ['--variable', 'KILN_SCHEDULE=rebuild'] : [];
      const run = runPipeline(consumerRepo(`source-${source}`), [
        '--variable',
        `CI_PIPELINE_SOURCE=${source}`,
        ...marker,
      ]);
      expect(run.output).toContain('PASS  images-prepare');
      expect(run.output).toContain('child pipeline ran');
    },
  );

  test('kiln’s schedule is known by its description too, where pipeline variables are not allowed', () => {
    const run = runPipeline(consumerRepo('schedule-by-description'), [
      '--variable',
      'CI_PIPELINE_SOURCE=schedule',
      '--variable',
      'CI_PIPELINE_SCHEDULE_DESCRIPTION=kiln weekly rebuild',
    ]);
    expect(run.output).toContain('PASS  images-prepare');
    expect(run.output).toContain('child pipeline ran');
  });

  test('another schedule of the project (no KILN_SCHEDULE=rebuild) runs none of kiln’s jobs', () => {
    const run = runPipeline(consumerRepo('other-schedule'), [
      '--variable',
      'CI_PIPELINE_SOURCE=schedule',
      '--variable',
      'CI_PIPELINE_SCHEDULE_DESCRIPTION=nightly tests',
    ]);
    expect(run.output).toContain('PASS  check-projects');
    expect(run.output).not.toContain('images-prepare');
    expect(run.output).not.toContain('child pipeline ran');
  });

  test('a push to another branch runs none of kiln’s jobs', () => {
    const run = runPipeline(consumerRepo('feature', undefined, 'feature'));
    expect(run.output).toContain('PASS  check-projects');
    expect(run.output).not.toContain('images-prepare');
    expect(run.record).toEqual({});
  });

  test.each([
    [
      'builder: buildah',
      'builder: docker',
      '`builder` input: `docker` cannot be used because it is not in the list of allowed options',
    ],
    ['merge_requests: plan', 'merge_requests: always', '`merge_requests` input: `always` cannot be used'],
    ["cache: 'false'", 'cache_ttl: 7days', '`cache_ttl` input: `7days` does not match required regex'],
    [
      'job_prefix: images',
      'job_prefix: my images',
      '`job_prefix` input: `my images` does not match required regex',
    ],
  ])('a wrong input value is rejected before any job runs (%s → %s)', (from, to, message) => {
    const run = runPipeline(consumerRepo(`bad-${to.replace(/\W+/g, '-')}`, (ci) => ci.replace(from, to)));
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(message);
    expect(run.record).toEqual({});
  });
});
