// Prints the README inputs table of templates/build.yml (paste it into README section `component`;
// test/unit/component-template.test.ts fails when the two differ).
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const [header] = parseAllDocuments(readFileSync(new URL('../templates/build.yml', import.meta.url), 'utf8'));
const inputs = header.toJS().spec.inputs;
const cell = (text) => String(text).replaceAll('|', '\\|');
const lines = ['| input | type | default | allowed | description |', '| --- | --- | --- | --- | --- |'];
for (const [name, spec] of Object.entries(inputs)) {
  const def = spec.default === '' ? '(empty)' : `\`${spec.default}\``;
  const allowed = spec.options
    ? spec.options.map((o) => `\`${o === '' ? "''" : o}\``).join(', ')
    : spec.regex
      ? `regex \`${spec.regex}\``
      : '';
  lines.push(
    `| \`${name}\` | ${spec.type ?? 'string'} | ${cell(def)} | ${cell(allowed)} | ${cell(spec.description)} |`,
  );
}
console.log(lines.join('\n'));
