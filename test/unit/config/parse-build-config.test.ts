import { describe, expect, test } from 'vitest';
import { parseBuildConfig } from '../../../src/config/parse-build-config.js';
import { formatProblem } from '../../../src/errors.js';

const FILE = 'projects/app/build-config.yaml';
const parse = (text: string, name = 'app', names: string[] = ['app', 'base']) =>
  parseBuildConfig(text, FILE, name, { projectNames: names });
const lines = (text: string, name?: string) => parse(text, name).problems.map(formatProblem);

describe('parseBuildConfig: files in the kaniko-builder format validate unchanged', () => {
  test('an upstream project with every key, empty build_args and an empty target', () => {
    const result = parse(`upstream_repo: https://github.com/nginxinc/docker-nginx.git
upstream_ref: 1.27.3
dockerfile_path: mainline/alpine/Dockerfile
target: ""
context_path: mainline/alpine
build_args:
platforms:
  - linux/amd64
  - linux/arm64
  - linux/arm/v7
additional_tags:
  - latest
`);
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({
      upstream_repo: 'https://github.com/nginxinc/docker-nginx.git',
      upstream_ref: '1.27.3',
      use_local_context: false,
      local_context: 'project',
      dockerfile_path: 'mainline/alpine/Dockerfile',
      target: '',
      context_path: 'mainline/alpine',
      build_args: [],
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      additional_tags: ['latest'],
      depends_on: [],
      watch_paths: [],
      variants: [],
      labels: {},
      annotations: {},
    });
  });

  test('defaults: Dockerfile, no target, context ".", amd64 + arm64, no tags', () => {
    const { config } = parse('use_local_context: true\n');
    expect(config).toMatchObject({
      use_local_context: true,
      dockerfile_path: 'Dockerfile',
      target: '',
      context_path: '.',
      platforms: ['linux/amd64', 'linux/arm64'],
      additional_tags: [],
      build_args: [],
    });
    expect(config?.upstream_repo).toBeUndefined();
  });

  test.each([
    [
      'a list of KEY=value, values with = and ${CI} references',
      'build_args:\n  - BASE=${ECR_REGISTRY}/base:1\n  - OPTS=a=b\n  - EMPTY=\n',
    ],
    [
      'a map, numbers kept as written',
      'build_args:\n  BASE: ${ECR_REGISTRY}/base:1\n  OPTS: a=b\n  EMPTY: ""\n',
    ],
  ])('build_args as %s', (_, args) => {
    const { config, problems } = parse(`use_local_context: true\n${args}`);
    expect(problems).toEqual([]);
    expect(config?.build_args).toEqual([
      { name: 'BASE', value: '${ECR_REGISTRY}/base:1' },
      { name: 'OPTS', value: 'a=b' },
      { name: 'EMPTY', value: '' },
    ]);
  });

  test('unquoted numbers keep their text (1.10 stays 1.10)', () => {
    const { config } = parse(
      'upstream_repo: git@github.com:a/b.git\nupstream_ref: 1.10\nadditional_tags: [1.0, 2]\nbuild_args: {V: 1.10}\n',
    );
    expect(config?.upstream_ref).toBe('1.10');
    expect(config?.additional_tags).toEqual(['1.0', '2']);
    expect(config?.build_args).toEqual([{ name: 'V', value: '1.10' }]);
  });

  test('null means absent: empty lists and keys take their defaults', () => {
    const { config, problems } = parse(
      'use_local_context: true\nplatforms:\nadditional_tags:\ndepends_on:\nwatch_paths:\ntarget:\ndockerfile_path:\n',
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      platforms: ['linux/amd64', 'linux/arm64'],
      target: '',
      dockerfile_path: 'Dockerfile',
    });
  });

  test('kiln additions: depends_on, builder, local_context, watch_paths, {{image:NAME}}', () => {
    const { config, problems } = parse(`use_local_context: true
local_context: repository
builder: buildah
depends_on: [base]
watch_paths: ["shared/**", "package.json"]
build_args:
  - BASE={{image:base}}
`);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      local_context: 'repository',
      builder: 'buildah',
      depends_on: ['base'],
      watch_paths: ['shared/**', 'package.json'],
      build_args: [{ name: 'BASE', value: '{{image:base}}' }],
    });
  });
});

describe('parseBuildConfig: problems are located and all reported at once', () => {
  test('several problems, sorted by line, each with file:line:col, field and hint', () => {
    expect(
      lines(`upstream_repo: file:///etc
upstream_ref: main..x
platfroms: [linux/amd64]
build_args:
  - 1BAD=x
`),
    ).toEqual([
      "projects/app/build-config.yaml:1:16: upstream_repo: file:// URLs are not allowed (they read the runner's disk) (hint: use https://host/path, ssh://git@host/path, git@host:path or git://host/path)",
      'projects/app/build-config.yaml:2:15: upstream_ref: is not a valid git ref name: ".." is not allowed (hint: use a tag (v1.2.3), a branch (main) or a full 40-character commit SHA)',
      'projects/app/build-config.yaml:3:1: platfroms: unknown key "platfroms" (hint: did you mean "platforms"?)',
      'projects/app/build-config.yaml:5:5: build_args[0]: build-arg name "1BAD" is not a valid identifier (hint: use letters, digits and _, not starting with a digit)',
    ]);
  });

  test('without the list of projects, depends_on names are not checked for existence', () => {
    const result = parseBuildConfig('use_local_context: true\ndepends_on: [elsewhere]\n', FILE, 'app');
    expect(result.problems).toEqual([]);
  });

  test('per-project repositories need a lowercase folder name', () => {
    const text = 'use_local_context: true\n';
    expect(parseBuildConfig(text, FILE, 'MyApp').problems).toEqual([]);
    expect(
      parseBuildConfig(text, FILE, 'MyApp', { repositoryMode: 'per-project' }).problems.map(formatProblem),
    ).toEqual([
      'projects/app/build-config.yaml: project name: folder name "MyApp" is not a repository name (per-project repositories) (hint: rename the folder, e.g. myapp)',
    ]);
  });
});
