// Reads the digest files the build jobs left as artifacts (Kaniko's --digest-file, buildah's
// --digestfile: `sha256:<hex>`, maybe a newline). A missing or empty file means that architecture's
// build failed or left no artifact: every such problem is reported at once, before any push.
import { readFile } from 'node:fs/promises';
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

/** One child's digest, or the problem with its file. */
async function readChildDigest(
  spec: ManifestSpec,
  child: ManifestSpec['children'][number],
  cwd: string,
): Promise<{ digest: string } | { problem: Problem }> {
  const where = { file: child.digestFile, field: child.platform };
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, child.digestFile), 'utf8');
  } catch {
    return {
      problem: {
        ...where,
        message: `the ${child.arch} build left no digest file`,
        hint: `the build:${spec.project}:${child.arch} job failed or its artifacts expired; rerun it, then this job`,
      },
    };
  }
  const parsed = parseDigestFile(text);
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
