// Reads kiln's component (templates/build.yml) the way GitLab does: the `spec:inputs` header, then
// the body with `$[[ inputs.x ]]` interpolated (https://docs.gitlab.com/ci/inputs/).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TEMPLATE_PATH = path.join(REPO_ROOT, 'templates/build.yml');

export interface InputSpec {
  description?: string;
  type?: 'string' | 'number' | 'boolean' | 'array';
  default?: unknown;
  options?: unknown[];
  regex?: string;
}

export function templateText(): string {
  return readFileSync(TEMPLATE_PATH, 'utf8');
}

/** The header document's inputs, in file order. */
export function specInputs(header: unknown): Record<string, InputSpec> {
  const spec = (header as { spec?: { inputs?: Record<string, InputSpec | null> } }).spec;
  return Object.fromEntries(Object.entries(spec?.inputs ?? {}).map(([k, v]) => [k, v ?? {}]));
}

/**
 * Interpolates `$[[ inputs.x ]]` in every key and string value of the parsed body (as GitLab does,
 * after parsing: an empty input stays an empty string), with the given values and defaults for
 * the rest, and checks `options`/`regex` the way GitLab does.
 */
export function interpolate(
  body: unknown,
  inputs: Record<string, InputSpec>,
  values: Record<string, string> = {},
): unknown {
  for (const name of Object.keys(values)) {
    if (!(name in inputs)) throw new Error(`unknown input: ${name}`);
  }
  const inText = (text: string): string =>
    text.replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
      const spec = inputs[name];
      if (!spec) throw new Error(`unknown interpolation key: ${name}`);
      const value = values[name] ?? spec.default;
      if (value === undefined) throw new Error(`${name}: required value has not been provided`);
      const result = String(value);
      if (spec.options && !spec.options.map(String).includes(result)) {
        throw new Error(`${name}: ${result} cannot be used because it is not in the list of allowed options`);
      }
      if (spec.regex && !new RegExp(spec.regex).test(result)) {
        throw new Error(`${name}: ${result} does not match required regex: ${spec.regex}`);
      }
      return result;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return inText(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [inText(k), walk(v)]));
    }
    return node;
  };
  return walk(body);
}
