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

/** arch → digest for every child, or one error naming each failed architecture and its file. */
export async function readDigests(spec: ManifestSpec, cwd: string): Promise<Record<string, string>> {
  const problems: Problem[] = [];
  const digests: Record<string, string> = {};
  await Promise.all(
    spec.children.map(async (child) => {
      const file = path.resolve(cwd, child.digestFile);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        problems.push({
          file: child.digestFile,
          field: child.platform,
          message: `the ${child.arch} build left no digest file`,
          hint: `the build:${spec.project}:${child.arch} job failed or its artifacts expired; rerun it, then this job`,
        });
        return;
      }
      const parsed = parseDigestFile(text);
      if ('digest' in parsed) digests[child.arch] = parsed.digest;
      else {
        problems.push({
          file: child.digestFile,
          field: child.platform,
          message: `the ${child.arch} digest file ${parsed.problem}`,
          hint: `rerun build:${spec.project}:${child.arch}`,
        });
      }
    }),
  );
  const order = spec.children.map((c) => c.digestFile);
  problems.sort((a, b) => order.indexOf(a.file ?? '') - order.indexOf(b.file ?? ''));
  throwIfProblems(
    'MANIFEST_FAILED',
    `${spec.project}: not every architecture was built; nothing was pushed`,
    problems,
  );
  return digests;
}
