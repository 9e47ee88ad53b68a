// The data that flows through kiln, step by step (see ARCHITECTURE.md):
//   build-config.yaml ─load+validate→ Project[] ─select→ Selection ─plan→ BuildPlan ─render→ YAML

/** `os/arch[/variant]`, e.g. `linux/amd64`, `linux/arm/v7`. */
export type Platform = string;

export type BuilderName = 'kaniko' | 'buildah';

export interface BuildArg {
  name: string;
  value: string;
}

/** A validated build-config.yaml, defaults applied. Keys keep the kaniko-builder snake_case. */
export interface BuildConfig {
  upstream_repo?: string;
  upstream_ref?: string;
  use_local_context: boolean;
  dockerfile_path: string;
  /** Empty string = no target (build the last stage). */
  target: string;
  context_path: string;
  /** In file order; a map in the file becomes a list in key order. */
  build_args: BuildArg[];
  platforms: Platform[];
  additional_tags: string[];
  /** kiln addition: projects whose images this one builds on. */
  depends_on: string[];
  /** kiln addition: per-project builder override. */
  builder?: BuilderName;
  /**
   * kiln addition (only with use_local_context): `project` = the project folder is the build
   * context (kaniko-builder's behaviour); `repository` = the repository root is.
   */
  local_context: 'project' | 'repository';
  /** kiln addition: extra repo-relative globs whose changes select this project. */
  watch_paths: string[];
  /** kiln addition: more images from this folder (plan/variants.ts); empty in an expanded one. */
  variants: Variant[];
  /** kiln addition: custom labels (over kiln.yaml's). */
  labels: Record<string, string>;
  /** kiln addition: OCI annotations description, licenses, url, vendor, documentation. */
  annotations: Partial<Record<'description' | 'licenses' | 'url' | 'vendor' | 'documentation', string>>;
}

/** One more image of a project: `<project>-<name>`, its settings over the project's. */
export interface Variant {
  name: string;
  build_args?: BuildArg[];
  target?: string;
  platforms?: Platform[];
  additional_tags?: string[];
}

export interface Project {
  /** Folder name under the projects folder; also the image tag prefix. */
  name: string;
  /** Repository-relative POSIX path of the project folder, e.g. `projects/nginx`. */
  dir: string;
  /** Repository-relative POSIX path of its build-config.yaml. */
  file: string;
  config: BuildConfig;
}

/**
 * What selection needs of a project: where it lives, whom it depends on and what it watches. A full
 * Project fits; `kiln plan` passes lighter ones so it does not parse 1,000 configs to pick 50.
 */
export type SelectableProject = Pick<Project, 'name' | 'dir' | 'file'> & {
  config: Pick<BuildConfig, 'depends_on' | 'watch_paths'>;
};

export type Trigger = 'push' | 'mr' | 'schedule' | 'manual';

/** Why a project is built. A project can have several reasons. */
export type Reason =
  | { kind: 'changed'; files: string[] }
  | { kind: 'global'; files: string[] }
  | { kind: 'renamed'; from: string }
  | { kind: 'scheduled'; file: string }
  | { kind: 'manual'; value: string }
  | { kind: 'dependency'; of: string }
  /** Every project, because no trustworthy base exists (first push of the default branch, base lost). */
  | { kind: 'all'; why: string };

/** One entry of `git diff --name-status` between two commits; `from` is set for renames and copies. */
export interface FileChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed. */
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T' | 'U' | 'X';
  path: string;
  from?: string;
}

export interface SelectedProject {
  name: string;
  reasons: Reason[];
}

export interface Selection {
  trigger: Trigger;
  /** The commits compared, for change-based triggers. */
  base?: string;
  head?: string;
  /** Dependencies first (topological order), then by name. */
  projects: SelectedProject[];
  /** Projects whose folder was deleted in the range: reported, not built. */
  deleted: string[];
  /** What kiln decided along the way (fallbacks, deepening), for the job log. */
  notes: string[];
}

/** Everything one per-architecture build job needs; builders turn it into a job script. */
export interface BuildJobSpec {
  project: string;
  platform: Platform;
  /** Tag suffix for the platform: `amd64`, `arm64`, `arm-v7`. */
  arch: string;
  source:
    | {
        kind: 'git';
        url: string;
        ref: string;
        sha: string;
        /** The full ref `ref` resolved to (`refs/heads/main`, `refs/tags/v1`); absent for a SHA. */
        resolvedRef?: string;
        /** Credentials for a private upstream: a username and the CI variable holding the token. */
        auth?: { username: string; passwordVariable: string };
      }
    /** The project's own folder in the monorepo checkout (use_local_context). */
    | { kind: 'local'; dir: string };
  /** Context sub-path inside the source, `.` for its root. */
  contextPath: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  /** Empty = the last stage. */
  target: string;
  /** Values may reference CI variables (`${ECR_REGISTRY}`); the job's shell expands only those. */
  buildArgs: BuildArg[];
  /** Full reference the job pushes: `<repository>:<tag>-<arch>`. */
  destination: string;
  /** Per-architecture layer-cache repository; undefined when the cache is off. */
  cacheRepository?: string;
  cacheTtl: string;
  /** Where the job writes the pushed manifest digest (an artifact for the manifest job). */
  digestFile: string;
  /** OCI labels (`org.opencontainers.image.*`). */
  labels: Record<string, string>;
  compression: 'gzip' | 'zstd';
  registryMirror?: string;
  insecureRegistry: boolean;
  /**
   * buildah pushing to ECR: the job obtains the registry password with `kiln ecr-password`, run in
   * kiln's own image, from the job's GitLab OIDC role (Kaniko has its own ECR credential helper).
   */
  ecrLogin?: { registry: string; helperImage: string };
}

/** What `kiln manifest --project NAME` needs; rendered into the manifest job, read back there. */
export interface ManifestSpec {
  project: string;
  /** `host[:port]/path` of the image repository. */
  repository: string;
  /** Default tag first, then the additional tags (complete tag strings). */
  tags: string[];
  children: {
    platform: Platform;
    arch: string;
    /** The per-architecture tag the build job pushed. */
    tag: string;
    /** Path of the digest file the build job left as an artifact. */
    digestFile: string;
  }[];
  upstream?: { repo: string; ref: string; sha: string };
  /** Pipeline creation time (ISO 8601); floating tags never move to an older one. */
  created: string;
  insecureRegistry: boolean;
  /** The team's labels and OCI annotations (config/metadata.ts), set on the index. */
  annotations?: Record<string, string>;
  /** Set when signing is on: what kiln attest signs with and records (attest/provenance.ts). */
  signing?: SigningSpec;
  provenance?: BuildProvenanceInput;
}

export type SigningMode = 'none' | 'key' | 'keyless';
export type SbomFormat = 'spdx-json' | 'cyclonedx-json';

export interface SigningSpec {
  mode: Exclude<SigningMode, 'none'>;
  /** Key mode: a KMS URI (awskms://…), or the name of the CI variable holding the key (a file-type variable's path, or the PEM text). */
  key?: string;
  /** Key mode: the CI variable holding the key's password. */
  passwordVariable?: string;
  /** Keyless: the Sigstore instance. */
  fulcioUrl?: string;
  rekorUrl?: string;
  sbomFormat: SbomFormat;
}

/** What the plan knows of a build, for its provenance. Build args as written, never expanded. */
export interface BuildProvenanceInput {
  /** The upstream and its pinned commit, or the monorepo commit and the project's folder. */
  source: { uri: string; ref?: string; sha: string; path?: string };
  contextPath: string;
  dockerfile: string;
  target: string;
  buildArgs: Record<string, string>;
  builder: { name: BuilderName; image: string };
  buildJobs: { platform: Platform; job: string }[];
}
