// Everything the end-to-end test and `npm run demo` stand up, on 127.0.0.1 and in temp folders:
// a distribution registry holding a busybox base image (amd64 + arm64), a git daemon serving the
// upstream repository, buildah storage of their own, the demo monorepo as a git repository, and
// the environment gitlab-ci-local's shell jobs run with (`kiln` on PATH).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BuildahStorage, createBuildahStorage, pushBaseImage } from './base-image.js';
import { ensureArm64Emulation } from './binfmt.js';
import { type GitDaemon, startGitDaemon } from './git-daemon.js';
import { createUpstreamRepo, type TestRepo } from './git-repo.js';
import { createDemoMonorepo, kilnShim } from './monorepo.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { requireTool } from './tools.js';

export interface DemoEnvironment {
  work: string;
  registry: TestRegistry;
  daemon: GitDaemon;
  storage: BuildahStorage;
  upstream: TestRepo;
  monorepo: TestRepo;
  /** `<registry>/demo`, the one image repository of the demo (repository mode `single`). */
  repository: string;
  /** Environment of gitlab-ci-local and so of every shell job (child pipelines get no --variable). */
  env: Record<string, string>;
  /** Stops the servers and removes every temp folder; safe to call twice. */
  stop(): Promise<void>;
}

const TOOLS: [string, string][] = [
  ['git', 'git'],
  ['buildah', 'buildah'],
  ['skopeo', 'skopeo'],
  ['busybox', 'busybox-static'],
  ['rsync', 'rsync'],
  ['docker-registry', 'docker-registry'],
  ['dpkg-deb', 'dpkg'],
];

/** `example`: the folder of examples/ to run (examples/demo by default). */
export async function startDemoEnvironment(options: { example?: string } = {}): Promise<DemoEnvironment> {
  for (const [bin, pkg] of TOOLS) requireTool(bin, pkg);
  ensureArm64Emulation();
  const work = await mkdtemp(path.join(tmpdir(), 'kiln-demo-'));
  const parts: Partial<DemoEnvironment> = {};
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await parts.daemon?.stop();
    await parts.registry?.stop();
    await parts.storage?.cleanup();
    await rm(work, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    [parts.registry, parts.storage] = await Promise.all([startRegistry(), createBuildahStorage()]);
    await pushBaseImage({ repository: `${parts.registry.host}/base`, tag: '1', storage: parts.storage });
    parts.upstream = await createUpstreamRepo(path.join(work, 'git', 'upstream.git'));
    parts.daemon = await startGitDaemon({ baseDir: path.join(work, 'git') });
    parts.monorepo = await createDemoMonorepo(
      path.join(work, 'monorepo'),
      { registryHost: parts.registry.host, gitUrl: parts.daemon.url },
      ...(options.example ? [options.example] : []),
    );
    const env = {
      PATH: `${await kilnShim(path.join(work, 'bin'))}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: path.join(work, 'home'),
      ...parts.storage.env,
    };
    return {
      ...(parts as Required<typeof parts>),
      work,
      repository: `${parts.registry.host}/demo`,
      env,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
