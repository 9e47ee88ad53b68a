// The prepare job's symlink check of the upstreams Kaniko builds (issue 15, finding 2): Kaniko
// clones inside its executor, where no job script can look, so kiln reads the pinned commit's
// tree first. Against a real private upstream (git http-backend behind Basic auth on 127.0.0.1,
// partial clone allowed as GitHub and GitLab allow it), pinned by the real pinSources; and through
// `kiln prepare` on a git daemon, to show the check runs before anything is planned.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';
import { KilnError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/log.js';
import { pinSources } from '../../src/plan/pin-sources.js';
import { checkUpstreamLinks } from '../../src/plan/upstream-links.js';
import type { BuildConfig } from '../../src/types.js';
import { type GitDaemon, startGitDaemon } from '../harness/git-daemon.js';
import { type GitHttpServer, startGitHttpServer } from '../harness/git-http-server.js';
import { project } from '../unit/plan/fixtures.js';
import { createRepo, tempDir } from './select/scripted-repo.js';

const TOKEN = 'glpat-tree-check-token-0123';
const BIG = 4 * 1024 * 1024;
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: gitEnv }).toString().trim();

let base: string;
let http: GitHttpServer;
let daemon: GitDaemon;

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'kiln-upstream-links-'));
  const work = path.join(base, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  const file = (name: string, text: string | Buffer) => {
    mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    writeFileSync(path.join(work, name), text);
  };
  const link = (name: string, target: string) => {
    mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    symlinkSync(target, path.join(work, name));
  };
  file('leaky/Dockerfile', 'FROM scratch\nCOPY docker/config.json /\n');
  link('leaky/docker', '/kaniko/.docker');
  link('leaky/etc', '/etc');
  link('leaky/ok', 'Dockerfile');
  link('rooted', '/');
  file('other/Dockerfile', 'FROM scratch\n');
  link('dflink/Dockerfile', '../other/Dockerfile');
  // Links that stay inside the context, and a blob the check must not download.
  file('clean/Dockerfile', 'FROM scratch\nCOPY . /\n');
  file('clean/sub/data.txt', 'data\n');
  file('clean/big.bin', randomBytes(BIG));
  link('clean/sub/up', '../Dockerfile');
  link('clean/abs', '/kaniko/buildcontext/clean/sub');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'tree');
  const bare = path.join(base, 'up.git');
  execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  http = await startGitHttpServer({ projectRoot: base, username: 'oauth2', token: TOKEN });
  daemon = await startGitDaemon({ baseDir: base });
});
afterAll(async () => {
  await http?.stop();
  await daemon?.stop();
  rmSync(base, { recursive: true, force: true });
});

async function check(configs: Record<string, Partial<BuildConfig>>) {
  const log = createMemoryLogger();
  const options = {
    env: { UPSTREAM_TOKEN: TOKEN },
    log,
    upstreamTokenVariable: 'UPSTREAM_TOKEN',
    upstreamTokenHosts: [new URL(http.url).host],
  };
  const projects = Object.entries(configs).map(([name, config]) =>
    project(name, { upstream_repo: `${http.url}/up.git`, upstream_ref: 'main', ...config }),
  );
  const pinned = await pinSources({ ...options, projects });
  try {
    await checkUpstreamLinks({ ...options, projects, pinned });
    return { error: undefined, log };
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    return { error, log };
  }
}

describe('the symlinks of an upstream Kaniko builds, at its pinned commit', () => {
  test('links out of the context are refused, each named with its project, field and upstream', async () => {
    const { error } = await check({
      leaky: { context_path: 'leaky' },
      rooted: { context_path: 'rooted' },
      dflink: { context_path: 'dflink' },
    });
    expect(error?.code).toBe('PLAN_INVALID');
    const problems = error?.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`) ?? [];
    const at = `upstream ${http.url}/up.git at `;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(
      new RegExp(
        `^projects/dflink/build-config.yaml: dockerfile_path: ${at}[0-9a-f]{12}: Dockerfile resolves to other/Dockerfile, outside the context dflink \\(symlink dflink/Dockerfile -> ../other/Dockerfile\\)$`,
      ),
    );
    expect(problems[1]).toContain('projects/leaky/build-config.yaml: context_path: upstream');
    expect(problems[1]).toContain(
      'symlink leaky/docker -> /kaniko/.docker leads outside the context leaky, to /kaniko/.docker',
    );
    expect(problems[2]).toContain('symlink leaky/etc -> /etc leads outside the context leaky, to /etc');
    expect(problems[3]).toContain('projects/rooted/build-config.yaml: context_path: upstream');
    expect(problems[3]).toContain("rooted resolves to /, outside the upstream's clone (symlink rooted -> /)");
    expect(error?.problems[1]?.hint).toContain('registry credentials');
  });

  test('links that stay inside pass, and only trees and link targets are downloaded', async () => {
    const before = http.bytesSent();
    const { error, log } = await check({ clean: { context_path: 'clean' } });
    expect(error).toBeUndefined();
    // The 4 MiB random blob would not compress: had it been fetched, the server sent more.
    expect(http.bytesSent() - before).toBeLessThan(64 * 1024);
    // The private upstream's token was used (Basic auth), and never printed.
    expect(http.authorizations.at(-1)).toBe(`Basic ${Buffer.from(`oauth2:${TOKEN}`).toString('base64')}`);
    expect([...log.stdout, ...log.stderr].join('')).not.toContain(TOKEN);
  });

  test('a commit the upstream cannot serve is a located error, not a crash', async () => {
    const log = createMemoryLogger();
    const p = project('gone', { upstream_repo: `${daemon.url}/up.git`, upstream_ref: 'main' });
    const missing = 'f'.repeat(40);
    const error = await checkUpstreamLinks({
      projects: [p],
      pinned: { gone: { project: 'gone', url: `${daemon.url}/up.git`, ref: 'main', sha: missing } },
      env: {},
      log,
      attempts: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    const [problem] = (error as KilnError).problems;
    expect(problem?.file).toBe('projects/gone/build-config.yaml');
    expect(problem?.field).toBe('upstream_repo');
    expect(problem?.message).toContain(`cannot read the tree of ${daemon.url}/up.git at ${missing}`);
  });
});

async function prepare(buildConfig: string) {
  const mono = createRepo('upstream-links-mono');
  mono.write({ 'projects/leaky/build-config.yaml': buildConfig });
  mono.commit('leaky');
  const out = tempDir('upstream-links-out');
  const log = createMemoryLogger();
  const code = await main(
    ['prepare', '--output', path.join(out, 'child.yml'), '--plan', path.join(out, 'plan.json')],
    {
      cwd: mono.dir,
      env: {
        GITLAB_CI: 'true',
        CI_PIPELINE_SOURCE: 'web',
        KILN_PROJECTS: 'all',
        CI_COMMIT_SHA: mono.sha(),
        KILN_REGISTRY: 'registry.example.com/images',
      },
      now: new Date('2026-12-03T10:00:00Z'),
      log,
    },
  );
  return { code, stderr: log.stderr.join(''), written: execFileSync('ls', ['-A', out]).toString() };
}

// git:// here: kiln's config refuses plain http://, and Kaniko's own https-only rule is checked
// after this one, when the plan is assembled.
describe('kiln prepare', () => {
  const config = (extra = '') =>
    `upstream_repo: ${daemon.url}/up.git\nupstream_ref: main\ncontext_path: leaky\n${extra}`;

  test('with Kaniko fails on an upstream link before it plans, writes or pushes anything', async () => {
    const run = await prepare(config());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('projects/leaky/build-config.yaml');
    expect(run.stderr).toContain('symlink leaky/docker -> /kaniko/.docker leads outside the context leaky');
    expect(run.written).toBe('');
  });

  test('with buildah leaves the check to the build job, which looks at its own clone', async () => {
    const run = await prepare(config('builder: buildah\n'));
    expect(run.stderr).not.toContain('symlink');
    expect(run.code).toBe(0);
  });
});
