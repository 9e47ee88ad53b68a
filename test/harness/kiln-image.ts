// kiln's job image, laid out as the Dockerfile at the repository root lays it out (node at
// /usr/local/bin/node, the bundle in /opt/kiln, `kiln` a link in /usr/local/bin), built here
// from the host's own node and this checkout's dist/ (the real image's node:20-alpine base is
// not reachable offline). Jobs that run kiln inside their own image (`buildah run`) pull it.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BuildahStorage, commitRootfs } from './base-image.js';
import { REPO_ROOT } from './component-template.js';

const run = promisify(execFile);

/** The shared libraries a host binary loads (ldd), with the binary itself. */
async function withLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  const libs = [...stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string);
  return [binary, ...libs];
}

/** Builds the image (linux/amd64) and pushes it to `reference` (a plain-HTTP local registry). */
export async function pushKilnImage(options: {
  reference: string;
  storage: BuildahStorage;
}): Promise<string> {
  const env = { ...process.env, ...options.storage.env };
  const buildah = async (args: string[]) => (await run('buildah', args, { env })).stdout.trim();
  const rootfs = await mkdtemp(path.join(options.storage.dir, 'kiln-rootfs-'));
  const node = (await run('sh', ['-c', 'command -v node'])).stdout.trim();
  const env_ = '/usr/bin/env';
  for (const file of [...(await withLibraries(node)), ...(await withLibraries(env_))]) {
    const target = file === node ? '/usr/local/bin/node' : file;
    await mkdir(path.join(rootfs, path.dirname(target)), { recursive: true });
    await cp(file, path.join(rootfs, target), { dereference: true });
  }
  await cp(path.join(REPO_ROOT, 'dist'), path.join(rootfs, 'opt/kiln'), { recursive: true });
  await symlink('/opt/kiln/kiln.js', path.join(rootfs, 'usr/local/bin/kiln'));
  await mkdir(path.join(rootfs, 'tmp'));
  const image = await commitRootfs({
    storage: options.storage,
    rootfs,
    arch: 'amd64',
    path: '/usr/local/bin:/usr/bin:/bin',
    name: 'kiln-helper',
  });
  await buildah(['push', '--quiet', '--tls-verify=false', image, `docker://${options.reference}`]);
  return options.reference;
}
