// Validates GitLab CI YAML against GitLab's own JSON schema (the editor schema of gitlabhq,
// test/fixtures/reference/gitlab-ci.schema.json), document by document: a component file is a
// `spec:` header document, `---`, then the jobs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

export const GITLAB_CI_SCHEMA_PATH = fileURLToPath(
  new URL('../fixtures/reference/gitlab-ci.schema.json', import.meta.url),
);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(GITLAB_CI_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // The schema is draft-07 with GitLab's own keywords (markdownDescription): strict mode off.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    delete schema['$schema'];
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Every document of a YAML text, parsed; YAML syntax errors are returned as problems too. */
export function yamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

/** Schema errors of one parsed document, as `path: message` lines (empty = valid). */
export function gitlabCiErrors(document: unknown): string[] {
  const validate = validator();
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

/** Schema errors of every document of a YAML text, prefixed with the document number. */
export function gitlabCiTextErrors(text: string): string[] {
  return yamlDocuments(text).flatMap((doc, i) => gitlabCiErrors(doc).map((e) => `document ${i + 1}: ${e}`));
}
