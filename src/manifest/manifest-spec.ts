// The manifest job's input: a ManifestSpec as JSON, from KILN_MANIFEST_SPEC (rendered by the plan;
// GitLab has already turned `$$` back into `$`) or a file. parseManifestSpec is pure.
// Checked by hand, not with zod: loading zod costs the manifest job more than its registry work,
// and the shape is small (issue 16).
import { isValidOciTag } from '../config/oci.js';
import { KilnError, type Problem, throwIfProblems } from '../errors.js';
import type { ManifestSpec } from '../types.js';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
/** ISO 8601 date and time with an offset (`Z` or `+01:00`), as Date.toISOString writes it. */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TAG_MESSAGE = 'is not an OCI tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})';

type Check = (value: unknown, field: string[], problems: Problem[]) => void;
type Field = { check: Check; optional?: boolean };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function problem(problems: Problem[], field: string[], message: string): void {
  problems.push({ field: field.join('.') || undefined, message });
}

const text =
  (rule?: { pattern: RegExp; message: string } | ((s: string) => string | undefined)): Check =>
  (value, field, problems) => {
    if (typeof value !== 'string')
      return problem(problems, field, `expected a string, got ${describe(value)}`);
    if (value.length === 0) return problem(problems, field, 'must not be empty');
    if (typeof rule === 'function') {
      const message = rule(value);
      if (message) problem(problems, field, message);
    } else if (rule && !rule.pattern.test(value)) problem(problems, field, rule.message);
  };

const anyText: Check = (value, field, problems) => {
  if (typeof value !== 'string') problem(problems, field, `expected a string, got ${describe(value)}`);
};

const tag = text((s) => (isValidOciTag(s) ? undefined : TAG_MESSAGE));

const list =
  (item: Check): Check =>
  (value, field, problems) => {
    if (!Array.isArray(value)) return problem(problems, field, `expected a list, got ${describe(value)}`);
    if (value.length === 0) return problem(problems, field, 'must not be empty');
    for (const [i, element] of value.entries()) item(element, [...field, String(i)], problems);
  };

const object =
  (fields: Record<string, Field>): Check =>
  (value, field, problems) => {
    if (!isObject(value)) return problem(problems, field, `expected an object, got ${describe(value)}`);
    const unknown = Object.keys(value).filter((key) => !(key in fields));
    if (unknown.length > 0)
      problem(problems, field, `unknown keys: ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    for (const [key, spec] of Object.entries(fields)) {
      if (value[key] === undefined) {
        if (!spec.optional) problem(problems, [...field, key], 'is missing');
        continue;
      }
      spec.check(value[key], [...field, key], problems);
    }
  };

/** A map of strings: the annotations a team sets (config/metadata.ts checked them at plan time). */
const stringMap: Check = (value, field, problems) => {
  if (!isObject(value)) return problem(problems, field, `expected an object, got ${describe(value)}`);
  for (const [key, entry] of Object.entries(value)) anyText(entry, [...field, key], problems);
};

const choice =
  (options: readonly string[]): Check =>
  (value, field, problems) => {
    if (typeof value !== 'string' || !options.includes(value))
      problem(problems, field, `must be one of ${options.join(', ')}`);
  };

const optionalText = { check: text(), optional: true };

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : typeof value;
}

const SPEC = object({
  project: { check: text() },
  repository: { check: text() },
  tags: { check: list(tag) },
  children: {
    check: list(
      object({
        platform: { check: text({ pattern: PLATFORM, message: 'must be os/arch[/variant]' }) },
        arch: { check: text() },
        tag: { check: tag },
        digestFile: { check: text() },
      }),
    ),
  },
  upstream: {
    check: object({ repo: { check: anyText }, ref: { check: anyText }, sha: { check: anyText } }),
    optional: true,
  },
  created: {
    check: text((s) =>
      DATETIME.test(s) && !Number.isNaN(Date.parse(s))
        ? undefined
        : 'is not an ISO 8601 date and time with an offset',
    ),
  },
  insecureRegistry: {
    check: (value, field, problems) => {
      if (typeof value !== 'boolean')
        problem(problems, field, `expected true or false, got ${describe(value)}`);
    },
  },
  annotations: { check: stringMap, optional: true },
  signing: {
    check: object({
      mode: { check: choice(['key', 'keyless']) },
      key: optionalText,
      passwordVariable: optionalText,
      fulcioUrl: optionalText,
      rekorUrl: optionalText,
      sbomFormat: { check: choice(['spdx-json', 'cyclonedx-json']) },
    }),
    optional: true,
  },
  provenance: {
    check: object({
      source: {
        check: object({
          uri: { check: text() },
          ref: optionalText,
          sha: { check: text() },
          path: optionalText,
        }),
      },
      contextPath: { check: text() },
      dockerfile: { check: text() },
      target: { check: anyText },
      buildArgs: { check: stringMap },
      builder: {
        check: object({ name: { check: choice(['kaniko', 'buildah']) }, image: { check: text() } }),
      },
      buildJobs: {
        check: list(object({ platform: { check: text() }, job: { check: text() } })),
      },
    }),
    optional: true,
  },
});

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
  const problems: Problem[] = [];
  SPEC(data, [], problems);
  throwIfProblems(
    'MANIFEST_FAILED',
    `${source} is not a valid manifest spec`,
    problems.map((p) => ({ file: source, ...p })),
  );
  return data as ManifestSpec;
}
