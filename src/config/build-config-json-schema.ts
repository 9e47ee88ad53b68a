// The JSON Schema of build-config.yaml, generated from the zod schema (zod 4's toJSONSchema) so
// editors (yaml-language-server) and kiln validate agree. Rules zod cannot express in JSON Schema
// (URL, ref and path checks, tag lengths, depends_on) are checked by `kiln validate` only.
import { z } from 'zod';
import { buildConfigFileSchema } from './build-config-schema.js';

export const SCHEMA_PATH = 'schema/build-config.schema.json';

export function buildConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(buildConfigFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'kiln build-config.yaml',
    description:
      'One container image project: projects/<name>/build-config.yaml. ' +
      'Either upstream_repo + upstream_ref, or use_local_context: true. See README.md, "Configuration reference".',
    ...rest,
    // The source rule, readable by editors: upstream_repo + upstream_ref XOR use_local_context: true.
    if: { properties: { use_local_context: { const: true } }, required: ['use_local_context'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, not a thenable.
    then: { not: { anyOf: [{ required: ['upstream_repo'] }, { required: ['upstream_ref'] }] } },
    else: {
      required: ['upstream_repo', 'upstream_ref'],
      not: { required: ['local_context'] },
    },
  };
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function buildConfigJsonSchemaText(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
