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

export type Trigger = 'push' | 'mr' | 'schedule' | 'manual';

/** Why a project is built. A project can have several reasons. */
export type Reason =
  | { kind: 'changed'; files: string[] }
  | { kind: 'global'; files: string[] }
  | { kind: 'renamed'; from: string }
  | { kind: 'scheduled'; file: string }
  | { kind: 'manual'; value: string }
  | { kind: 'dependency'; of: string };

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
