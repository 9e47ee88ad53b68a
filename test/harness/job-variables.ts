// A build job's variables as the runner exports them to the script: GitLab turns `$$` into `$`
// (what escapeVariableValue wrote). Tests that run a job script give it these.
import type { Builder } from '../../src/builders/builder.js';
import { unescapeVariableValue } from '../../src/render/gitlab-escape.js';
import type { BuildJobSpec } from '../../src/types.js';

export function jobVariables(builder: Builder, spec: BuildJobSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(builder.variables(spec)).map(([name, value]) => [name, unescapeVariableValue(value)]),
  );
}
