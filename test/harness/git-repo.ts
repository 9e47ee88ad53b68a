// Temporary git repositories for tests: an upstream an image is built from (served by git daemon)
// and the monorepo kiln runs in. Fixed author and dates keep commits reproducible.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'kiln test',
  GIT_AUTHOR_EMAIL: 'kiln@example.invalid',
  GIT_COMMITTER_NAME: 'kiln test',
  GIT_COMMITTER_EMAIL: 'kiln@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export interface TestRepo {
  dir: string;
  git(args: string[]): Promise<string>;
  /** Writes `files` (path → content), commits them all and returns the new HEAD SHA. */
  commit(files: Record<string, string>, message: string): Promise<string>;
}

export async function createRepo(dir: string, branch = 'main'): Promise<TestRepo> {
  await mkdir(dir, { recursive: true });
  const git = async (args: string[]) =>
    (await run('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV } })).stdout.trim();
  await git(['init', '-q', '-b', branch]);
  return {
    dir,
    git,
    async commit(files, message) {
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), content);
      }
      await git(['add', '-A']);
      await git(['commit', '-q', '-m', message]);
      return git(['rev-parse', 'HEAD']);
    },
  };
}

/**
 * The upstream of the tests: a Dockerfile FROM a build-arg base, `ARG TARGETARCH`, a `COPY`, and a
 * `RUN` that records `$TARGETARCH $(uname -m)` in /arch.txt, so a test can see that an arm64 image
 * really ran arm64 code (through qemu) rather than being an amd64 image with an arm64 label.
 */
export const UPSTREAM_DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE} AS build',
  'ARG TARGETARCH',
  'ARG GREETING=unset',
  'COPY app.txt /app.txt',
  'RUN echo "$TARGETARCH $(uname -m)" > /arch.txt && echo "$GREETING" > /greeting.txt',
  '',
].join('\n');

export async function createUpstreamRepo(dir: string, app = 'upstream app v1\n'): Promise<TestRepo> {
  const repo = await createRepo(dir);
  await repo.commit({ 'docker/Dockerfile': UPSTREAM_DOCKERFILE, 'docker/app.txt': app }, 'upstream: first');
  return repo;
}
