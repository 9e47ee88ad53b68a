// One small interface for every builder backend (builders/kaniko, builders/buildah).
import type { BuilderName, BuildJobSpec } from '../types.js';

export interface Builder {
  name: BuilderName;
  /** The job image (pinned) for this builder. */
  image(images: { kaniko: string; buildah: string }): string;
  /** Shell lines of the job script; every value goes through render/shell-quote. */
  script(spec: BuildJobSpec): string[];
  /** Extra job variables the backend needs (GitLab expands these, so values must be escaped). */
  variables(spec: BuildJobSpec): Record<string, string>;
}
