// Issue 13: a builder repository moved from the old shell pipeline to kiln in one commit, under
// gitlab-ci-local 4.73.0 (shell executor) as test/e2e/pipeline.test.ts runs examples/demo. The
// repository is examples/migration: one folder per image at the root beside hack/, docs/, a
// README and rebuild-weekly.txt, with a kiln.yaml that keeps the old names. The images land in a
// distribution registry on 127.0.0.1 with the tags the old pipeline gave them, read back by skopeo:
// `<registry>/old/kaniko:kaniko-YYYYMMDD-<7 hex>` (and -amd64/-arm64) and `kaniko:latest`.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../harness/component-template.js';
import { type DemoEnvironment, startDemoEnvironment } from '../harness/demo-environment.js';
import { runGitlabCiLocal } from '../harness/gitlab-ci-local.js';
import { readImageFile } from '../harness/image-files.js';
import { skopeoInspect } from '../harness/registry.js';

let demo: DemoEnvironment;

beforeAll(async () => {
  demo = await startDemoEnvironment({ example: path.join(REPO_ROOT, 'examples/migration') });
}, 300_000);

afterAll(async () => {
  await demo?.stop();
});

function tagsOf(repository: string): string[] {
  const listed = JSON.parse(
    execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${repository}`], {
      encoding: 'utf8',
    }),
  ) as { Tags: string[] };
  return listed.Tags.sort();
}

describe('a repository in the old layout, built by kiln with the old tags', () => {
  test('the first push builds the image folders at the root, and only those, under the names consumers pull', async () => {
    const head = await demo.monorepo.git(['rev-parse', 'HEAD']);
    const run = await runGitlabCiLocal({
      cwd: demo.monorepo.dir,
      env: demo.env,
      variables: { CI_COMMIT_REF_PROTECTED: 'true', CI_COMMIT_BEFORE_SHA: '0'.repeat(40) },
      timeoutMs: 480_000,
    });
    const failed = [...run.jobs].filter(([, passed]) => !passed).map(([name]) => name);
    expect(failed, run.output).toEqual([]);
    expect(run.exitCode, run.output).toBe(0);
    // hack/, docs/ and templates/ (the component, in the test) are no projects.
    // kaniko's variant debug is an image of its own, from the same folder.
    expect([...run.jobs.keys()].filter((name) => /^(build|manifest):/.test(name)).sort()).toEqual([
      'build:another-tool:amd64',
      'build:kaniko-debug:amd64',
      'build:kaniko:amd64',
      'build:kaniko:arm64',
      'manifest:another-tool',
      'manifest:kaniko',
      'manifest:kaniko-debug',
    ]);

    // The pipeline's date (UTC) and 7 hex digits of the commit, as the old pipeline wrote them.
    const short = head.slice(0, 7);
    const kaniko = `${demo.registry.host}/old/kaniko`;
    const dated = tagsOf(kaniko).find((t) => new RegExp(`^kaniko-\\d{8}-${short}$`).test(t)) ?? '(none)';
    const date = dated.split('-')[1];
    expect(tagsOf(kaniko)).toEqual([dated, `${dated}-amd64`, `${dated}-arm64`, 'latest'].sort());
    expect((await skopeoInspect(`${kaniko}:latest`))['Digest']).toBe(
      (await skopeoInspect(`${kaniko}:${dated}`))['Digest'],
    );

    const debug = `${demo.registry.host}/old/kaniko-debug`;
    const debugTag = `kaniko-debug-${date}-${short}`;
    expect(tagsOf(debug)).toEqual([debugTag, `${debugTag}-amd64`, 'latest'].sort());
    // The variant's build arg, not the project's, went into its image.
    expect(await readImageFile(`${debug}:latest`, 'linux/amd64', 'greeting.txt')).toBe(
      'hello from the debug variant\n',
    );
    expect(await readImageFile(`${kaniko}:latest`, 'linux/arm64', 'greeting.txt')).toBe(
      'hello from the old pipeline\n',
    );

    const tool = `${demo.registry.host}/old/another-tool`;
    const toolTag = `another-tool-${date}-${short}`;
    expect(tagsOf(tool)).toEqual([toolTag, `${toolTag}-amd64`, 'latest'].sort());
  }, 600_000);

  test('a change to kaniko/build-config.yaml rebuilds kaniko and its variant alone', async () => {
    const before = await demo.monorepo.git(['rev-parse', 'HEAD']);
    const config = await readFile(path.join(demo.monorepo.dir, 'kaniko/build-config.yaml'), 'utf8');
    const head = await demo.monorepo.commit(
      { 'kaniko/build-config.yaml': config.replace('hello from the old pipeline', 'hello from kiln') },
      'kaniko: new greeting',
    );
    const run = await runGitlabCiLocal({
      cwd: demo.monorepo.dir,
      env: demo.env,
      variables: { CI_COMMIT_REF_PROTECTED: 'true', CI_COMMIT_BEFORE_SHA: before },
      timeoutMs: 480_000,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect([...run.jobs.keys()].filter((name) => /^(build|manifest):/.test(name)).sort()).toEqual([
      'build:kaniko-debug:amd64',
      'build:kaniko:amd64',
      'build:kaniko:arm64',
      'manifest:kaniko',
      'manifest:kaniko-debug',
    ]);
    expect(tagsOf(`${demo.registry.host}/old/kaniko`)).toContain(
      `kaniko-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${head.slice(0, 7)}`,
    );
  }, 600_000);
});
