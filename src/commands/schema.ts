// `kiln schema [--output FILE]`: the JSON Schema of build-config.yaml, for editors and other tools.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildConfigJsonSchemaText, SCHEMA_PATH } from '../config/build-config-json-schema.js';
import { KilnError } from '../errors.js';
import { type Command, parseFlags } from './command.js';

const HELP = `Usage: kiln schema [--output FILE]

Prints the JSON Schema of build-config.yaml (generated from the validator's own schema), or writes
it to FILE. This repository ships it as ${SCHEMA_PATH}; point yaml-language-server at it with
  # yaml-language-server: $schema=../../${SCHEMA_PATH}

Options:
  -o, --output FILE  write the schema to FILE instead of stdout
  -h, --help         show this help`;

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print or write the JSON Schema of build-config.yaml',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, { output: { type: 'string', short: 'o' } }, 'schema');
    const text = buildConfigJsonSchemaText();
    if (values.output === undefined) {
      ctx.log.out(text.trimEnd());
      return 0;
    }
    const file = path.resolve(ctx.cwd, values.output);
    try {
      await writeFile(file, text);
    } catch (error) {
      throw new KilnError('INTERNAL', `cannot write ${values.output}`, {
        cause: error,
        hint: 'check that the folder exists',
      });
    }
    ctx.log.info(`wrote ${values.output}`);
    return 0;
  },
};
