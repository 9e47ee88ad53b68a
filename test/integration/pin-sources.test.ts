// pinSources against real servers on 127.0.0.1: a git daemon (public upstreams) and git
// http-backend behind Basic auth (a private upstream), plus a port nobody listens on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KilnError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/log.js';
import { pinSources } from '../../src/plan/pin-sources.js';
import { type GitDaemon, startGitDaemon } from '../harness/git-daemon.js';
import {
  type GitHttpServer,
  startGitHttpServer,
  startRedirectingServer,
} from '../harness/git-http-server.js';
import { freePort } from '../harness/net.js';
import { project } from '../unit/plan/fixtures.js';

const TOKEN = 'glpat-s3cr3t-upstream-token';
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
let daemon: GitDaemon;
let http: GitHttpServer;
const sha: Record<string, string> = {};

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'kiln-pin-'));
  const work = path.join(base, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  git(work, 'commit', '-q', '--allow-empty', '-m', 'one');
  sha['one'] = git(work, 'rev-parse', 'HEAD');
  git(work, 'tag', '-a', 'v1', '-m', 'annotated');
  git(work, 'tag', 'dup');
  git(work, 'commit', '-q', '--allow-empty', '-m', 'two');
  sha['two'] = git(work, 'rev-parse', 'HEAD');
  git(work, 'branch', 'dup');
  git(work, 'branch', 'release/1.x');
  execFileSync('git', ['clone', '-q', '--bare', work, path.join(base, 'up.git')]);
  execFileSync('git', ['clone', '-q', '--bare', work, path.join(base, 'private.git')]);
  daemon = await startGitDaemon({ baseDir: base });
  http = await startGitHttpServer({ projectRoot: base, username: 'oauth2', token: TOKEN });
});
afterAll(async () => {
  await daemon?.stop();
  await http?.stop();
  rmSync(base, { recursive: true, force: true });
});

const up = (ref: string, name = 'p') =>
  project(name, { upstream_repo: `${daemon.url}/up.git`, upstream_ref: ref });

async function failure(run: Promise<unknown>): Promise<KilnError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  throw new Error('expected pinning to fail');
}

describe('pinSources', () => {
  test.each([
    ['a branch', 'main', 'refs/heads/main', 'two'],
    ['a branch with a slash', 'release/1.x', 'refs/heads/release/1.x', 'two'],
    ['an annotated tag, peeled to its commit', 'v1', 'refs/tags/v1', 'one'],
    ['a full ref', 'refs/tags/dup', 'refs/tags/dup', 'one'],
  ])('resolves %s once to a commit SHA', async (_what, ref, resolvedRef, commit) => {
    const log = createMemoryLogger();
    const pinned = await pinSources({ projects: [up(ref)], env: {}, log });
    expect(pinned['p']).toMatchObject({ ref, resolvedRef, sha: sha[commit] });
    expect(pinned['p']?.auth).toBeUndefined();
  });

  test('a long pin shows its progress, n of N', async () => {
    const log = createMemoryLogger();
    await pinSources({
      projects: ['a', 'b', 'c'].map((name) =>
        project(name, { upstream_repo: `${daemon.url}/up.git`, upstream_ref: 'main' }),
      ),
      env: {},
      log,
    });
    const lines = log.stderr
      .join('')
      .split('\n')
      .filter((line) => line.includes(' of 3]'));
    expect(lines.map((line) => /\[(\d) of 3\]/.exec(line)?.[1]).sort()).toEqual(['1', '2', '3']);
  });

  test('a full SHA is accepted as is; local-context projects are skipped', async () => {
    const log = createMemoryLogger();
    const pinned = await pinSources({
      projects: [up(sha['one'] ?? ''), project('local', { use_local_context: true })],
      env: {},
      log,
    });
    expect(Object.keys(pinned)).toEqual(['p']);
    expect(pinned['p']?.sha).toBe(sha['one']);
  });

  test('a full SHA of an unreachable repository fails in prepare, not in a build job', async () => {
    const closed = await freePort();
    const error = await failure(
      pinSources({
        projects: [
          project('gone', {
            upstream_repo: `git://127.0.0.1:${closed}/up.git`,
            upstream_ref: 'f'.repeat(40),
          }),
        ],
        env: {},
        log: createMemoryLogger(),
        attempts: 1,
      }),
    );
    expect(error.problems[0]?.message).toContain(`cannot read git://127.0.0.1:${closed}/up.git`);
  });

  test('every failure is reported at once, naming project, URL and ref', async () => {
    const closed = await freePort();
    const error = await failure(
      pinSources({
        projects: [
          up('no-such-branch', 'missing'),
          up('dup', 'ambiguous'),
          project('gone', { upstream_repo: `git://127.0.0.1:${closed}/up.git`, upstream_ref: 'main' }),
          project('evil', { upstream_repo: '--upload-pack=touch /tmp/x', upstream_ref: 'main' }),
        ],
        env: {},
        log: createMemoryLogger(),
        retryDelayMs: 10,
      }),
    );
    expect(error.code).toBe('REF_NOT_FOUND');
    const lines = error.problems.map((p) => `${p.file} ${p.field} ${p.message} ${p.hint ?? ''}`);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /projects\/missing\/build-config\.yaml upstream_ref no branch or tag "no-such-branch" in git:\/\/.*up\.git \(project missing\)/,
    );
    expect(lines[1]).toMatch(/both a branch and a tag.*refs\/heads\/dup/);
    expect(lines[2]).toMatch(
      new RegExp(
        `upstream_repo cannot read git://127.0.0.1:${closed}/up.git to resolve main \\(project gone\\)`,
      ),
    );
    expect(lines[3]).toMatch(/upstream_repo "--upload-pack.*starts with "-"/);
  });

  test('an unreachable repository is retried before it fails', async () => {
    const closed = await freePort();
    const log = createMemoryLogger();
    await failure(
      pinSources({
        projects: [
          project('gone', { upstream_repo: `git://127.0.0.1:${closed}/x.git`, upstream_ref: 'main' }),
        ],
        env: {},
        log,
        attempts: 3,
        retryDelayMs: 10,
      }),
    );
    expect(log.stderr.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  test('a private upstream: anonymous first, then the token from upstream_token_variable; the token never shows', async () => {
    const log = createMemoryLogger();
    const env = { UPSTREAM_TOKEN: TOKEN };
    const p = project('private', { upstream_repo: `${http.url}/private.git`, upstream_ref: 'main' });
    const pinned = await pinSources({
      projects: [p],
      env,
      log,
      upstreamTokenVariable: 'UPSTREAM_TOKEN',
      upstreamTokenHosts: [new URL(http.url).host],
    });
    expect(pinned['private']).toMatchObject({
      sha: sha['two'],
      auth: { username: 'oauth2', passwordVariable: 'UPSTREAM_TOKEN' },
    });
    expect(http.authorizations[0]).toBe('');
    expect(http.authorizations.at(-1)).toMatch(/^Basic /);

    // A wrong token fails with a hint naming the variable, and the token stays masked.
    const bad = 'wrong-token-value-123';
    const failed = await failure(
      pinSources({
        projects: [p],
        env: { UPSTREAM_TOKEN: bad },
        log,
        upstreamTokenVariable: 'UPSTREAM_TOKEN',
        upstreamTokenHosts: [new URL(http.url).host],
        retryDelayMs: 10,
      }),
    );
    const text = [
      ...log.stdout,
      ...log.stderr,
      failed.message,
      ...failed.problems.map((x) => `${x.message} ${x.hint}`),
    ].join('\n');
    expect(text).toMatch(/UPSTREAM_TOKEN/);
    for (const secret of [TOKEN, bad, Buffer.from(`oauth2:${TOKEN}`).toString('base64')])
      expect(text).not.toContain(secret);
  });

  test('projects naming the same upstream and ref share one ls-remote', async () => {
    const env = { UPSTREAM_TOKEN: TOKEN };
    const options = {
      env,
      log: createMemoryLogger(),
      upstreamTokenVariable: 'UPSTREAM_TOKEN',
      upstreamTokenHosts: [new URL(http.url).host],
    };
    const same = (name: string) =>
      project(name, { upstream_repo: `${http.url}/private.git`, upstream_ref: 'v1' });
    let before = http.authorizations.length;
    await pinSources({ ...options, projects: [same('one')] });
    const single = http.authorizations.length - before;
    before = http.authorizations.length;
    const pinned = await pinSources({ ...options, projects: [same('a'), same('b'), same('c')] });
    expect(http.authorizations.length - before).toBe(single);
    expect(Object.values(pinned).map((p) => p.sha)).toEqual([sha['one'], sha['one'], sha['one']]);
  });

  test('same GitLab instance: CI_JOB_TOKEN as gitlab-ci-token', async () => {
    const server = await startGitHttpServer({
      projectRoot: base,
      username: 'gitlab-ci-token',
      token: 'job-token-abcdef',
    });
    try {
      const p = project('same', { upstream_repo: `${server.url}/private.git`, upstream_ref: 'v1' });
      const pinned = await pinSources({
        projects: [p],
        env: { CI_JOB_TOKEN: 'job-token-abcdef' },
        log: createMemoryLogger(),
        serverHost: '127.0.0.1',
      });
      expect(pinned['same']).toMatchObject({
        sha: sha['one'],
        auth: { username: 'gitlab-ci-token', passwordVariable: 'CI_JOB_TOKEN' },
      });
    } finally {
      await server.stop();
    }
  });
});

// Credentials bound to their host (issue 15, finding 3): the upstream answers every request with a
// redirect to a second server, which records what it receives. The second server is a real git
// server that would accept the token, so a leak would even look like success.
describe('tokens go only to the host they are for', () => {
  const basic = (user: string, token: string) => Buffer.from(`${user}:${token}`).toString('base64');

  test('a redirect to another host gets neither upstream_token_variable nor CI_JOB_TOKEN', async () => {
    for (const [user, variable] of [
      ['oauth2', 'UPSTREAM_TOKEN'],
      ['gitlab-ci-token', 'CI_JOB_TOKEN'],
    ] as const) {
      const elsewhere = await startGitHttpServer({ projectRoot: base, username: user, token: TOKEN });
      const upstream = await startRedirectingServer(elsewhere);
      try {
        const p = project('moved', { upstream_repo: `${upstream.url}/private.git`, upstream_ref: 'v1' });
        const failed = await failure(
          pinSources({
            projects: [p],
            env: { [variable]: TOKEN },
            log: createMemoryLogger(),
            serverHost: '127.0.0.1',
            upstreamTokenVariable: 'UPSTREAM_TOKEN',
            upstreamTokenHosts: [upstream.host],
            retryDelayMs: 10,
          }),
        );
        expect(failed.code).toBe('REF_NOT_FOUND');
        expect(failed.problems[0]?.hint).toContain(`redirected to http://${new URL(elsewhere.url).host}`);
        expect(upstream.hits()).toBeGreaterThan(1);
        expect(elsewhere.authorizations.length).toBeGreaterThan(0);
        for (const auth of elsewhere.authorizations) {
          expect(auth).not.toContain(basic(user, TOKEN));
          expect(Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString()).not.toContain(TOKEN);
        }
      } finally {
        await upstream.stop();
        await elsewhere.stop();
      }
    }
  });

  test('upstream_token_variable goes only to upstream_token_hosts', async () => {
    const options = {
      env: { UPSTREAM_TOKEN: TOKEN },
      log: createMemoryLogger(),
      upstreamTokenVariable: 'UPSTREAM_TOKEN',
      retryDelayMs: 10,
    };
    const p = project('private', { upstream_repo: `${http.url}/private.git`, upstream_ref: 'v1' });
    const before = http.authorizations.length;
    await failure(pinSources({ ...options, projects: [p], upstreamTokenHosts: ['github.com'] }));
    const sent = http.authorizations.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const auth of sent) expect(auth).not.toContain(basic('oauth2', TOKEN));

    const pinned = await pinSources({
      ...options,
      projects: [p],
      upstreamTokenHosts: [new URL(http.url).host],
    });
    expect(pinned['private']?.sha).toBe(sha['one']);
    expect(http.authorizations.at(-1)).toBe(`Basic ${basic('oauth2', TOKEN)}`);
  });
});
