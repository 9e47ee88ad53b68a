// build-config.yaml text → BuildConfig (defaults applied) or every problem, each located. Pure:
// the loader reads files and passes the text, the project's folder name and the other projects.
import type { Problem } from '../errors.js';
import type { BuildArg, BuildConfig } from '../types.js';
import {
  BUILD_CONFIG_KEYS,
  type BuildConfigFile,
  buildConfigFileSchema,
  PROJECT_NAME,
} from './build-config-schema.js';
import { suggestion } from './did-you-mean.js';
import { DEFAULT_PLATFORMS, isValidRepositoryComponent, longestArchSuffix, MAX_TAG_LENGTH } from './oci.js';
import { type FieldPath, problemAt, readYaml } from './yaml-source.js';
import { issuesToProblems } from './zod-problems.js';

export interface ParseOptions {
  /** Every project in the repository: depends_on entries must name one of them. */
  projectNames?: readonly string[];
  /** In per-project mode the name is also a repository path component (lowercase). */
  repositoryMode?: 'single' | 'per-project';
}

export interface ParseResult {
  config?: BuildConfig;
  problems: Problem[];
}

/** The longest tag kiln generates by default: {project}-{YYYYMMDD}-{8-char sha}-{arch}. */
export function longestDefaultTag(project: string, platforms: readonly string[]): string {
  return `${project}-20991231-0123abcd-${longestArchSuffix(platforms)}`;
}

/** `{{image:NAME}}` in a build-arg value: the image a dependency was just built as. */
export const IMAGE_PLACEHOLDER = /\{\{image:([^}]*)\}\}/g;

export function parseBuildConfig(
  text: string,
  file: string,
  projectName: string,
  options: ParseOptions = {},
): ParseResult {
  const source = readYaml(text, file);
  if (source.problems.length > 0) return { problems: source.problems };
  const data = source.data;
  const problems: Problem[] = [];
  const at = (path: FieldPath, message: string, hint?: string, onKey = false) => {
    problems.push(problemAt(source, file, path, message, hint, onKey));
  };

  if (data === undefined || data === null) {
    at([], 'the file is empty', 'set upstream_repo and upstream_ref, or use_local_context: true');
    return { problems };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    at(
      [],
      'must be a map of keys (upstream_repo: …, platforms: …)',
      'see the configuration reference in README.md',
    );
    return { problems };
  }

  problems.push(...checkProjectName(projectName, file, options));
  const parsed = buildConfigFileSchema.safeParse(data);
  if (!parsed.success)
    problems.push(...issuesToProblems(parsed.error.issues, source, file, BUILD_CONFIG_KEYS));
  checkCrossField(data as Record<string, unknown>, projectName, options, at);

  // File order reads best; the sort is stable, so problems on one spot keep their order.
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  if (problems.length > 0 || !parsed.success) return { problems };
  return { config: withDefaults(parsed.data), problems };
}

function checkProjectName(name: string, file: string, options: ParseOptions): Problem[] {
  const field = 'project name';
  if (!PROJECT_NAME.test(name)) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" cannot start an image tag`,
        hint: 'rename the folder: letters, digits, ".", "_", "-", not starting with "." or "-"',
      },
    ];
  }
  if (options.repositoryMode === 'per-project' && !isValidRepositoryComponent(name)) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" is not a repository name (per-project repositories)`,
        hint: `rename the folder, e.g. ${name.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
      },
    ];
  }
  const longest = longestDefaultTag(name, DEFAULT_PLATFORMS);
  if (longest.length > MAX_TAG_LENGTH) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" is too long: generated tags like ${longest} exceed ${MAX_TAG_LENGTH} characters`,
        hint: 'use a shorter folder name',
      },
    ];
  }
  return [];
}

type At = (path: FieldPath, message: string, hint?: string, onKey?: boolean) => void;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

/** upstream_repo + upstream_ref, XOR use_local_context: true (local_context only with the latter). */
function checkSource(raw: Record<string, unknown>, present: (key: string) => boolean, at: At): void {
  const local = raw['use_local_context'] === true;
  // A non-boolean use_local_context is already reported; guessing the source would add noise.
  if (present('use_local_context') && typeof raw['use_local_context'] !== 'boolean') return;
  if (local) {
    for (const key of ['upstream_repo', 'upstream_ref']) {
      if (present(key))
        at(
          [key],
          `cannot be combined with use_local_context: true`,
          `remove ${key}, or remove use_local_context`,
          true,
        );
    }
  } else {
    const hint = 'set upstream_repo and upstream_ref, or use_local_context: true';
    if (!present('upstream_repo') && !present('upstream_ref'))
      at([], 'no source: upstream_repo and upstream_ref are missing', hint);
    else if (!present('upstream_repo')) at(['upstream_ref'], 'needs upstream_repo', hint, true);
    else if (!present('upstream_ref'))
      at(['upstream_repo'], 'needs upstream_ref (a tag, branch or commit SHA)', hint, true);
    if (present('local_context'))
      at(['local_context'], 'only applies with use_local_context: true', 'remove local_context', true);
  }
}

/** Rules across keys, on the raw data (type errors are already reported by the schema). */
function checkCrossField(raw: Record<string, unknown>, project: string, options: ParseOptions, at: At): void {
  const present = (key: string) => raw[key] !== undefined && raw[key] !== null;
  checkSource(raw, present, at);

  const platforms = strings(raw['platforms']) ?? [...DEFAULT_PLATFORMS];
  const longest = longestDefaultTag(project, platforms);
  const nameFits = longestDefaultTag(project, DEFAULT_PLATFORMS).length <= MAX_TAG_LENGTH;
  if (PROJECT_NAME.test(project) && nameFits && longest.length > MAX_TAG_LENGTH && present('platforms')) {
    at(
      ['platforms'],
      `generated tag ${longest} exceeds ${MAX_TAG_LENGTH} characters`,
      'use a shorter folder name',
      true,
    );
  }

  for (const [i, tag] of (strings(raw['additional_tags']) ?? []).entries()) {
    const full = `${project}-${tag}`;
    if (PROJECT_NAME.test(project) && full.length > MAX_TAG_LENGTH) {
      at(
        ['additional_tags', i],
        `tag ${full} is ${full.length} characters; the limit is ${MAX_TAG_LENGTH}`,
        'use a shorter tag',
      );
    }
  }

  const dependsOn = strings(raw['depends_on']) ?? [];
  const seen = new Set<string>();
  for (const [i, name] of dependsOn.entries()) {
    if (name === project) at(['depends_on', i], 'a project cannot depend on itself', 'remove this entry');
    else if (seen.has(name)) at(['depends_on', i], `${name} is listed twice`, 'remove the duplicate');
    else if (options.projectNames && PROJECT_NAME.test(name) && !options.projectNames.includes(name)) {
      at(
        ['depends_on', i],
        `no project named "${name}"`,
        suggestion(name, options.projectNames, 'list folder names under the projects folder'),
      );
    }
    seen.add(name);
  }

  checkImagePlaceholders(raw['build_args'], new Set(dependsOn), at);
}

/** `{{image:NAME}}` must name a dependency, so the planner knows which image to put there. */
function checkImagePlaceholders(buildArgs: unknown, dependsOn: Set<string>, at: At): void {
  const entries: [string | number, unknown][] = Array.isArray(buildArgs)
    ? [...buildArgs.entries()]
    : buildArgs !== null && typeof buildArgs === 'object'
      ? Object.entries(buildArgs)
      : [];
  for (const [key, value] of entries) {
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(IMAGE_PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!dependsOn.has(name)) {
        at(
          ['build_args', key],
          `{{image:${name}}} names a project that is not in depends_on`,
          `add ${name || 'the project'} to depends_on`,
        );
      }
    }
  }
}

function toBuildArgs(value: BuildConfigFile['build_args']): BuildArg[] {
  if (!value) return [];
  if (Array.isArray(value)) {
    return value.map((entry) => {
      const eq = entry.indexOf('=');
      return { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
    });
  }
  return Object.entries(value).map(([name, v]) => ({ name, value: String(v) }));
}

/** null (an empty key in YAML) means the same as an absent key: the default. */
function withDefaults(file: BuildConfigFile): BuildConfig {
  const config: BuildConfig = {
    use_local_context: file.use_local_context ?? false,
    dockerfile_path: file.dockerfile_path || 'Dockerfile',
    target: file.target ?? '',
    context_path: file.context_path || '.',
    build_args: toBuildArgs(file.build_args),
    platforms: file.platforms ?? [...DEFAULT_PLATFORMS],
    additional_tags: file.additional_tags ?? [],
    depends_on: file.depends_on ?? [],
    local_context: file.local_context ?? 'project',
    watch_paths: file.watch_paths ?? [],
  };
  if (file.upstream_repo) config.upstream_repo = file.upstream_repo;
  if (file.upstream_ref) config.upstream_ref = file.upstream_ref;
  if (file.builder) config.builder = file.builder;
  return config;
}
