// A tiny multi-arch base image built WITHOUT network: Debian's statically linked busybox for
// amd64 (the installed busybox-static) and arm64 (the busybox-static:arm64 .deb, fetched once with
// apt and cached), each as a scratch image with applet links, pushed per arch + an index.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';

const run = promisify(execFile);

/** The applets the base image offers as commands (Dockerfile RUN lines use these). */
const APPLETS = ['sh', 'uname', 'cat', 'echo', 'ls', 'mkdir', 'cp', 'printf', 'test', 'env', 'rm', 'tr'];

/** Cache shared between runs (the arm64 .deb is the only thing fetched, from Debian apt). */
export const CACHE_DIR = path.join(tmpdir(), 'kiln-e2e-cache');

/** buildah storage of its own (vfs) for a test run: the env to give buildah and every job that runs it. */
export interface BuildahStorage {
  dir: string;
  env: { CONTAINERS_STORAGE_CONF: string };
  cleanup(): Promise<void>;
}

export async function createBuildahStorage(): Promise<BuildahStorage> {
  requireTool('buildah', 'buildah');
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-storage-'));
  const conf = path.join(dir, 'storage.conf');
  const lines = ['[storage]', 'driver = "vfs"', `graphroot = "${dir}/root"`, `runroot = "${dir}/run"`];
  await writeFile(conf, `${lines.join('\n')}\n`);
  return {
    dir,
    env: { CONTAINERS_STORAGE_CONF: conf },
    cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Fetches the busybox-static:arm64 .deb into `dir` with apt (adding the arm64 architecture as root). */
async function downloadArm64Deb(dir: string): Promise<string> {
  const download = () => run('apt-get', ['download', 'busybox-static:arm64'], { cwd: dir });
  try {
    await download();
  } catch (error) {
    // apt knows arm64 packages only after `dpkg --add-architecture arm64` + update (.ci/run does it).
    if (process.getuid?.() !== 0) {
      throw new Error(`cannot fetch busybox-static:arm64 (run as root or via .ci/run): ${String(error)}`);
    }
    await run('dpkg', ['--add-architecture', 'arm64']);
    await run('apt-get', ['update', '-qq']);
    await download();
  }
  const deb = (await readdir(dir)).find((f) => /^busybox-static_.*_arm64\.deb$/.test(f));
  if (!deb) throw new Error(`apt-get download busybox-static:arm64 left no .deb in ${dir}`);
  return path.join(dir, deb);
}

/**
 * Path of a statically linked aarch64 busybox, from the busybox-static:arm64 Debian package, cached in
 * CACHE_DIR with the package's control file beside it (DEBIAN/control). Test files run in parallel:
 * each works in its own folder and renames the result into place (atomic), so nobody ever sees a
 * half-extracted binary.
 */
export async function arm64Busybox(): Promise<string> {
  const target = path.join(CACHE_DIR, 'busybox-static-arm64');
  const binary = path.join(target, 'bin', 'busybox');
  if (existsSync(binary)) return binary;
  await mkdir(CACHE_DIR, { recursive: true });
  const scratch = await mkdtemp(path.join(CACHE_DIR, 'fetch-'));
  try {
    const deb = await downloadArm64Deb(scratch);
    await run('dpkg-deb', ['-x', deb, path.join(scratch, 'root')]);
    await run('dpkg-deb', ['-e', deb, path.join(scratch, 'root', 'DEBIAN')]);
    await rename(path.join(scratch, 'root'), target).catch((error: NodeJS.ErrnoException) => {
      // Another test file got there first: its copy is as good as ours.
      if (!existsSync(binary)) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return binary;
}

/**
 * Debian's busybox-static for `arch` (amd64: the installed package; arm64: the cached .deb) and
 * the stanza dpkg keeps for it in /var/lib/dpkg/status once installed, so an image holding both
 * really contains that package as a scanner (syft) reads it.
 */
export async function busyboxPackage(arch: 'amd64' | 'arm64'): Promise<{ binary: string; status: string }> {
  if (arch === 'amd64') {
    const binary = amd64Busybox();
    const { stdout } = await run('dpkg-query', ['-s', 'busybox-static']);
    return { binary, status: stdout };
  }
  const binary = await arm64Busybox();
  const control = await readFile(path.join(path.dirname(path.dirname(binary)), 'DEBIAN', 'control'), 'utf8');
  // dpkg's status stanza is the control file with the package's state after Package:.
  return { binary, status: control.replace(/^(Package: .*\n)/, '$1Status: install ok installed\n') };
}

function amd64Busybox(): string {
  requireTool('busybox', 'busybox-static');
  // Debian's busybox-static is statically linked, so it runs in a scratch image.
  return '/bin/busybox';
}

/**
 * Builds the base image for linux/amd64 and linux/arm64 and pushes `<repository>:<tag>-<arch>` and
 * the index `<repository>:<tag>` to a plain-HTTP registry. Returns the index reference.
 */
/** An image (OCI, in `storage`) FROM scratch holding the folder `rootfs`; returns its local name. */
export async function commitRootfs(options: {
  storage: BuildahStorage;
  rootfs: string;
  arch: string;
  path: string;
  cmd?: string;
  name: string;
}): Promise<string> {
  const env = { ...process.env, ...options.storage.env };
  const buildah = async (args: string[]) => (await run('buildah', args, { env })).stdout.trim();
  const container = await buildah(['from', '--quiet', '--arch', options.arch, 'scratch']);
  await buildah(['copy', '--quiet', container, options.rootfs, '/']);
  const cmd = options.cmd ? ['--cmd', options.cmd] : [];
  await buildah([
    'config',
    '--os',
    'linux',
    '--arch',
    options.arch,
    '--env',
    `PATH=${options.path}`,
    ...cmd,
    container,
  ]);
  const image = `localhost/${options.name}:${options.arch}-${process.pid}`;
  await buildah(['commit', '--quiet', '--rm', '--format', 'oci', container, image]);
  return image;
}

export async function pushBaseImage(options: {
  repository: string;
  tag: string;
  storage: BuildahStorage;
}): Promise<string> {
  const env = { ...process.env, ...options.storage.env };
  const buildah = async (args: string[]) => (await run('buildah', args, { env })).stdout.trim();
  const binaries: Record<string, string> = { amd64: amd64Busybox(), arm64: await arm64Busybox() };
  const index = `${options.repository}:${options.tag}`;
  const list = `localhost/kiln-base-list-${process.pid}-${Date.now()}`;
  await buildah(['manifest', 'create', list]);
  for (const [arch, binary] of Object.entries(binaries)) {
    const rootfs = await mkdtemp(path.join(options.storage.dir, `rootfs-${arch}-`));
    await mkdir(path.join(rootfs, 'bin'));
    await mkdir(path.join(rootfs, 'tmp'));
    await copyFile(binary, path.join(rootfs, 'bin', 'busybox'));
    for (const applet of APPLETS) await symlink('busybox', path.join(rootfs, 'bin', applet));
    const image = await commitRootfs({
      storage: options.storage,
      rootfs,
      arch,
      path: '/bin',
      cmd: '/bin/sh',
      name: 'kiln-base',
    });
    await buildah(['push', '--quiet', '--tls-verify=false', image, `docker://${index}-${arch}`]);
    await buildah(['manifest', 'add', list, image]);
  }
  await buildah(['manifest', 'push', '--quiet', '--all', '--tls-verify=false', list, `docker://${index}`]);
  return index;
}
