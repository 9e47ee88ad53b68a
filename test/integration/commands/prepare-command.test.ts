// kiln prepare / plan / tags through the CLI entry, on a real monorepo whose projects build real
// upstreams served by a git daemon on 127.0.0.1 (buildah builds them: Kaniko clones over HTTPS
// only, and build-config.yaml refuses plain http://; the Kaniko job shape is covered by
// test/unit/builders and test/integration/kaniko-script-busybox.test.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../src/cli.js';
import type { Env } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { type GitDaemon, startGitDaemon } from '../../harness/git-daemon.js';
import { gitlabCiErrors } from '../../harness/gitlab-ci-schema.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { startLatencyProxy } from '../../harness/latency-proxy.js';
import { createRepo, type ScriptedRepo, tempDir } from '../select/scripted-repo.js';

const JOB_TOKEN = 'job-token-0123456789';
let upstreams: string;
let daemon: GitDaemon;
let mono: ScriptedRepo;
let libSha: string;
let appSha: string;

beforeAll(async () => {
  upstreams = tempDir('prepare-up');
  const up = createRepo('prepare-src');
  up.write({ Dockerfile: 'FROM scratch\n' });
  libSha = up.commit('lib');
  up.git('tag', '-a', 'v2.0', '-m', 'release');
  appSha = up.commit('app');
  execFileSync('git', ['clone', '-q', '--bare', up.dir, path.join(upstreams, 'src.git')]);
  daemon = await startGitDaemon({ baseDir: upstreams });

  mono = createRepo('prepare-mono');
  mono.write({
    'projects/lib/build-config.yaml': [
      `upstream_repo: ${daemon.url}/src.git`,
      'upstream_ref: v2.0',
      'builder: buildah',
      'platforms: [linux/amd64, linux/arm64]',
      'additional_tags: [stable]',
    ].join('\n'),
    'projects/app/build-config.yaml': [
      `upstream_repo: ${daemon.url}/src.git`,
      'upstream_ref: main',
      'builder: buildah',
      'depends_on: [lib]',
      'build_args:',
      '  BASE: "{{image:lib}}"',
      '  PRICE: "$$5 and $(date)"',
      'platforms: [linux/amd64, linux/arm64]',
    ].join('\n'),
  });
  mono.commit('projects');
});
afterAll(async () => {
  await daemon?.stop();
  rmSync(upstreams, { recursive: true, force: true });
});

function ciEnv(extra: Env = {}): Env {
  return {
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'web',
    KILN_PROJECTS: 'all',
    CI_COMMIT_SHA: mono.sha(),
    CI_PIPELINE_ID: '77',
    CI_PIPELINE_CREATED_AT: '2026-03-04T10:00:00Z',
    CI_SERVER_HOST: '127.0.0.1',
    CI_JOB_TOKEN: JOB_TOKEN,
    KILN_REGISTRY: 'registry.example.com/images',
    ...extra,
  };
}

async function kiln(argv: string[], env: Env, cwd = mono.dir) {
  const log = createMemoryLogger();
  const code = await main(argv, { cwd, env, now: new Date('2026-11-23T10:00:00Z'), log });
  return { code, stdout: log.stdout.join(''), stderr: log.stderr.join('') };
}

describe('kiln prepare', () => {
  test('writes a valid child pipeline and plan.json with pinned SHAs; the job token never shows', async () => {
    const out = tempDir('prepare-out');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'child.yml'), '--plan', path.join(out, 'plan.json')],
      ciEnv(),
    );
    expect(run.stderr).not.toContain(JOB_TOKEN);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as BuildPlan;
    expect(plan.projects.map((p) => [p.name, p.upstream?.sha, p.upstream?.resolvedRef])).toEqual([
      ['lib', libSha, 'refs/tags/v2.0'],
      ['app', appSha, 'refs/heads/main'],
    ]);
    const yamlText = readFileSync(path.join(out, 'child.yml'), 'utf8');
    expect(yamlText).not.toContain(JOB_TOKEN);
    const child = parse(yamlText) as Record<string, Record<string, unknown>>;
    expect(gitlabCiErrors(child)).toEqual([]);
    expect(Object.keys(child)).toEqual([
      'stages',
      'variables',
      // What the jobs share, written once (issue 16).
      '.kiln:build:buildah',
      '.kiln:manifest',
      'build:lib:amd64',
      'build:lib:arm64',
      'manifest:lib',
      'build:app:amd64',
      'build:app:arm64',
      'manifest:app',
      // Last, in its own stage: every image of the pipeline in kiln-images.json (issue 14).
      'kiln:summary',
    ]);
    const script = ((child['build:app:arm64']?.['script'] ?? []) as string[]).join('\n');
    expect(script).toContain(appSha);
    expect(script).toMatch(/BASE=registry\.example\.com\/images:lib-20260304-[0-9a-f]{8}/);
    expect(child['build:app:amd64']?.['needs']).toEqual([{ job: 'manifest:lib', artifacts: false }]);
    expect(resolveExtends(child)['build:lib:amd64']).toMatchObject({
      image: { name: 'quay.io/buildah/stable:v1.42.0', entrypoint: [''] },
    });
    expect(child['.kiln:build:buildah']?.['image']).toEqual({
      name: 'quay.io/buildah/stable:v1.42.0',
      entrypoint: [''],
    });
    expect(run.stderr).toMatch(/app\n\s+reason:\s+manual/);
  });

  // Issue 15, finding 2: prepare checks what it plans to build for symlinks out of the context,
  // as kiln validate does, before any job runs.
  test('a local context with a symlink to /etc fails prepare, naming the link', async () => {
    const linked = createRepo('prepare-link');
    linked.write({
      'projects/web/build-config.yaml': 'use_local_context: true\n',
      'projects/web/Dockerfile': 'FROM scratch\nCOPY etc/passwd /\n',
    });
    symlinkSync('/etc', path.join(linked.dir, 'projects/web/etc'));
    linked.commit('web with a link');
    const out = tempDir('prepare-link-out');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'c.yml')],
      ciEnv({ CI_COMMIT_SHA: linked.sha() }),
      linked.dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /projects\/web\/build-config\.yaml.*symlink projects\/web\/etc -> \/etc leads outside the context/,
    );
    expect(existsSync(path.join(out, 'c.yml'))).toBe(false);
  });

  // Issue 13: the default runner tags are $CICD_TAG_AMD64 and $CICD_TAG_ARM64. Unset, GitLab gives
  // the jobs a tag no runner has, and they wait, pending, with nothing in any log.
  test.each([
    ['unset', { CICD_TAG_AMD64: 'amd64' }, 'not set'],
    ['empty', { CICD_TAG_AMD64: 'amd64', CICD_TAG_ARM64: ' ' }, 'empty'],
  ])(
    'in a job, a runner tag naming a CI variable that is %s fails prepare, naming it and the platform',
    async (_, vars, state) => {
      const out = tempDir('prepare-tags');
      const run = await kiln(
        ['prepare', '--output', path.join(out, 'c.yml')],
        ciEnv({ CI_JOB_ID: '5', ...vars }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `runner_tags.linux/arm64: runner tag "$CICD_TAG_ARM64" for linux/arm64 names the CI variable CICD_TAG_ARM64, which is ${state} in this pipeline: its jobs would wait for a runner forever (hint: define CICD_TAG_ARM64 as a CI/CD variable`,
      );
      expect(existsSync(path.join(out, 'c.yml'))).toBe(false);
      const set = await kiln(
        ['prepare', '--output', path.join(out, 'c.yml')],
        ciEnv({ CI_JOB_ID: '5', CICD_TAG_AMD64: 'amd64', CICD_TAG_ARM64: 'arm64' }),
      );
      expect(set.code, set.stderr).toBe(0);
    },
  );

  test('a plan-only merge request starts no child pipeline, so its runner tags are not checked', async () => {
    const out = tempDir('prepare-mr-tags');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'c.yml')],
      ciEnv({
        CI_JOB_ID: '5',
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_IID: '3',
        KILN_PROJECTS: '',
      }),
    );
    expect(run.stderr).not.toContain('would wait for a runner forever');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('merge request, plan only');
  });

  test('manifest_runner_tags put the manifest and summary jobs on their own runners, checked the same way', async () => {
    const out = tempDir('prepare-utility');
    const env = ciEnv({
      CI_JOB_ID: '5',
      CICD_TAG_AMD64: 'amd64',
      CICD_TAG_ARM64: 'arm64',
      KILN_MANIFEST_RUNNER_TAGS: 'small,$UTILITY',
    });
    const missing = await kiln(['prepare', '--output', path.join(out, 'c.yml')], env);
    expect(missing.stderr).toContain(
      'manifest_runner_tags: runner tag "$UTILITY" for the manifest, summary and no-op jobs names the CI variable UTILITY, which is not set',
    );
    const run = await kiln(['prepare', '--output', path.join(out, 'c.yml')], { ...env, UTILITY: 'tiny' });
    expect(run.code, run.stderr).toBe(0);
    const child = parse(readFileSync(path.join(out, 'c.yml'), 'utf8')) as Record<string, { tags?: string[] }>;
    expect(child['.kiln:manifest']?.tags).toEqual(['small', '$UTILITY']);
    expect(child['kiln:summary']?.tags).toEqual(['small', '$UTILITY']);
  });

  // Issue 15: a manual (web), API, trigger or scheduled pipeline on another branch once moved the
  // release tags to that branch's code. GitLab's own variables say which ref runs and whether it
  // is protected; the plan, the log and the manifest spec say what moves.
  test.each([
    ['web', 'main', 'true', true],
    ['api', 'main', 'true', true],
    ['trigger', 'main', 'true', true],
    ['schedule', 'main', 'true', true],
    ['web', 'main', 'false', false],
    ['web', 'feature/x', 'false', false],
    ['api', 'feature/x', 'true', false],
    ['trigger', 'feature/x', 'false', false],
    ['schedule', 'feature/x', 'true', false],
  ] as const)(
    '%s pipeline on %s (protected: %s): release tags move: %s',
    async (source, ref, protectedRef, moves) => {
      const out = tempDir('prepare-release');
      const slug = ref.replace('/', '-');
      const run = await kiln(
        ['prepare', '--output', path.join(out, 'child.yml'), '--plan', path.join(out, 'plan.json')],
        ciEnv({
          CI_PIPELINE_SOURCE: source,
          CI_COMMIT_REF_NAME: ref,
          CI_COMMIT_BRANCH: ref,
          CI_COMMIT_REF_SLUG: slug,
          CI_COMMIT_REF_PROTECTED: protectedRef,
          CI_DEFAULT_BRANCH: 'main',
        }),
      );
      expect(run.code, run.stderr).toBe(0);
      const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as BuildPlan;
      const lib = plan.projects.find((p) => p.name === 'lib');
      expect(plan.release.moves).toBe(moves);
      const dated = moves
        ? /^lib-20260304-[0-9a-f]{8}$/
        : new RegExp(`^lib-20260304-[0-9a-f]{8}-ref-${slug}$`);
      expect(lib?.manifest.spec.tags[0]).toMatch(dated);
      expect(lib?.manifest.spec.tags.slice(1)).toEqual(moves ? ['lib-stable'] : []);
      expect(lib?.tags.skipped).toEqual(moves ? [] : ['lib-stable']);
      expect(run.stderr).toContain(`release tags: ${moves ? 'moved' : 'skipped'}, ${plan.release.why}`);
    },
  );

  test('a git:// upstream with the Kaniko builder is a plan error suggesting https or buildah', async () => {
    const kaniko = createRepo('prepare-kaniko');
    kaniko.write({
      'projects/k/build-config.yaml': `upstream_repo: ${daemon.url}/src.git\nupstream_ref: main\n`,
    });
    kaniko.commit('k');
    const run = await kiln(
      ['prepare', '--output', path.join(tempDir('prepare-k'), 'c.yml')],
      ciEnv({ CI_COMMIT_SHA: kaniko.sha() }),
      kaniko.dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'projects/k/build-config.yaml: upstream_repo: Kaniko clones over HTTPS only',
    );
    expect(run.stderr).toContain('builder: buildah');
  });

  test.each([
    ['KILN_PIN_CONCURRENCY=2', { KILN_PIN_CONCURRENCY: '2' }, 2],
    ['the default (16)', {}, 6],
  ])('pinning runs as many ls-remote at once as %s allows', async (_what, extra: Env, peak) => {
    // Six upstreams behind a proxy that holds each connection open for a round trip: the most
    // connections open at once is how many ls-remote ran in parallel.
    const proxy = await startLatencyProxy({ targetPort: daemon.port, rttMs: 150 });
    try {
      const many = createRepo('prepare-many');
      for (let i = 0; i < 6; i++) {
        const copy = path.join(upstreams, `copy-${i}.git`);
        if (!existsSync(copy))
          execFileSync('git', ['clone', '-q', '--bare', path.join(upstreams, 'src.git'), copy]);
        many.write({
          [`projects/p${i}/build-config.yaml`]: `upstream_repo: git://127.0.0.1:${proxy.port}/copy-${i}.git\nupstream_ref: main\nbuilder: buildah\n`,
        });
      }
      many.commit('six');
      const run = await kiln(['plan', '--json'], ciEnv({ CI_COMMIT_SHA: many.sha(), ...extra }), many.dir);
      expect(run.code, run.stderr).toBe(0);
      expect(proxy.connections()).toBe(6);
      expect(proxy.peak()).toBe(peak);
    } finally {
      await proxy.stop();
    }
  });

  test('a plan too big for one child pipeline: a router and one part per group, named in plan.json', async () => {
    const big = createRepo('prepare-split');
    for (const name of ['a', 'b', 'c']) {
      big.write({
        [`projects/${name}/build-config.yaml`]: `upstream_repo: ${daemon.url}/src.git\nupstream_ref: main\nbuilder: buildah\n`,
      });
    }
    big.commit('three');
    // As in the job: the files go in the job's folder, the checkout (artifacts hold nothing else).
    const child = path.join(big.dir, 'kiln-child-pipeline.yml');
    const run = await kiln(
      ['prepare'],
      // 4 jobs: each project's 3 in a part of its own, and the router's 4 (kiln:parts, 3 triggers).
      ciEnv({ CI_COMMIT_SHA: big.sha(), KILN_MAX_PIPELINE_JOBS: '4', CI_JOB_NAME: 'images-prepare' }),
      big.dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('split into 3 child pipelines');
    const plan = JSON.parse(readFileSync(path.join(big.dir, 'plan.json'), 'utf8')) as BuildPlan;
    expect(plan.parts).toEqual(
      ['a', 'b', 'c'].map((p, i) => ({ file: `kiln-child-pipeline.part-${i + 1}.yml`, projects: [p] })),
    );
    const router = parse(readFileSync(child, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(gitlabCiErrors(router)).toEqual([]);
    expect(router['kiln:parts']?.['needs']).toEqual([
      { pipeline: '77', job: 'images-prepare', artifacts: true },
    ]);
    for (const [i, part] of (plan.parts ?? []).entries()) {
      const doc = parse(readFileSync(path.join(big.dir, part.file), 'utf8')) as Record<string, unknown>;
      expect(gitlabCiErrors(doc)).toEqual([]);
      expect(Object.keys(doc).filter((k) => /^(build|manifest):/.test(k))).toEqual([
        `build:${part.projects[0]}:amd64`,
        `build:${part.projects[0]}:arm64`,
        `manifest:${part.projects[0]}`,
      ]);
      expect(router[`kiln:part-${i + 1}`]?.['trigger']).toMatchObject({
        include: [{ artifact: part.file, job: 'kiln:parts' }],
      });
    }
  });

  test('a split plan written outside the job folder is refused: artifacts could not carry its parts', async () => {
    const big = createRepo('prepare-split-outside');
    for (const name of ['a', 'b']) {
      big.write({
        [`projects/${name}/build-config.yaml`]: `upstream_repo: ${daemon.url}/src.git\nupstream_ref: main\nbuilder: buildah\n`,
      });
    }
    big.commit('two');
    const out = tempDir('prepare-split-outside-out');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'child.yml'), '--plan', path.join(out, 'plan.json')],
      ciEnv({ CI_COMMIT_SHA: big.sha(), KILN_MAX_PIPELINE_JOBS: '3' }),
      big.dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/outside the job's folder: artifacts cannot hold them/);
    expect(existsSync(path.join(out, 'child.yml'))).toBe(false);
  });

  test('a missing upstream ref fails the prepare job naming project, URL and ref', async () => {
    const broken = createRepo('prepare-broken');
    broken.write({
      'projects/x/build-config.yaml': `upstream_repo: ${daemon.url}/src.git\nupstream_ref: v9.9\n`,
    });
    broken.commit('x');
    const out = tempDir('prepare-broken-out');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'c.yml')],
      ciEnv({ CI_COMMIT_SHA: broken.sha() }),
      broken.dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('projects/x/build-config.yaml: upstream_ref: no branch or tag "v9.9"');
    expect(run.stderr).toContain(`${daemon.url}/src.git (project x)`);
  });
});

describe('kiln prepare: merge requests and ECR', () => {
  test('a merge request in plan mode renders one plan-only job and pushes nothing', async () => {
    const base = mono.sha();
    const mr = openBranchCommit();
    const out = tempDir('prepare-mr');
    const run = await kiln(
      ['prepare', '--output', path.join(out, 'c.yml'), '--plan', path.join(out, 'plan.json')],
      ciEnv({
        CI_PIPELINE_SOURCE: 'merge_request_event',
        KILN_PROJECTS: '',
        CI_COMMIT_SHA: mr,
        CI_MERGE_REQUEST_IID: '3',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    const child = parse(readFileSync(path.join(out, 'c.yml'), 'utf8')) as Record<
      string,
      { script?: string[] }
    >;
    expect(Object.keys(child)).toEqual(['stages', 'kiln:plan-only']);
    expect(child['kiln:plan-only']?.script?.join('\n')).toContain('app: linux/amd64, linux/arm64');
    expect(gitlabCiErrors(child)).toEqual([]);
    expect((JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as BuildPlan).push).toBe(false);
  });

  test('ECR: the image and per-architecture cache repositories are created before any build', async () => {
    // AWS ECR cannot run here: a local server answers CreateRepository as ECR's documented
    // JSON 1.1 API does (X-Amz-Target header, RepositoryAlreadyExistsException as __type).
    const created: string[] = [];
    const calls: string[] = [];
    const existing = new Set(['images/lib']);
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        repositoryName: string;
        repositoryNames?: string[];
        registryId?: string;
      };
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      calls.push(String(req.headers['x-amz-target']).split('.')[1] ?? '');
      if (req.headers['x-amz-target'] === 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories') {
        const name = body.repositoryNames?.[0] ?? '';
        if (!existing.has(name) && !created.includes(name)) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({ __type: 'RepositoryNotFoundException', message: `'${name}' does not exist` }),
          );
          return;
        }
        res.end(JSON.stringify({ repositories: [{ repositoryName: name }] }));
        return;
      }
      if (req.headers['x-amz-target'] !== 'AmazonEC2ContainerRegistry_V20150921.CreateRepository') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidParameterException', message: 'unexpected call' }));
        return;
      }
      if (existing.has(body.repositoryName)) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'RepositoryAlreadyExistsException', message: 'exists' }));
        return;
      }
      created.push(body.repositoryName);
      res.end(
        JSON.stringify({ repository: { repositoryName: body.repositoryName, registryId: body.registryId } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDKILNTEST';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'kiln-test-secret-key';
    try {
      const out = tempDir('prepare-ecr');
      // Kaniko projects (buildah does not push to ECR): one from its own folder, one that depends on it.
      const ecrMono = createRepo('prepare-ecr-mono');
      ecrMono.write({
        'projects/lib/build-config.yaml': 'use_local_context: true\nadditional_tags: [stable]\n',
        'projects/lib/Dockerfile': 'FROM scratch\n',
        'projects/app/build-config.yaml': 'use_local_context: true\ndepends_on: [lib]\n',
        'projects/app/Dockerfile': 'FROM scratch\n',
      });
      ecrMono.commit('projects');
      const run = await kiln(
        ['prepare', '--output', path.join(out, 'c.yml'), '--plan', path.join(out, 'plan.json')],
        ciEnv({
          CI_COMMIT_SHA: ecrMono.sha(),
          KILN_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
          KILN_REPOSITORY_MODE: 'per-project',
          AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        }),
        ecrMono.dir,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(created.sort()).toEqual(['images/app', 'images/cache/amd64', 'images/cache/arm64']);
      expect(run.stderr).toContain('ECR: 3 repositories created, 1 already there');
      // Looked up first: only the missing ones were created.
      expect(calls.filter((c) => c === 'DescribeRepositories')).toHaveLength(4);
      expect(calls.filter((c) => c === 'CreateRepository')).toHaveLength(3);

      // create_repositories: false leaves ECR alone.
      calls.length = 0;
      const untouched = await kiln(
        ['prepare', '--output', path.join(out, 'c2.yml')],
        ciEnv({
          CI_COMMIT_SHA: ecrMono.sha(),
          KILN_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
          KILN_REPOSITORY_MODE: 'per-project',
          KILN_CREATE_REPOSITORIES: 'false',
          AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        }),
        ecrMono.dir,
      );
      expect(untouched.code, untouched.stderr).toBe(0);
      expect(calls).toEqual([]);
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = saved.id;
      process.env['AWS_SECRET_ACCESS_KEY'] = saved.secret;
      if (saved.id === undefined) delete process.env['AWS_ACCESS_KEY_ID'];
      if (saved.secret === undefined) delete process.env['AWS_SECRET_ACCESS_KEY'];
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A commit on a merge-request branch that changes only app. */
function openBranchCommit(): string {
  mono.git('checkout', '-q', '-b', 'feature');
  mono.write({ 'projects/app/notes.txt': 'mr change\n' });
  const sha = mono.commit('mr: app');
  mono.git('checkout', '-q', 'main');
  return sha;
}

describe('kiln plan', () => {
  test('prints reason, upstream@SHA, platforms, tags and jobs; --output writes the child pipeline', async () => {
    const out = path.join(tempDir('plan-full'), 'child.yml');
    const run = await kiln(['plan', '--projects', 'lib', '--output', out], ciEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`upstream:  ${daemon.url}/src.git v2.0 @ ${libSha}`);
    expect(run.stdout).toContain('platforms: linux/amd64, linux/arm64');
    expect(run.stdout).toContain('image:     registry.example.com/images:lib-20260304-');
    expect(run.stdout).toContain('also:      lib-stable');
    expect(run.stdout).toContain('jobs:      build:lib:amd64, build:lib:arm64 → manifest:lib');
    expect(Object.keys(parse(readFileSync(out, 'utf8')))).toContain('manifest:lib');
  });

  test('--json prints the plan', async () => {
    const run = await kiln(['plan', '--projects', 'lib', '--json'], ciEnv());
    const plan = JSON.parse(run.stdout) as BuildPlan;
    expect(plan.projects[0]?.manifest.spec.tags).toEqual([
      expect.stringMatching(/^lib-20260304-[0-9a-f]{8}$/),
      'lib-stable',
    ]);
  });
});

describe('kiln tags', () => {
  test('prints the default, per-architecture and additional tags', async () => {
    const head = mono.sha().slice(0, 8);
    const run = await kiln(['tags', '--project', 'lib'], ciEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `lib-20260304-${head}`,
      `lib-20260304-${head}-amd64`,
      `lib-20260304-${head}-arm64`,
      'lib-stable',
    ]);
  });

  test('--json includes the repository; outside CI the date is today and the commit HEAD', async () => {
    const run = await kiln(['tags', '--project', 'app', '--json'], {
      KILN_REGISTRY: 'r.example.com/x',
      KILN_REPOSITORY_MODE: 'per-project',
    });
    expect(JSON.parse(run.stdout)).toMatchObject({
      project: 'app',
      repository: 'r.example.com/x/app',
      default: `app-20261123-${mono.sha().slice(0, 8)}`,
    });
  });

  test.each([
    [['tags'], 2, /--project NAME is required/],
    [['tags', '--project', 'ap'], 2, /did you mean "app"/],
    [['tags', '--project', 'zzzzzzzzzz'], 2, /projects: app, lib/],
  ])('%j fails with exit %i', async (argv, exit, message) => {
    const run = await kiln(argv, {});
    expect(run.code).toBe(exit);
    expect(run.stderr).toMatch(message);
  });
});
