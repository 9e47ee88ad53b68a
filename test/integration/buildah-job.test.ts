// The buildah job script, run for real: busybox sh (the shell GitLab gives a job), git fetching the
// pinned SHA from a git daemon on 127.0.0.1, buildah (chroot isolation, vfs) building for amd64 and
// arm64 (qemu-user-static), pushing to a real distribution registry, checked with skopeo.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildahBuilder } from '../../src/builders/buildah/buildah-builder.js';
import type { BuildJobSpec } from '../../src/types.js';
import { type BuildahStorage, createBuildahStorage, pushBaseImage } from '../harness/base-image.js';
import { ensureArm64Emulation } from '../harness/binfmt.js';
import { type GitDaemon, startGitDaemon } from '../harness/git-daemon.js';
import { createUpstreamRepo, type TestRepo } from '../harness/git-repo.js';
import { readImageFile } from '../harness/image-files.js';
import { jobVariables } from '../harness/job-variables.js';
import { skopeoInspect, startRegistry, type TestRegistry } from '../harness/registry.js';
import { requireTool } from '../harness/tools.js';

const run = promisify(execFile);

let work: string;
let registry: TestRegistry;
let daemon: GitDaemon;
let storage: BuildahStorage;
let upstream: TestRepo;
let base: string;

beforeAll(async () => {
  requireTool('busybox', 'busybox-static');
  ensureArm64Emulation();
  work = await mkdtemp(path.join(tmpdir(), 'kiln-buildah-job-'));
  [registry, storage] = await Promise.all([startRegistry(), createBuildahStorage()]);
  base = await pushBaseImage({ repository: `${registry.host}/base`, tag: '1', storage });
  upstream = await createUpstreamRepo(path.join(work, 'git', 'upstream.git'));
  daemon = await startGitDaemon({ baseDir: path.join(work, 'git') });
}, 180_000);

afterAll(async () => {
  await daemon?.stop();
  await registry?.stop();
  await storage?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

function spec(overrides: Partial<BuildJobSpec> & { sha: string; arch: string }): BuildJobSpec {
  const { sha, arch, ...rest } = overrides;
  return {
    project: 'app',
    platform: `linux/${arch}`,
    arch,
    source: {
      kind: 'git',
      url: `${daemon.url}/upstream.git`,
      ref: 'main',
      sha,
      resolvedRef: 'refs/heads/main',
    },
    contextPath: 'docker',
    dockerfile: 'Dockerfile',
    target: 'build',
    buildArgs: [
      { name: 'BASE', value: base },
      // Quoting: spaces, quotes and a command substitution reach the build untouched.
      { name: 'GREETING', value: `it's $(echo not run) "quoted"` },
    ],
    destination: `${registry.host}/images:app-${arch}`,
    cacheRepository: `${registry.host}/cache-${arch}`,
    cacheTtl: '168h',
    digestFile: path.join(work, 'digests', `app-${arch}.digest`),
    labels: { 'org.opencontainers.image.revision': sha, 'org.opencontainers.image.title': 'app' },
    compression: 'gzip',
    insecureRegistry: true,
    ...rest,
  };
}

/** Runs a job script the way a GitLab job does: each line in one `sh -e`, here busybox sh. */
async function runJob(job: BuildJobSpec): Promise<{ stdout: string; stderr: string }> {
  const script = buildahBuilder.script(job).join('\n');
  const variables = jobVariables(buildahBuilder, job);
  return run('busybox', ['sh', '-e', '-c', script], {
    cwd: work,
    env: { ...process.env, ...storage.env, ...variables },
    maxBuffer: 32 * 1024 * 1024,
  });
}

describe('buildah job script', () => {
  // Both architectures at once from the same base tag, as parallel jobs on one runner host do
  // (shared buildah storage made one of them fail; each job now has its own).
  test.concurrent.each([
    ['amd64', 'x86_64'],
    ['arm64', 'aarch64'],
  ])(
    'builds the pinned SHA for linux/%s and pushes it with its digest',
    async (arch, unameM) => {
      const sha = await upstream.git(['rev-parse', 'HEAD']);
      const job = spec({ sha, arch });
      await runJob(job);

      const digest = (await readFile(job.digestFile, 'utf8')).trim();
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const inspected = await skopeoInspect(job.destination);
      expect(inspected['Digest']).toBe(digest);
      expect(inspected['Architecture']).toBe(arch);
      expect((inspected['Labels'] as Record<string, string>)['org.opencontainers.image.revision']).toBe(sha);
      expect(await readImageFile(job.destination, job.platform, 'arch.txt')).toBe(`${arch} ${unameM}\n`);
      expect(await readImageFile(job.destination, job.platform, 'greeting.txt')).toBe(
        `it's $(echo not run) "quoted"\n`,
      );
      // The per-architecture layer cache landed in its own repository.
      const { stdout } = await run('skopeo', [
        'list-tags',
        '--tls-verify=false',
        `docker://${job.cacheRepository}`,
      ]);
      expect((JSON.parse(stdout) as { Tags: string[] }).Tags.length).toBeGreaterThan(0);
    },
    240_000,
  );

  test('fails loudly when the upstream ref no longer points at the pinned SHA', async () => {
    const job = spec({ sha: 'f'.repeat(40), arch: 'amd64', destination: `${registry.host}/images:never` });
    const failure = await runJob(job).then(
      () => new Error('the job succeeded'),
      (error: { stderr: string }) => error,
    );
    expect(String((failure as { stderr?: string }).stderr)).toContain(`not the pinned ${'f'.repeat(40)}`);
  }, 60_000);
});
