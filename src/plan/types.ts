// The BuildPlan: everything the child pipeline needs, as plain data (written to plan.json).
import type {
  BuilderName,
  BuildJobSpec,
  ManifestSpec,
  Platform,
  Reason,
  SbomFormat,
  Trigger,
} from '../types.js';
import type { PipelineRef } from './release.js';

/** An upstream ref resolved once by the prepare job; every architecture builds this commit. */
export interface PinnedSource {
  project: string;
  url: string;
  /** The ref as written in build-config.yaml. */
  ref: string;
  /** The full ref it resolved to (`refs/heads/main`, `refs/tags/v1.2`); undefined for a SHA. */
  resolvedRef?: string;
  sha: string;
  /** Set when the upstream needed credentials (the anonymous ls-remote was refused). */
  auth?: { username: string; passwordVariable: string };
}

export interface ProjectTags {
  /** `{project}-{YYYYMMDD}-{shortsha}` (the tag template). */
  default: string;
  perArch: { platform: Platform; arch: string; tag: string }[];
  /** `{project}-{tag}` for each additional tag, when this pipeline moves release tags. */
  additional: string[];
  /** The additional tags this pipeline does not push (BuildPlan.release says why). */
  skipped: string[];
}

export interface PlannedBuildJob {
  /** `build:<project>:<arch>` */
  name: string;
  spec: BuildJobSpec;
  builder: BuilderName;
  runnerTags: string[];
  /** Manifest jobs of the project's dependencies in this plan. */
  needs: string[];
}

export interface PlannedManifestJob {
  /** `manifest:<project>` */
  name: string;
  spec: ManifestSpec;
  /** Exactly this project's build jobs (with artifacts). */
  buildNeeds: string[];
  /** Manifest jobs of its depends_on that are in the plan (no artifacts). */
  dependencyNeeds: string[];
}

export interface PlannedProject {
  name: string;
  reasons: Reason[];
  upstream?: PinnedSource;
  platforms: Platform[];
  repository: string;
  tags: ProjectTags;
  builds: PlannedBuildJob[];
  manifest: PlannedManifestJob;
}

export interface PipelineInfo {
  /** Pipeline creation time (CI_PIPELINE_CREATED_AT), the date of the default tag. */
  created: Date;
  /** The monorepo commit (CI_COMMIT_SHA). */
  commitSha: string;
  /** CI_PIPELINE_ID; `0` outside CI. */
  pipelineId: string;
  /** CI_PROJECT_URL: the image source label of use_local_context projects. */
  projectUrl?: string;
  /** The ref the pipeline runs for; undefined outside GitLab. */
  ref?: PipelineRef;
}

export interface BuildPlan {
  version: 1;
  trigger: Trigger;
  created: string;
  commitSha: string;
  pipelineId: string;
  /** False for merge-request pipelines in `plan` mode: the child pipeline pushes nothing. */
  push: boolean;
  /** expire_in of the build jobs' digest artifacts: how long a manifest job can be rerun. */
  artifactsExpireIn: string;
  /** Whether this pipeline moves release (additional) tags, and why (release_refs). */
  release: { moves: boolean; why: string };
  projects: PlannedProject[];
  /** Every per-architecture layer-cache repository the build jobs use (to create on ECR). */
  cacheRepositories: string[];
  images: { kaniko: string; buildah: string; kiln: string };
  /** Runner tags for jobs that are not architecture-bound (manifest, no-op). */
  utilityRunnerTags: string[];
  /** ECR with GitLab OIDC (AWS_ROLE_ARN set): push jobs get an ID token for AWS STS. */
  awsOidc: boolean;
  /** Signing on: the manifest jobs also run kiln attest (SBOM artifacts; keyless: an ID token). */
  signing?: { mode: 'key' | 'keyless'; sbomFormat: SbomFormat };
  deleted: string[];
  notes: string[];
  /** A plan too big for one child pipeline: the part files and the projects of each. */
  parts?: { file: string; projects: string[] }[];
}
