// Settings: CLI flags > KILN_* environment variables > kiln.yaml at the repo root > defaults.
// resolveSettings is pure (text and env in, Settings out); loadSettings reads kiln.yaml.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Env } from '../context.js';
import { KilnError, type Problem, throwIfProblems, type Where } from '../errors.js';
import type { BuilderName, Platform, SbomFormat, SigningMode } from '../types.js';
import { didYouMean } from './did-you-mean.js';
import { annotationsSchema, labelsSchema, type Metadata, OCI_ANNOTATION_KEYS } from './metadata.js';
import { checkSetting } from './setting-rules.js';
import { parseFieldPath } from './yaml-source.js';

export const SETTINGS_FILE = 'kiln.yaml';

export interface Settings {
  /** Folder (relative to the repo root) holding one folder per project. */
  projectsDir: string;
  /** The list of projects a scheduled pipeline rebuilds. */
  rebuildFile: string;
  /** Globs over folder names in the projects folder that are never projects (hack, docs). */
  exclude: string[];
  /** Globs (repo-relative) whose changes never rebuild anything, e.g. docs. */
  ignore: string[];
  /** Globs (repo-relative) whose changes rebuild every project, e.g. a shared folder. */
  globalPaths: string[];
  /** Image repository (`host/path`); one for all projects, or the prefix in per-project mode. */
  registry: string;
  repositoryMode: 'single' | 'per-project';
  /** Runner tags per platform; values may reference CI variables, GitLab expands them. */
  runnerTags: Record<Platform, string[]>;
  /** Runner tags of the manifest, summary and no-op jobs; unset: those of linux/amd64. */
  manifestRunnerTags?: string[];
  builder: BuilderName;
  images: { kaniko: string; buildah: string; kiln: string };
  /** Placeholders: {project} {date} {shortsha} {shortsha:N} {sha} {pipeline}. */
  tagTemplate: string;
  /** `<project>-` before each additional tag; unset: yes in repository mode single, no in per-project. */
  prefixAdditionalTags?: boolean;
  cache: boolean;
  cacheTtl: string;
  compression: 'gzip' | 'zstd';
  registryMirror: string;
  /** Name of the CI variable holding a GitLab API token (last successful pipeline, schedules, notes). */
  gitlabTokenVariable: string;
  /** Name of the CI variable holding a token for private upstreams on `upstreamTokenHosts`. */
  upstreamTokenVariable: string;
  /** The only hosts (`host` or `host:port`) the upstream token is ever sent to. */
  upstreamTokenHosts: string[];
  /** How long build jobs keep their digest artifacts, which a manifest job rerun needs (GitLab's expire_in). */
  artifactsExpireIn: string;
  /** Globs over ref names whose pipelines move release (additional) tags; empty = the default branch. */
  releaseRefs: string[];
  /** What merge-request pipelines do: plan and validate only, or also build (never release tags). */
  mergeRequests: 'plan' | 'build';
  /** Talk plain HTTP to the registry (local registries in tests and demos). */
  insecureRegistry: boolean;
  awsRegion: string;
  /** Whether prepare creates missing ECR repositories (looking each up first). */
  createRepositories: boolean;
  /** Tag mutability of repositories kiln creates. */
  ecrTagMutability: 'MUTABLE' | 'IMMUTABLE';
  /** ECR's scan on push for repositories kiln creates. */
  ecrScanOnPush: boolean;
  /** How many `git ls-remote` the prepare job runs at once to pin upstream refs. */
  pinConcurrency: number;
  /** Custom labels and OCI annotations of every image (a project's own override them). kiln.yaml only. */
  labels: Record<string, string>;
  annotations: Metadata['annotations'];
  /** Sign every index and child with cosign, with SBOM and provenance attestations (kiln attest). */
  signing: SigningMode;
  /** Key mode: a KMS URI, or the name of the CI variable holding the cosign private key. */
  signingKey: string;
  /** Key mode: the name of the CI variable holding the key's password. */
  signingPasswordVariable: string;
  sbomFormat: SbomFormat;
  /** Keyless: the Sigstore instance (public by default, or a private one). */
  sigstoreFulcioUrl: string;
  sigstoreRekorUrl: string;
}

/** Pinned default images. Kaniko: the maintained fork (Google's original is archived). */
export const DEFAULT_IMAGES = {
  kaniko: 'martizih/kaniko:v1.28.3-debug',
  buildah: 'quay.io/buildah/stable:v1.42.0',
  kiln: 'registry.gitlab.com/kiln-ci/kiln:0.1.0',
} as const;

export const DEFAULT_SETTINGS: Settings = {
  projectsDir: 'projects',
  rebuildFile: 'rebuild-weekly.txt',
  exclude: [],
  ignore: ['**/*.md'],
  globalPaths: [],
  registry: '',
  repositoryMode: 'single',
  runnerTags: { 'linux/amd64': ['$CICD_TAG_AMD64'], 'linux/arm64': ['$CICD_TAG_ARM64'] },
  builder: 'kaniko',
  images: { ...DEFAULT_IMAGES },
  tagTemplate: '{project}-{date}-{shortsha}',
  cache: true,
  cacheTtl: '168h',
  compression: 'gzip',
  registryMirror: '',
  gitlabTokenVariable: 'KILN_GITLAB_TOKEN',
  upstreamTokenVariable: '',
  upstreamTokenHosts: [],
  releaseRefs: [],
  artifactsExpireIn: '30 days',
  mergeRequests: 'plan',
  insecureRegistry: false,
  awsRegion: '',
  createRepositories: true,
  // Floating tags (latest, stable) must move.
  ecrTagMutability: 'MUTABLE',
  ecrScanOnPush: false,
  // Measured (docs/benchmarks.md, "Pinning many upstreams"): 128 upstreams at a 50 ms round trip
  // pin in 0.65x the time of 8 at a time; 32 and 64 at a time are slower again on 2 cores.
  pinConcurrency: 16,
  labels: {},
  annotations: {},
  signing: 'none',
  signingKey: 'COSIGN_PRIVATE_KEY',
  signingPasswordVariable: 'COSIGN_PASSWORD',
  sbomFormat: 'spdx-json',
  sigstoreFulcioUrl: 'https://fulcio.sigstore.dev',
  sigstoreRekorUrl: 'https://rekor.sigstore.dev',
};

/** The most `git ls-remote` at once kiln allows: each is a process on the prepare job's runner. */
export const MAX_PIN_CONCURRENCY = 128;

const list = z.array(z.string());
const fileSchema = z
  .object({
    projects_dir: z.string().min(1),
    rebuild_file: z.string().min(1),
    exclude: list,
    ignore: list,
    global_paths: list,
    registry: z.string(),
    repository_mode: z.enum(['single', 'per-project']),
    runner_tags: z.record(z.string(), z.union([z.string(), list])),
    manifest_runner_tags: z.union([z.string(), list]),
    builder: z.enum(['kaniko', 'buildah']),
    images: z.object({ kaniko: z.string(), buildah: z.string(), kiln: z.string() }).partial().strict(),
    tag_template: z.string().min(1),
    prefix_additional_tags: z.boolean(),
    cache: z.boolean(),
    cache_ttl: z.string(),
    compression: z.enum(['gzip', 'zstd']),
    registry_mirror: z.string(),
    gitlab_token_variable: z.string(),
    upstream_token_variable: z.string(),
    upstream_token_hosts: list,
    release_refs: list,
    artifacts_expire_in: z.string(),
    merge_requests: z.enum(['plan', 'build']),
    insecure_registry: z.boolean(),
    aws_region: z.string(),
    create_repositories: z.boolean(),
    ecr_tag_mutability: z.enum(['MUTABLE', 'IMMUTABLE']),
    ecr_scan_on_push: z.boolean(),
    pin_concurrency: z.number().int().min(1).max(MAX_PIN_CONCURRENCY),
    labels: labelsSchema,
    annotations: annotationsSchema,
    signing: z.enum(['none', 'key', 'keyless']),
    signing_key: z.string().min(1),
    signing_password_variable: z.string().min(1),
    sbom_format: z.enum(['spdx-json', 'cyclonedx-json']),
    sigstore_fulcio_url: z.string().min(1),
    sigstore_rekor_url: z.string().min(1),
  })
  .partial()
  .strict();

export type SettingsFile = z.infer<typeof fileSchema>;

/** Settings as strings, the shape of KILN_* variables and CLI flags (component inputs arrive this way). */
export type RawSettings = Partial<Record<keyof typeof ENV_NAMES, string>>;

/** Each setting's environment variable; the GitLab component passes its inputs as these. */
export const ENV_NAMES = {
  projectsDir: 'KILN_PROJECTS_DIR',
  rebuildFile: 'KILN_REBUILD_FILE',
  exclude: 'KILN_EXCLUDE',
  ignore: 'KILN_IGNORE',
  globalPaths: 'KILN_GLOBAL_PATHS',
  registry: 'KILN_REGISTRY',
  repositoryMode: 'KILN_REPOSITORY_MODE',
  runnerTags: 'KILN_RUNNER_TAGS',
  manifestRunnerTags: 'KILN_MANIFEST_RUNNER_TAGS',
  builder: 'KILN_BUILDER',
  kanikoImage: 'KILN_KANIKO_IMAGE',
  buildahImage: 'KILN_BUILDAH_IMAGE',
  kilnImage: 'KILN_IMAGE',
  tagTemplate: 'KILN_TAG_TEMPLATE',
  prefixAdditionalTags: 'KILN_PREFIX_ADDITIONAL_TAGS',
  cache: 'KILN_CACHE',
  cacheTtl: 'KILN_CACHE_TTL',
  compression: 'KILN_COMPRESSION',
  registryMirror: 'KILN_REGISTRY_MIRROR',
  gitlabTokenVariable: 'KILN_GITLAB_TOKEN_VARIABLE',
  upstreamTokenVariable: 'KILN_UPSTREAM_TOKEN_VARIABLE',
  upstreamTokenHosts: 'KILN_UPSTREAM_TOKEN_HOSTS',
  releaseRefs: 'KILN_RELEASE_REFS',
  artifactsExpireIn: 'KILN_ARTIFACTS_EXPIRE_IN',
  mergeRequests: 'KILN_MERGE_REQUESTS',
  insecureRegistry: 'KILN_INSECURE_REGISTRY',
  awsRegion: 'KILN_AWS_REGION',
  createRepositories: 'KILN_CREATE_REPOSITORIES',
  ecrTagMutability: 'KILN_ECR_TAG_MUTABILITY',
  ecrScanOnPush: 'KILN_ECR_SCAN_ON_PUSH',
  pinConcurrency: 'KILN_PIN_CONCURRENCY',
  signing: 'KILN_SIGNING',
  signingKey: 'KILN_SIGNING_KEY',
  signingPasswordVariable: 'KILN_SIGNING_PASSWORD_VARIABLE',
  sbomFormat: 'KILN_SBOM_FORMAT',
  sigstoreFulcioUrl: 'KILN_SIGSTORE_FULCIO_URL',
  sigstoreRekorUrl: 'KILN_SIGSTORE_REKOR_URL',
} as const;

/** `a, b ,c` → ['a','b','c']; also accepts newlines (multi-line component inputs). */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `linux/amd64=tag-a,tag-b;linux/arm64=tag-c` → { 'linux/amd64': ['tag-a','tag-b'], … } */
export function parseRunnerTags(
  value: string,
  problems: Problem[],
  field: string,
): Record<Platform, string[]> {
  const result: Record<Platform, string[]> = {};
  for (const entry of value.split(/[;\n]/).map((e) => e.trim())) {
    if (!entry) continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      problems.push({
        field,
        message: `"${entry}" is not platform=tags`,
        hint: 'write linux/amd64=my-amd64-tag;linux/arm64=my-arm64-tag',
      });
      continue;
    }
    result[entry.slice(0, eq).trim()] = splitList(entry.slice(eq + 1));
  }
  return result;
}

function parseBoolean(value: string, problems: Problem[], field: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  problems.push({ field, message: `"${value}" is not a boolean`, hint: 'use true or false' });
  return undefined;
}

function oneOf<T extends string>(
  value: string,
  options: readonly T[],
  problems: Problem[],
  field: string,
): T | undefined {
  if ((options as readonly string[]).includes(value)) return value as T;
  problems.push({ field, message: `"${value}" is not one of ${options.join(', ')}` });
  return undefined;
}

/** Applies raw string settings (flags or env) on top of `base`; problems name `field`. */
function applyRaw(
  base: Settings,
  raw: RawSettings,
  problems: Problem[],
  origin: (key: string) => string,
): Settings {
  const s: Settings = { ...base, images: { ...base.images } };
  for (const [key, value] of Object.entries(raw) as [keyof RawSettings, string | undefined][]) {
    if (value === undefined) continue;
    const field = origin(key);
    switch (key) {
      case 'exclude':
      case 'ignore':
      case 'globalPaths':
      case 'upstreamTokenHosts':
      case 'releaseRefs':
        s[key] = splitList(value);
        checkSetting(key, s[key], problems, { field });
        break;
      case 'manifestRunnerTags':
        s.manifestRunnerTags = splitList(value);
        checkSetting(key, s.manifestRunnerTags, problems, { field });
        break;
      case 'runnerTags':
        s.runnerTags = parseRunnerTags(value, problems, field);
        checkSetting(key, Object.values(s.runnerTags).flat(), problems, { field });
        break;
      case 'repositoryMode':
        s.repositoryMode =
          oneOf(value, ['single', 'per-project'] as const, problems, field) ?? s.repositoryMode;
        break;
      case 'builder':
        s.builder = oneOf(value, ['kaniko', 'buildah'] as const, problems, field) ?? s.builder;
        break;
      case 'compression':
        s.compression = oneOf(value, ['gzip', 'zstd'] as const, problems, field) ?? s.compression;
        break;
      case 'mergeRequests':
        s.mergeRequests = oneOf(value, ['plan', 'build'] as const, problems, field) ?? s.mergeRequests;
        break;
      case 'cache':
      case 'insecureRegistry':
      case 'createRepositories':
      case 'ecrScanOnPush':
        s[key] = parseBoolean(value, problems, field) ?? s[key];
        break;
      case 'ecrTagMutability':
        s.ecrTagMutability =
          oneOf(value, ['MUTABLE', 'IMMUTABLE'] as const, problems, field) ?? s.ecrTagMutability;
        break;
      case 'signing':
        s.signing = oneOf(value, ['none', 'key', 'keyless'] as const, problems, field) ?? s.signing;
        break;
      case 'sbomFormat':
        s.sbomFormat =
          oneOf(value, ['spdx-json', 'cyclonedx-json'] as const, problems, field) ?? s.sbomFormat;
        break;
      case 'prefixAdditionalTags':
        s.prefixAdditionalTags = parseBoolean(value, problems, field) ?? s.prefixAdditionalTags;
        break;
      case 'pinConcurrency': {
        const before = problems.length;
        checkSetting(key, value, problems, { field });
        if (problems.length === before) s.pinConcurrency = Number(value);
        break;
      }
      case 'kanikoImage':
        s.images.kaniko = value;
        checkSetting(key, value, problems, { field });
        break;
      case 'buildahImage':
        s.images.buildah = value;
        checkSetting(key, value, problems, { field });
        break;
      case 'kilnImage':
        s.images.kiln = value;
        checkSetting(key, value, problems, { field });
        break;
      default:
        s[key] = value;
        checkSetting(key, value, problems, { field });
    }
  }
  return s;
}

function applyFile(base: Settings, file: SettingsFile): Settings {
  const s: Settings = { ...base, images: { ...base.images, ...file.images } };
  if (file.projects_dir !== undefined) s.projectsDir = file.projects_dir;
  if (file.rebuild_file !== undefined) s.rebuildFile = file.rebuild_file;
  if (file.exclude !== undefined) s.exclude = file.exclude;
  if (file.ignore !== undefined) s.ignore = file.ignore;
  if (file.global_paths !== undefined) s.globalPaths = file.global_paths;
  if (file.registry !== undefined) s.registry = file.registry;
  if (file.repository_mode !== undefined) s.repositoryMode = file.repository_mode;
  if (file.runner_tags !== undefined) {
    s.runnerTags = Object.fromEntries(
      Object.entries(file.runner_tags).map(([p, tags]) => [p, typeof tags === 'string' ? [tags] : tags]),
    );
  }
  if (file.manifest_runner_tags !== undefined) {
    const tags = file.manifest_runner_tags;
    s.manifestRunnerTags = typeof tags === 'string' ? [tags] : tags;
  }
  if (file.builder !== undefined) s.builder = file.builder;
  if (file.tag_template !== undefined) s.tagTemplate = file.tag_template;
  if (file.prefix_additional_tags !== undefined) s.prefixAdditionalTags = file.prefix_additional_tags;
  if (file.cache !== undefined) s.cache = file.cache;
  if (file.cache_ttl !== undefined) s.cacheTtl = file.cache_ttl;
  if (file.compression !== undefined) s.compression = file.compression;
  if (file.registry_mirror !== undefined) s.registryMirror = file.registry_mirror;
  if (file.gitlab_token_variable !== undefined) s.gitlabTokenVariable = file.gitlab_token_variable;
  if (file.upstream_token_variable !== undefined) s.upstreamTokenVariable = file.upstream_token_variable;
  if (file.upstream_token_hosts !== undefined) s.upstreamTokenHosts = file.upstream_token_hosts;
  if (file.release_refs !== undefined) s.releaseRefs = file.release_refs;
  if (file.artifacts_expire_in !== undefined) s.artifactsExpireIn = file.artifacts_expire_in;
  if (file.merge_requests !== undefined) s.mergeRequests = file.merge_requests;
  if (file.insecure_registry !== undefined) s.insecureRegistry = file.insecure_registry;
  if (file.aws_region !== undefined) s.awsRegion = file.aws_region;
  if (file.create_repositories !== undefined) s.createRepositories = file.create_repositories;
  if (file.ecr_tag_mutability !== undefined) s.ecrTagMutability = file.ecr_tag_mutability;
  if (file.ecr_scan_on_push !== undefined) s.ecrScanOnPush = file.ecr_scan_on_push;
  if (file.pin_concurrency !== undefined) s.pinConcurrency = file.pin_concurrency;
  if (file.labels !== undefined) s.labels = file.labels;
  if (file.annotations !== undefined) s.annotations = file.annotations;
  if (file.signing !== undefined) s.signing = file.signing;
  if (file.signing_key !== undefined) s.signingKey = file.signing_key;
  if (file.signing_password_variable !== undefined)
    s.signingPasswordVariable = file.signing_password_variable;
  if (file.sbom_format !== undefined) s.sbomFormat = file.sbom_format;
  if (file.sigstore_fulcio_url !== undefined) s.sigstoreFulcioUrl = file.sigstore_fulcio_url;
  if (file.sigstore_rekor_url !== undefined) s.sigstoreRekorUrl = file.sigstore_rekor_url;
  return s;
}

/** kiln.yaml's values meet the same rules as the KILN_* variables and the component's inputs. */
function checkFile(data: SettingsFile, problems: Problem[], file: string): void {
  for (const [name, value] of Object.entries(data)) {
    if (name === 'images') {
      for (const [image, ref] of Object.entries(value as Record<string, string>)) {
        checkSetting(`${image}Image` as keyof RawSettings, ref, problems, { file, field: `images.${image}` });
      }
    } else if (name === 'runner_tags') {
      const tags = Object.values(value as Record<string, string | string[]>).flat();
      checkSetting('runnerTags', tags, problems, { file, field: name });
    } else if (typeof value === 'string' || Array.isArray(value)) {
      const key = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof RawSettings;
      checkSetting(key, value as string | string[], problems, { file, field: name });
    }
  }
}

export interface ResolveSettingsInput {
  flags?: RawSettings;
  env?: Env;
  /** Contents of kiln.yaml, when the file exists. */
  fileText?: string;
  file?: string;
}

/** Pure: merges defaults < kiln.yaml < KILN_* env < flags. Throws one error listing every problem. */
export function resolveSettings(input: ResolveSettingsInput): Settings {
  const { settings, problems } = resolveSettingsWithProblems(input);
  throwIfProblems('SETTINGS_INVALID', 'invalid settings', problems);
  return settings;
}

/**
 * The settings as far as they are valid, and every problem: what `kiln validate` reports beside
 * the projects, which it still finds where the valid part of kiln.yaml says they are.
 */
export function resolveSettingsWithProblems(input: ResolveSettingsInput): {
  settings: Settings;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const file = input.file ?? SETTINGS_FILE;
  let settings: Settings = { ...DEFAULT_SETTINGS, images: { ...DEFAULT_SETTINGS.images } };

  // The registry defaults to ECR_REGISTRY, the variable kaniko-builder pipelines already define.
  const ecrRegistry = input.env?.['ECR_REGISTRY'];
  if (ecrRegistry) settings.registry = ecrRegistry;

  if (input.fileText !== undefined) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(input.fileText, { lineCounter });
    const fromFile = problems.length;
    for (const error of doc.errors) {
      problems.push({
        file,
        line: error.linePos?.[0].line,
        col: error.linePos?.[0].col,
        message: error.message,
      });
    }
    const data = doc.toJS() ?? {};
    let parsed = fileSchema.safeParse(data);
    if (!parsed.success && typeof data === 'object' && !Array.isArray(data)) {
      // Every broken key is reported; the keys that are fine still apply, so a typo in one
      // setting does not hide projects_dir and raise errors of its own.
      const broken = new Set<string>();
      for (const issue of parsed.error.issues) {
        // An unknown key is named as the field, so the problem points at its line.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const field = [...issue.path, ...(key ? [key] : [])].join('.') || undefined;
          const nested = issue.path[0] === 'annotations';
          const known = nested ? [...OCI_ANNOTATION_KEYS] : Object.keys(fileSchema.shape);
          const near = key ? didYouMean(key, known) : undefined;
          const given = (issue as { params?: { hint?: string } }).params?.hint;
          const hint = near ? `did you mean "${near}"?` : nested ? `use ${known.join(', ')}` : given;
          problems.push({
            file,
            field,
            message: key ? `unknown ${nested ? 'annotation' : 'setting'} "${key}"` : issue.message,
            ...(hint ? { hint } : {}),
          });
          broken.add(String(key ?? issue.path[0] ?? ''));
        }
      }
      parsed = fileSchema.safeParse(
        Object.fromEntries(Object.entries(data).filter(([key]) => !broken.has(key))),
      );
    }
    if (parsed.success) {
      checkFile(parsed.data, problems, file);
      settings = applyFile(settings, parsed.data);
    } else if (problems.length === fromFile) {
      problems.push({
        file,
        message: 'must be a map of settings',
        hint: 'write key: value lines, such as projects_dir: .',
      });
    }
    const fileProblems = problems.splice(fromFile);
    for (const problem of fileProblems) locate(problem, doc, lineCounter);
    problems.push(
      ...fileProblems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0)),
    );
  }

  const env = input.env ?? {};
  const fromEnv: RawSettings = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof RawSettings, string][]) {
    const value = env[name];
    if (value !== undefined) fromEnv[key] = value;
  }
  settings = applyRaw(settings, fromEnv, problems, (key) => ENV_NAMES[key as keyof RawSettings]);
  settings = applyRaw(settings, input.flags ?? {}, problems, (key) => `--${kebab(key)}`);

  if (settings.upstreamTokenVariable && settings.upstreamTokenHosts.length === 0) {
    problems.push({
      field: 'upstream_token_hosts',
      message: `upstream_token_variable is ${settings.upstreamTokenVariable}, but no host is named to send that token to`,
      hint: 'list the upstream hosts the token is for, such as upstream_token_hosts: [github.com]; kiln sends it nowhere else',
    });
  }
  return { settings, problems };
}

/** Gives a kiln.yaml problem the line and column of the value its field names (`exclude[1]`, `images.kiln`). */
function locate(problem: Problem, doc: Document, lineCounter: LineCounter): void {
  if (problem.line !== undefined || !problem.field) return;
  const path = parseFieldPath(problem.field);
  let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  // An unknown key has no value to point at: its parent map does.
  for (let up = path.length - 1; !node?.range && up > 0; up--)
    node = doc.getIn(path.slice(0, up), true) as typeof node;
  if (!node?.range) return;
  const { line, col } = lineCounter.linePos(node.range[0]);
  problem.line = line;
  problem.col = col;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Reads kiln.yaml (if present) from the repo root and resolves settings. */
export async function loadSettings(options: {
  root: string;
  env: Env;
  flags?: RawSettings;
}): Promise<Settings> {
  return resolveSettings(await settingsInput(options));
}

/**
 * loadSettings without throwing: the valid settings, every problem, and `where`, which places a
 * later check of a kiln.yaml setting (`tag_template`) on its line (kiln validate).
 */
export async function loadSettingsWithProblems(options: {
  root: string;
  env: Env;
  flags?: RawSettings;
}): Promise<{ settings: Settings; problems: Problem[]; where: (field: string) => Where | undefined }> {
  const input = await settingsInput(options);
  const where = (field: string): Where | undefined => {
    if (input.fileText === undefined) return undefined;
    const lineCounter = new LineCounter();
    const doc = parseDocument(input.fileText, { lineCounter });
    if (!doc.has(field)) return undefined;
    const at: Problem = { file: SETTINGS_FILE, field, message: '' };
    locate(at, doc, lineCounter);
    return { file: at.file, field, line: at.line, col: at.col };
  };
  return { ...resolveSettingsWithProblems(input), where };
}

async function settingsInput(options: {
  root: string;
  env: Env;
  flags?: RawSettings;
}): Promise<ResolveSettingsInput> {
  const file = path.join(options.root, SETTINGS_FILE);
  let fileText: string | undefined;
  try {
    fileText = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KilnError('SETTINGS_INVALID', `cannot read ${file}`, { cause: error });
    }
  }
  return {
    env: options.env,
    file: SETTINGS_FILE,
    ...(options.flags ? { flags: options.flags } : {}),
    ...(fileText !== undefined ? { fileText } : {}),
  };
}
