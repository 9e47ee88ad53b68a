// The manifest job's input: a ManifestSpec as JSON, from KILN_MANIFEST_SPEC (rendered by the plan;
// GitLab has already turned `$$` back into `$`) or a file. parseManifestSpec is pure.
import { z } from 'zod';
import { isValidOciTag } from '../config/oci.js';
import { KilnError, type Problem, throwIfProblems } from '../errors.js';
import type { ManifestSpec } from '../types.js';

// Tags are checked here so a bad one fails the job before the first push, not half-way.
const tag = z.string().refine(isValidOciTag, 'is not an OCI tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})');

const schema = z
  .object({
    project: z.string().min(1),
    repository: z.string().min(1),
    tags: z.array(tag).min(1),
    children: z
      .array(
        z.object({
          platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'must be os/arch[/variant]'),
          arch: z.string().min(1),
          tag,
          digestFile: z.string().min(1),
        }),
      )
      .min(1),
    upstream: z.object({ repo: z.string(), ref: z.string(), sha: z.string() }).optional(),
    created: z.iso.datetime({ offset: true }),
    insecureRegistry: z.boolean(),
  })
  .strict();

/** `source` names where the text came from (file path or the variable), for every message. */
export function parseManifestSpec(text: string, source: string): ManifestSpec {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KilnError('MANIFEST_FAILED', `${source} is not valid JSON: ${(error as Error).message}`, {
      where: { file: source },
      hint: 'the manifest job reads the spec kiln prepare rendered; rerun prepare rather than editing it',
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.map((issue) => ({
      file: source,
      field: issue.path.join('.') || undefined,
      message: issue.message,
    }));
    throwIfProblems('MANIFEST_FAILED', `${source} is not a valid manifest spec`, problems);
  }
  return parsed.data as ManifestSpec;
}
