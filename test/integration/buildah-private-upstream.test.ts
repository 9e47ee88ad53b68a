// The buildah job's fetch of a private upstream, run for real in busybox sh (the job's shell) against
// git http-backend behind Basic auth on 127.0.0.1. The token reaches git through a credential
// helper bound to the upstream's origin (issue 15, finding 3): a redirect to another host:port,
// here a second server that would accept the same token and records what it receives, gets nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pinnedSourceLines } from '../../src/builders/buildah/pinned-source.js';
import { CONTEXT_GUARD_SCRIPT } from '../../src/builders/context-guard.js';
import type { BuildJobSpec } from '../../src/types.js';
import {
  type GitHttpServer,
  startGitHttpServer,
  startRedirectingServer,
} from '../harness/git-http-server.js';
import { createUpstreamRepo } from '../harness/git-repo.js';
import { requireTool } from '../harness/tools.js';

const run = promisify(execFile);
const TOKEN = 'glpat-buildah-job-token-0123';
const BASIC = Buffer.from(`oauth2:${TOKEN}`).toString('base64');

let work: string;
let server: GitHttpServer;
let sha: string;

beforeAll(async () => {
  requireTool('busybox', 'busybox-static');
  work = await mkdtemp(path.join(tmpdir(), 'kiln-buildah-private-'));
  const upstream = await createUpstreamRepo(path.join(work, 'git', 'upstream.git'));
  sha = await upstream.git(['rev-parse', 'HEAD']);
  server = await startGitHttpServer({
    projectRoot: path.join(work, 'git'),
    username: 'oauth2',
    token: TOKEN,
  });
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function spec(url: string): BuildJobSpec {
  return {
    project: 'private',
    platform: 'linux/amd64',
    arch: 'amd64',
    source: {
      kind: 'git',
      url,
      ref: 'main',
      sha,
      resolvedRef: 'refs/heads/main',
      auth: { username: 'oauth2', passwordVariable: 'UPSTREAM_TOKEN' },
    },
    contextPath: 'docker',
    dockerfile: 'Dockerfile',
    target: '',
    buildArgs: [],
    destination: '127.0.0.1:1/images:private-amd64',
    cacheRepository: '',
    cacheTtl: '168h',
    digestFile: path.join(work, 'private.digest'),
    labels: {},
    compression: 'gzip',
    insecureRegistry: true,
  };
}

/** The source lines of the job, in busybox sh, with the token only in the job's environment. */
async function fetchSource(url: string, jobDir: string) {
  const script = [
    `KILN_WORK=${jobDir}`,
    ...pinnedSourceLines(spec(url)),
    'git -C "$KILN_SRC" rev-parse HEAD',
  ];
  return run('busybox', ['sh', '-e', '-c', script.join('\n')], {
    env: {
      PATH: process.env['PATH'],
      HOME: jobDir,
      UPSTREAM_TOKEN: TOKEN,
      GIT_TERMINAL_PROMPT: '0',
      KILN_GUARD: CONTEXT_GUARD_SCRIPT,
    },
  });
}

describe('buildah job: private upstream', () => {
  test('fetches the pinned SHA with the token; the token is not in the script', async () => {
    const { stdout, stderr } = await fetchSource(`${server.url}/upstream.git`, path.join(work, 'ok'));
    expect(stdout.trim().split('\n').at(-1)).toBe(sha);
    expect(server.authorizations).toContain(`Basic ${BASIC}`);
    expect(pinnedSourceLines(spec(`${server.url}/upstream.git`)).join('\n')).not.toContain(TOKEN);
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  test('an upstream that redirects to another host fails the job without sending the token there', async () => {
    const elsewhere = await startGitHttpServer({
      projectRoot: path.join(work, 'git'),
      username: 'oauth2',
      token: TOKEN,
    });
    const moved = await startRedirectingServer(elsewhere);
    try {
      const failed = await fetchSource(`${moved.url}/upstream.git`, path.join(work, 'moved')).then(
        () => undefined,
        (error: { stderr: string }) => error,
      );
      expect(failed?.stderr).toMatch(/Authentication failed/);
      expect(moved.hits()).toBeGreaterThan(1);
      expect(elsewhere.authorizations.length).toBeGreaterThan(0);
      for (const auth of elsewhere.authorizations) expect(auth).not.toContain(BASIC);
    } finally {
      await moved.stop();
      await elsewhere.stop();
    }
  });
});
