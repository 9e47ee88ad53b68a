// Everything the end-to-end test and `npm run demo` stand up, on 127.0.0.1 and in temp folders:
// a distribution registry holding a busybox base image (amd64 + arm64), a git daemon serving the
// upstream repository, buildah storage of their own, the demo monorepo as a git repository, and
// the environment gitlab-ci-local's shell jobs run with (`kiln` on PATH). With signing, also cosign
// and syft (pinned, from the Go module proxy) on PATH and a cosign key pair, passed to the jobs as a
// file-type CI variable would be (COSIGN_PRIVATE_KEY holds the key file's path).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BuildahStorage, createBuildahStorage, pushBaseImage } from './base-image.js';
import { ensureArm64Emulation } from './binfmt.js';
import { type GitDaemon, startGitDaemon } from './git-daemon.js';
import { createUpstreamRepo, type TestRepo } from './git-repo.js';
import { goTool } from './go-tools.js';
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
  /** With signing prepared: cosign, the public key consumers verify with, and the key's password. */
  signing?: { cosign: string; publicKey: string; password: string };
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

const run = promisify(execFile);

/** cosign and syft on PATH, and a fresh key pair whose private half the jobs get as COSIGN_PRIVATE_KEY. */
async function prepareSigning(
  work: string,
): Promise<{ path: string; env: Record<string, string>; signing: DemoEnvironment['signing'] & object }> {
  const cosign = goTool('cosign');
  const syft = goTool('syft');
  const keys = path.join(work, 'keys');
  await mkdir(keys, { recursive: true });
  const password = randomBytes(12).toString('hex');
  await run(cosign, ['generate-key-pair'], { cwd: keys, env: { ...process.env, COSIGN_PASSWORD: password } });
  return {
    path: `${path.dirname(cosign)}:${path.dirname(syft)}`,
    env: { COSIGN_PRIVATE_KEY: path.join(keys, 'cosign.key'), COSIGN_PASSWORD: password },
    signing: { cosign, publicKey: path.join(keys, 'cosign.pub'), password },
  };
}

/** Turns signing on the way a team would: `signing: key` in the monorepo's kiln.yaml, committed. */
export async function enableSigning(monorepo: TestRepo): Promise<void> {
  await monorepo.commit({ 'kiln.yaml': 'signing: key\n' }, 'sign every image');
}

/**
 * `example`: the folder of examples/ to run (examples/demo by default). `signing`: 'prepared'
 * puts the tools and key in place; 'key' also turns signing on (enableSigning).
 */
export async function startDemoEnvironment(
  options: { example?: string; signing?: 'prepared' | 'key' } = {},
): Promise<DemoEnvironment> {
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
    const signing = options.signing ? await prepareSigning(work) : undefined;
    if (options.signing === 'key') await enableSigning(parts.monorepo);
    const env = {
      PATH: [await kilnShim(path.join(work, 'bin')), signing?.path, process.env['PATH'] ?? '/usr/bin:/bin']
        .filter(Boolean)
        .join(':'),
      HOME: path.join(work, 'home'),
      ...parts.storage.env,
      ...signing?.env,
    };
    return {
      ...(parts as Required<Omit<typeof parts, 'signing'>>),
      ...(signing ? { signing: signing.signing } : {}),
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
