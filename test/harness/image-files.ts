// Reads what is inside a pushed image: skopeo copies one platform's image to an OCI layout and
// the file is taken from the newest layer that has it (layers are gzip tarballs).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';

const run = promisify(execFile);

interface OciManifest {
  config: { digest: string };
  layers: { digest: string }[];
}

/** Contents of `file` (path inside the image, no leading slash) in `reference` for `platform`. */
export async function readImageFile(reference: string, platform: string, file: string): Promise<string> {
  requireTool('skopeo', 'skopeo');
  const [os = 'linux', arch = 'amd64', variant] = platform.split('/');
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-image-'));
  try {
    const args = ['--override-os', os, '--override-arch', arch];
    if (variant) args.push('--override-variant', variant);
    await run('skopeo', [
      'copy',
      '--quiet',
      ...args,
      '--src-tls-verify=false',
      `docker://${reference}`,
      `oci:${dir}:x`,
    ]);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifest = JSON.parse(await readFile(blob(dir, index.manifests[0]!.digest), 'utf8')) as OciManifest;
    for (const layer of [...manifest.layers].reverse()) {
      try {
        const { stdout } = await run('tar', ['-xzOf', blob(dir, layer.digest), file]);
        return stdout;
      } catch {
        // not in this layer
      }
    }
    throw new Error(`${file} is in no layer of ${reference} (${platform})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function blob(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return path.join(dir, 'blobs', algorithm!, hex!);
}
