// The bad-input corpus: one file per mistake under test/fixtures/configs/corpus/, each checked for
// the exact file, line, field and message kiln reports (and that it says how to fix it).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseBuildConfig } from '../../../src/config/parse-build-config.js';

const DIR = 'test/fixtures/configs/corpus';
const PROJECTS = ['app', 'base', 'tools', 'base-image'];
/** Cases about the project (folder) name use another name than `app`. */
const PROJECT_NAME: Record<string, string> = {
  'project-name-invalid': 'my app',
  'project-name-too-long': 'a'.repeat(110),
  // Fits with amd64/arm64 (24 characters of suffixes), not with arm64-v8.
  'platforms-generated-tag-too-long': 'b'.repeat(103),
};

// [case, line (undefined = the folder name, not a line), field (null = the whole file), message, problem count]
const CASES: [string, number | undefined, string | null, string, number][] = [
  ['build-arg-duplicate', 4, 'build_args[1]', 'build arg A is set twice', 1],
  [
    'build-arg-image-not-dependency',
    5,
    'build_args[1]',
    '{{image:tools}} names a project that is not in depends_on',
    1,
  ],
  ['build-arg-key-digit', 3, 'build_args[0]', 'build-arg name "1X" is not a valid identifier', 1],
  [
    'build-arg-map-key-invalid',
    4,
    'build_args.BAD-KEY',
    'build-arg name "BAD-KEY" is not a valid identifier',
    1,
  ],
  ['build-arg-no-equals', 3, 'build_args[0]', '"VERSION" is not KEY=value', 1],
  [
    'build-arg-unsupported-expansion',
    3,
    'build_args[0]',
    'value of REG uses an unsupported ${…} expansion',
    1,
  ],
  ['builder-unknown', 2, 'builder', '"docker" is not one of kaniko, buildah', 1],
  ['depends-on-bad-name', 2, 'depends_on[0]', '"../base" is not a project name', 1],
  ['depends-on-duplicate', 2, 'depends_on[1]', 'base is listed twice', 1],
  ['depends-on-self', 2, 'depends_on[0]', 'a project cannot depend on itself', 1],
  ['depends-on-unknown', 4, 'depends_on[1]', 'no project named "bse-image"', 1],
  [
    'inject-build-arg-key',
    3,
    'build_args[0]',
    'build-arg name "A;touch /tmp/x" is not a valid identifier',
    1,
  ],
  [
    'inject-build-arg-newline',
    3,
    'build_args.A',
    'value of A must not contain U+000A (newline): a line break or control character',
    1,
  ],
  [
    'inject-build-arg-nul',
    3,
    'build_args[0]',
    'value of A must not contain U+0000 (NUL): a line break or control character',
    1,
  ],
  ['inject-dockerfile-option', 2, 'dockerfile_path', 'must not start with "-"', 1],
  ['inject-ref-backticks', 2, 'upstream_ref', '"`" is not allowed in a ref (shell syntax)', 1],
  ['inject-ref-command-substitution', 2, 'upstream_ref', '"$" is not allowed in a ref (shell syntax)', 1],
  ['inject-ref-dotdot', 2, 'upstream_ref', 'is not a valid git ref name: ".." is not allowed', 1],
  [
    'inject-ref-newline',
    2,
    'upstream_ref',
    'is not a valid git ref name: character U+000A (newline) is not allowed',
    1,
  ],
  ['inject-ref-option', 2, 'upstream_ref', 'must not start with "-" (git would read it as an option)', 1],
  ['inject-target-shell', 2, 'target', '"build; rm -rf /" is not a Dockerfile stage name', 1],
  ['inject-url-ext', 1, 'upstream_repo', 'remote helper "ext::" is not allowed (it can run commands)', 1],
  ['inject-url-fd', 1, 'upstream_repo', 'remote helper "fd::" is not allowed (it can run commands)', 1],
  ['inject-url-file', 1, 'upstream_repo', "file:// URLs are not allowed (they read the runner's disk)", 1],
  ['inject-url-newline', 1, 'upstream_repo', 'must not contain spaces or control characters', 1],
  ['inject-url-option', 1, 'upstream_repo', 'must not start with "-" (git would read it as an option)', 1],
  [
    'inject-url-ssh-proxycommand',
    1,
    'upstream_repo',
    '"-oProxyCommand=touch%20pwned" is not a valid host name',
    1,
  ],
  ['inject-url-token', 1, 'upstream_repo', 'must not contain a password or token', 1],
  ['local-context-bad-value', 2, 'local_context', '"repo" is not one of project, repository', 1],
  ['local-context-without-local', 3, 'local_context', 'only applies with use_local_context: true', 1],
  ['path-absolute-dockerfile', 2, 'dockerfile_path', 'must be a relative path', 1],
  ['path-backslash', 3, 'dockerfile_path', 'must use "/" as separator', 1],
  ['path-escape-context', 3, 'context_path', 'must not escape the build context with ".."', 1],
  ['path-escape-through-folder', 3, 'context_path', 'must not escape the build context with ".."', 1],
  ['path-windows-drive', 3, 'context_path', 'must be a relative path', 1],
  ['platform-arm64-v8-alias', 4, 'platforms[1]', 'linux/arm64/v8 is the same platform as linux/arm64', 1],
  ['platform-duplicate', 4, 'platforms[1]', 'linux/amd64 is listed twice', 1],
  ['platform-missing-variant', 2, 'platforms[0]', '"linux/arm" is not a platform kiln can build', 1],
  ['platform-unknown', 4, 'platforms[1]', '"linux/x86_64" is not a platform kiln can build', 1],
  ['platform-windows', 2, 'platforms[0]', '"windows/amd64" is not a platform kiln can build', 1],
  ['platforms-empty', 2, 'platforms', 'must not be empty', 1],
  [
    'platforms-generated-tag-too-long',
    2,
    'platforms',
    '-20991231-0123abcd-arm64-v8 exceeds 128 characters',
    1,
  ],
  ['project-name-invalid', undefined, 'project name', 'folder name "my app" cannot start an image tag', 1],
  ['project-name-too-long', undefined, 'project name', 'is too long: generated tags like', 1],
  ['source-both', 1, 'upstream_repo', 'cannot be combined with use_local_context: true', 2],
  ['source-none', 1, null, 'no source: upstream_repo and upstream_ref are missing', 1],
  ['source-ref-missing', 1, 'upstream_repo', 'needs upstream_ref (a tag, branch or commit SHA)', 1],
  ['source-repo-missing', 2, 'upstream_ref', 'needs upstream_repo', 1],
  ['tag-empty', 2, 'additional_tags[0]', '"" is not a valid tag part', 1],
  ['tag-slash', 2, 'additional_tags[0]', '"v1/beta" is not a valid tag part', 1],
  ['tag-too-long', 4, 'additional_tags[1]', 'is 130 characters; the limit is 128', 1],
  ['target-invalid', 2, 'target', '"1st-stage" is not a Dockerfile stage name', 1],
  ['type-additional-tags-map', 3, 'additional_tags', 'must be a list, got a map', 1],
  ['type-build-arg-number-entry', 3, 'build_args[0]', '"42" is not KEY=value', 1],
  ['type-build-args-string', 2, 'build_args', 'must be a list or a map, got the text "FOO=bar"', 1],
  ['type-depends-on-string', 2, 'depends_on', 'must be a list, got the text "base"', 1],
  ['type-platforms-string', 2, 'platforms', 'must be a list, got the text "linux/amd64"', 1],
  ['type-target-boolean', 2, 'target', 'must be text, got boolean false', 1],
  ['type-upstream-repo-list', 2, 'upstream_repo', 'must be text, got a list', 1],
  ['type-use-local-context-quoted', 1, 'use_local_context', 'must be true or false, got the text "true"', 1],
  ['type-use-local-context-yes', 1, 'use_local_context', 'must be true or false, got the text "yes"', 1],
  ['unknown-key-far', 2, 'image', 'unknown key "image"', 1],
  ['unknown-key-typo', 2, 'dockerfile', 'unknown key "dockerfile"', 1],
  ['watch-paths-absolute', 2, 'watch_paths[0]', 'must be a relative path', 1],
  ['watch-paths-dotdot', 4, 'watch_paths[1]', 'must not contain ".."', 1],
  ['yaml-alias-bomb', 4, 'x2[8]', 'YAML: aliases expand to more than 1000 values; *a1 passes the limit', 1],
  [
    'yaml-alias-recursive',
    3,
    'build_args.A',
    'YAML: alias *args is inside build_args, the value it names',
    1,
  ],
  ['yaml-bad-alias', 2, 'target', 'YAML syntax: alias *nowhere has no anchor', 1],
  ['yaml-duplicate-key', 3, null, 'YAML syntax: a key is set twice; keep one', 1],
  ['yaml-empty', 1, null, 'the file is empty', 1],
  ['yaml-nesting-too-deep', 2, null, 'YAML: values are nested more than 16 levels deep', 1],
  ['yaml-not-a-map', 1, null, 'must be a map of keys (upstream_repo: …, platforms: …)', 1],
  ['yaml-tab-indent', 3, null, 'YAML syntax: Tabs are not allowed as indentation', 1],
  [
    'yaml-two-documents',
    2,
    null,
    'YAML syntax: the file holds several documents ("---"); a build-config.yaml is one document',
    1,
  ],
  [
    'yaml-unclosed-flow',
    3,
    null,
    'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    1,
  ],
  ['yaml-unterminated-quote', 3, null, 'YAML syntax: Missing closing "quote', 1],
];

describe('bad-input corpus', () => {
  test('every fixture file has a case, and there are at least 40', () => {
    const files = readdirSync(DIR)
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort();
    expect(files).toEqual(CASES.map(([name]) => name).sort());
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES)('%s → line %s, %s: %s', (name, line, field, message, count) => {
    const file = `${DIR}/${name}.yaml`;
    const result = parseBuildConfig(readFileSync(file, 'utf8'), file, PROJECT_NAME[name] ?? 'app', {
      projectNames: PROJECTS,
    });
    expect(result.config).toBeUndefined();
    expect(result.problems).toHaveLength(count);
    const [first] = result.problems;
    expect(first?.file).toBe(file);
    expect(first?.line).toBe(line);
    if (line !== undefined) expect(first?.col).toBeGreaterThan(0);
    expect(first?.field).toBe(field ?? undefined);
    expect(first?.message).toContain(message);
    for (const problem of result.problems) expect(problem.hint, problem.message).toMatch(/\S/);
  });
});
