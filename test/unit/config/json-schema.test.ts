import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  buildConfigJsonSchema,
  buildConfigJsonSchemaText,
  SCHEMA_PATH,
} from '../../../src/config/build-config-json-schema.js';
import { parseBuildConfig } from '../../../src/config/parse-build-config.js';

const validate = new Ajv2020({ strict: false, allErrors: true }).compile(buildConfigJsonSchema());

describe('the shipped JSON Schema', () => {
  test(`${SCHEMA_PATH} is exactly what the zod schema generates (run npm run schema after changing it)`, async () => {
    expect(await readFile(SCHEMA_PATH, 'utf8')).toBe(buildConfigJsonSchemaText());
  });

  // Editors and kiln must agree on the shape; kiln checks more (URLs, refs, paths, tag lengths).
  test.each([
    ['upstream_repo: https://h/x.git\nupstream_ref: v1\n', true],
    ['use_local_context: true\nbuild_args:\nplatforms: [linux/arm/v7]\n', true],
    ['use_local_context: true\nbuild_args: {A: "1", B: true}\nlocal_context: repository\n', true],
    ['use_local_context: true\nplatfroms: [linux/amd64]\n', false],
    ['use_local_context: true\nplatforms: [linux/sparc]\n', false],
    ['use_local_context: true\nplatforms: []\n', false],
    ['use_local_context: true\nupstream_repo: https://h/x.git\n', false],
    ['upstream_repo: https://h/x.git\n', false],
    ['upstream_repo: https://h/x.git\nupstream_ref: v1\nlocal_context: project\n', false],
    ['use_local_context: "yes"\n', false],
    ['use_local_context: true\nbuilder: docker\n', false],
  ])('%j: schema and kiln both say valid=%s', (text, valid) => {
    expect(validate(parse(text))).toBe(valid);
    expect(parseBuildConfig(text, 'f.yaml', 'p').problems.length === 0).toBe(valid);
  });
});
