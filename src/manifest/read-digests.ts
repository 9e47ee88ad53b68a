// Reads the digest files the build jobs left as artifacts (Kaniko's --digest-file, buildah's
// --digestfile: `sha256:<hex>`, maybe a newline). A missing or empty file means that architecture's
// build failed or left no artifact: every such problem is reported at once, before any push.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { type Problem, throwIfProblems } from '../errors.js';
import { isDigest } from '../registry/reference.js';
import type { ManifestSpec } from '../types.js';

/** Parses one digest file's text; returns the digest or the problem. Pure. */
export function parseDigestFile(text: string): { digest: string } | { problem: string } {
  const value = text.trim();
  if (!value) return { problem: 'is empty' };
  if (!isDigest(value)) return { problem: `does not hold a sha256 digest (found "${value.slice(0, 80)}")` };
  return { digest: value };
}

/** A digest is 71 bytes; anything much longer is not a digest file. */
const MAX_DIGEST_FILE_BYTES = 4096;

/** What a path that is not a regular file is, for the message. */
function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The text of a digest file, or why it cannot be one. Opened non-blocking and checked with fstat
 * before reading: a plain read of a FIFO waits for a writer forever, and of a device never ends.
 */
async function readDigestText(file: string): Promise<{ text: string } | { problem: string } | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return {
      problem: `cannot be opened (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { problem: `is ${fileKind(stats)}, not a regular file` };
    if (stats.size > MAX_DIGEST_FILE_BYTES) {
      return {
        problem: `is ${stats.size} bytes; a digest file holds one sha256 digest (at most ${MAX_DIGEST_FILE_BYTES / 1024} KiB)`,
      };
    }
    // Bounded even if the file grows after the fstat.
    const buffer = Buffer.alloc(MAX_DIGEST_FILE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** One child's digest, or the problem with its file. */
async function readChildDigest(
  spec: ManifestSpec,
  child: ManifestSpec['children'][number],
  cwd: string,
): Promise<{ digest: string } | { problem: Problem }> {
  const where = { file: child.digestFile, field: child.platform };
  const read = await readDigestText(path.resolve(cwd, child.digestFile));
  if (!read) {
    return {
      problem: {
        ...where,
        message: `the ${child.arch} build left no digest file`,
        hint: `the build:${spec.project}:${child.arch} job failed or its artifacts expired; rerun it, then this job`,
      },
    };
  }
  const parsed = 'text' in read ? parseDigestFile(read.text) : read;
  if ('digest' in parsed) return parsed;
  return {
    problem: {
      ...where,
      message: `the ${child.arch} digest file ${parsed.problem}`,
      hint: `rerun build:${spec.project}:${child.arch}`,
    },
  };
}

/** arch → digest for every child, or one error naming each failed architecture and its file. */
export async function readDigests(spec: ManifestSpec, cwd: string): Promise<Record<string, string>> {
  // Promise.all keeps spec order, so problems are reported in the order of the spec's children.
  const results = await Promise.all(spec.children.map((child) => readChildDigest(spec, child, cwd)));
  const problems = results.flatMap((r) => ('problem' in r ? [r.problem] : []));
  throwIfProblems(
    'MANIFEST_FAILED',
    `${spec.project}: not every architecture was built; nothing was pushed`,
    problems,
  );
  const digests: Record<string, string> = {};
  spec.children.forEach((child, i) => {
    const result = results[i];
    if (result && 'digest' in result) digests[child.arch] = result.digest;
  });
  return digests;
}
