// build-config.yaml text → BuildConfig (defaults applied) or every problem, each located. Pure:
// the loader reads files and passes the text, the project's folder name and the other projects.
import type { Problem } from '../errors.js';
import type { BuildArg, BuildConfig } from '../types.js';
import { checkCrossField, checkProjectName, type RuleOptions } from './build-config-rules.js';
import { BUILD_CONFIG_KEYS, type BuildConfigFile, buildConfigFileSchema } from './build-config-schema.js';
import { DEFAULT_PLATFORMS } from './oci.js';
import { type FieldPath, problemAt, readYaml } from './yaml-source.js';
import { issuesToProblems } from './zod-problems.js';

export type ParseOptions = RuleOptions;

/** 64 KiB: a build-config.yaml is a few hundred bytes; bigger is a mistake or an attack. */
export const MAX_BUILD_CONFIG_BYTES = 64 * 1024;

/** The problem of a file over MAX_BUILD_CONFIG_BYTES (loaders check the size before reading). */
export function oversizeProblem(file: string, bytes: number): Problem | undefined {
  if (bytes <= MAX_BUILD_CONFIG_BYTES) return undefined;
  const size = (n: number) => n.toLocaleString('en-US');
  return {
    file,
    message: `the file is ${size(bytes)} bytes; a build-config.yaml may be at most ${size(MAX_BUILD_CONFIG_BYTES)} bytes (${MAX_BUILD_CONFIG_BYTES / 1024} KiB)`,
    hint: 'a build-config.yaml is a few hundred bytes: check that this is the file you meant to commit',
  };
}

export interface ParseResult {
  config?: BuildConfig;
  problems: Problem[];
  /**
   * The keys as read from YAML, before any rule: present whenever the text is a YAML map, even
   * when problems stop `config` (selection reads depends_on from it when only other keys are wrong).
   */
  data?: Record<string, unknown>;
}

export function parseBuildConfig(
  text: string,
  file: string,
  projectName: string,
  options: ParseOptions = {},
): ParseResult {
  const oversize = oversizeProblem(file, Buffer.byteLength(text, 'utf8'));
  if (oversize) return { problems: [oversize] };
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
  const map = data as Record<string, unknown>;
  if (problems.length > 0 || !parsed.success) return { problems, data: map };
  return { config: withDefaults(parsed.data), problems, data: map };
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
    variants: (file.variants ?? []).map((v) => ({
      name: v.name,
      ...(v.build_args ? { build_args: toBuildArgs(v.build_args) } : {}),
      ...(v.target !== undefined && v.target !== null ? { target: v.target } : {}),
      ...(v.platforms ? { platforms: v.platforms } : {}),
      ...(v.additional_tags ? { additional_tags: v.additional_tags } : {}),
    })),
    labels: file.labels ?? {},
    annotations: file.annotations ?? {},
  };
  if (file.upstream_repo) config.upstream_repo = file.upstream_repo;
  if (file.upstream_ref) config.upstream_ref = file.upstream_ref;
  if (file.builder) config.builder = file.builder;
  return config;
}
