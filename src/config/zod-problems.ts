// zod issues → kiln Problems: a located line per issue, in words a config author understands,
// with a hint. Custom rules carry their hint in `params` (see build-config-schema.ts).
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { VARIANT_KEYS } from './build-config-schema.js';
import { suggestion } from './did-you-mean.js';
import { OCI_ANNOTATION_KEYS } from './metadata.js';
import { type FieldPath, problemAt, type YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

const TYPE_HINTS: Record<string, string> = {
  string: 'write one text value',
  boolean: 'write true or false (YAML 1.2 reads yes/no/on/off as text)',
  array: 'write a YAML list: one "- item" per line, or [a, b]',
  object: 'write "key: value" lines',
  record: 'write "key: value" lines',
};

function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

export function issuesToProblems(
  issues: readonly Issue[],
  source: YamlSource,
  file: string,
  knownKeys: readonly string[],
  prefix: FieldPath = [],
): Problem[] {
  const problems: Problem[] = [];
  const at = (path: FieldPath, message: string, hint?: string, onKey = false): void => {
    problems.push(problemAt(source, file, path, message, hint, onKey));
  };

  for (const issue of issues) {
    const path: FieldPath = [...prefix, ...(issue.path as (string | number)[])];
    const value = valueAt(source.data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        // Nested maps with fixed keys: annotations (config/metadata.ts).
        const candidates =
          path.length === 0
            ? knownKeys
            : path.at(-1) === 'annotations'
              ? [...OCI_ANNOTATION_KEYS]
              : path.at(-2) === 'variants'
                ? [...VARIANT_KEYS]
                : [];
        for (const key of issue.keys) {
          at(
            [...path, key],
            `unknown key "${key}"`,
            candidates.length > 0
              ? suggestion(key, candidates, `valid keys: ${candidates.join(', ')}`)
              : undefined,
            true,
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
        // An unquoted `true` or `yes` where text is expected: quoting is the fix.
        const written = source.sourceOf(path);
        const hint =
          issue.expected === 'string' && written !== undefined
            ? `quote it: "${written}"`
            : (TYPE_HINTS[issue.expected] ?? 'see the configuration reference in README.md');
        at(path, `must be ${expected}, got ${describeValue(value)}`, hint);
        break;
      }
      case 'invalid_union': {
        // Report the branch whose type matches what was written; otherwise name the accepted shapes.
        const matching = issue.errors.filter(
          (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
        );
        if (matching.length === 1) {
          problems.push(...issuesToProblems(matching[0]!, source, file, knownKeys, path));
        } else {
          const shapes = issue.errors.flatMap((branch) =>
            branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0),
          );
          const words = [
            ...new Set(
              shapes.map((i) => TYPE_WORDS[(i as { expected: string }).expected] ?? 'another shape'),
            ),
          ];
          at(
            path,
            `must be ${words.join(' or ')}, got ${describeValue(value)}`,
            'see the configuration reference in README.md',
          );
        }
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map(String);
        const hint = String(value).startsWith('windows/')
          ? 'kaniko and buildah build Linux images only'
          : suggestion(String(value), options, `use one of: ${options.join(', ')}`);
        const what = path[0] === 'platforms' ? 'a platform kiln can build' : `one of ${options.join(', ')}`;
        at(path, `"${String(value)}" is not ${what}`, hint);
        break;
      }
      case 'too_small':
        at(path, 'must not be empty', 'list at least one entry, or remove the key for the default');
        break;
      case 'custom': {
        const params = (issue.params ?? {}) as { hint?: string; onKey?: boolean };
        at(path, issue.message, params.hint, params.onKey ?? false);
        break;
      }
      default:
        at(path, issue.message, 'see the configuration reference in README.md');
    }
  }
  return problems;
}
