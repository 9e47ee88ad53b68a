// A real `distribution` registry (Debian package docker-registry) on 127.0.0.1 at a free port,
// with a throw-away storage folder and optional htpasswd auth; plus helpers that push tiny
// per-architecture images with buildah (isolated storage, no network) for tests and benches.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net.js';
import { requireTool } from './tools.js';

const run = promisify(execFile);

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  auth?: { username: string; password: string };
  stop(): Promise<void>;
}

function configYaml(port: number, storage: string, htpasswdFile?: string): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (htpasswdFile) {
    lines.push('auth:', '  htpasswd:', '    realm: kiln-test', `    path: ${htpasswdFile}`);
  }
  return `${lines.join('\n')}\n`;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited early: ${output()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      // 401 = up, with auth enabled.
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 15s: ${output()}`);
}

/** Starts `docker-registry serve` on a free port; `stop()` kills it and removes its storage. */
export async function startRegistry(
  options: { auth?: { username: string; password: string } } = {},
): Promise<TestRegistry> {
  requireTool('docker-registry', 'docker-registry');
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-registry-'));
  let htpasswdFile: string | undefined;
  if (options.auth) {
    requireTool('htpasswd', 'apache2-utils');
    const { stdout } = await run('htpasswd', ['-Bbn', options.auth.username, options.auth.password]);
    htpasswdFile = path.join(dir, 'htpasswd');
    await writeFile(htpasswdFile, stdout);
  }
  const port = await freePort();
  const configFile = path.join(dir, 'config.yml');
  await writeFile(configFile, configYaml(port, path.join(dir, 'storage'), htpasswdFile));
  const child = spawn('/usr/bin/docker-registry', ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const registry: TestRegistry = { host, url, stop };
  if (options.auth) registry.auth = options.auth;
  return registry;
}

export interface PushedImage {
  /** `sha256:…` of the pushed manifest, as buildah's --digestfile wrote it. */
  digest: string;
  /** The digest file (what a build job leaves as an artifact). */
  digestFile: string;
  reference: string;
}

export interface ImageBuilder {
  /**
   * Builds a one-file image for `platform` (`linux/arm64`, `linux/arm/v7`) and pushes it to
   * `reference` (`host/repo:tag`). `content` makes the image unique (a run id).
   */
  push(options: {
    reference: string;
    platform: string;
    content?: string;
    format?: 'oci' | 'docker';
    auth?: { username: string; password: string };
  }): Promise<PushedImage>;
  cleanup(): Promise<void>;
}

/** Runs buildah with its storage under `dir` (vfs): parallel test files never share state. */
export function isolatedBuildah(dir: string): (args: string[]) => Promise<string> {
  const storage = [
    '--root',
    path.join(dir, 'root'),
    '--runroot',
    path.join(dir, 'run'),
    '--storage-driver',
    'vfs',
  ];
  return async (args) => (await run('buildah', [...storage, ...args])).stdout.trim();
}

/** Pushes tiny per-architecture images with an isolated buildah. */
export async function createImageBuilder(): Promise<ImageBuilder> {
  requireTool('buildah', 'buildah');
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-buildah-'));
  const buildah = isolatedBuildah(dir);
  let count = 0;
  return {
    async push({ reference, platform, content, format = 'oci', auth }) {
      count += 1;
      const [os = 'linux', arch = 'amd64', variant] = platform.split('/');
      const file = path.join(dir, `file-${count}`);
      await writeFile(file, `${content ?? randomBytes(8).toString('hex')} ${platform}\n`);
      const container = await buildah(['from', '--quiet', 'scratch']);
      await buildah(['copy', '--quiet', container, file, '/kiln-test']);
      const config = ['config', '--os', os, '--arch', arch];
      if (variant) config.push('--variant', variant);
      await buildah([...config, container]);
      const image = `localhost/kiln-test-${count}`;
      await buildah(['commit', '--quiet', '--rm', '--format', format, container, image]);
      const digestFile = path.join(dir, `digest-${count}`);
      const pushArgs = ['push', '--quiet', '--tls-verify=false', '--digestfile', digestFile];
      pushArgs.push('--format', format === 'oci' ? 'oci' : 'v2s2');
      if (auth) pushArgs.push('--creds', `${auth.username}:${auth.password}`);
      await buildah([...pushArgs, image, `docker://${reference}`]);
      await buildah(['rmi', '--force', image]);
      const digest = (await readFile(digestFile, 'utf8')).trim();
      return { digest, digestFile, reference };
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `skopeo inspect --raw` of a reference in a plain-HTTP registry: the manifest bytes as text. */
export async function skopeoRaw(reference: string, extra: string[] = []): Promise<string> {
  requireTool('skopeo', 'skopeo');
  const { stdout } = await run('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    ...extra,
    `docker://${reference}`,
  ]);
  return stdout;
}

/** `skopeo inspect` (parsed) of a reference, optionally for another architecture. */
export async function skopeoInspect(
  reference: string,
  extra: string[] = [],
): Promise<Record<string, unknown>> {
  requireTool('skopeo', 'skopeo');
  const { stdout } = await run('skopeo', [
    'inspect',
    '--tls-verify=false',
    ...extra,
    `docker://${reference}`,
  ]);
  return JSON.parse(stdout) as Record<string, unknown>;
}
