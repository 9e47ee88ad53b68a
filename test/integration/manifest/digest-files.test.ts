// Digest files on a real file system: an artifact is whatever the build job left, so the manifest
// job must refuse what is not a small regular file — a FIFO would block a plain read forever.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Problem } from '../../../src/errors.js';
import { readDigests } from '../../../src/manifest/read-digests.js';
import type { ManifestSpec } from '../../../src/types.js';

const run = promisify(execFile);
const digest = `sha256:${'e'.repeat(64)}`;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kiln-digest-files-'));
  await writeFile(path.join(dir, 'regular'), `${digest}\n`);
  await run('mkfifo', [path.join(dir, 'fifo')]);
  await mkdir(path.join(dir, 'folder'));
  await writeFile(path.join(dir, 'big'), `${digest}\n${' '.repeat(1024 * 1024)}`);
  await symlink(path.join(dir, 'regular'), path.join(dir, 'link'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function spec(digestFile: string): ManifestSpec {
  return {
    project: 'web',
    repository: '127.0.0.1:5000/images',
    tags: ['web-1'],
    children: [{ platform: 'linux/amd64', arch: 'amd64', tag: 'web-1-amd64', digestFile }],
    created: '2026-11-23T10:00:00Z',
    insecureRegistry: true,
  };
}

async function problemOf(digestFile: string): Promise<Problem | undefined> {
  try {
    await readDigests(spec(digestFile), dir);
    return undefined;
  } catch (error) {
    return (error as { problems: Problem[] }).problems[0];
  }
}

describe('readDigests on what the artifacts hold', () => {
  test.each([
    ['regular', digest],
    ['link', digest], // a symlink to a regular file is read through
  ])('%s: the digest is read', async (file, expected) => {
    expect(await readDigests(spec(file), dir)).toEqual({ amd64: expected });
  });

  test.each([
    ['fifo', 'the amd64 digest file is a FIFO (named pipe), not a regular file'],
    ['folder', 'the amd64 digest file is a directory, not a regular file'],
    ['big', 'the amd64 digest file is 1048648 bytes; a digest file holds one sha256 digest (at most 4 KiB)'],
  ])(
    '%s: refused at once, naming the file',
    async (file, message) => {
      const problem = await problemOf(file);
      expect(problem).toMatchObject({ file, field: 'linux/amd64', message });
      expect(problem?.hint).toMatch(/build:web:amd64/);
    },
    5_000,
  );
});
