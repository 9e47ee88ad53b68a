// In-memory projects, settings, selections and pins for plan and render tests (no fs, no git).
import { DEFAULT_SETTINGS, type Settings } from '../../../src/config/settings.js';
import { assemblePlan } from '../../../src/plan/assemble-plan.js';
import type { BuildPlan, PinnedSource, PipelineInfo } from '../../../src/plan/types.js';
import type { BuildConfig, Project, Selection, Trigger } from '../../../src/types.js';

export const SHA_A = 'a'.repeat(40);
export const MONOREPO_SHA = '0123456789abcdef0123456789abcdef01234567';

export function project(name: string, config: Partial<BuildConfig> = {}): Project {
  return {
    name,
    dir: `projects/${name}`,
    file: `projects/${name}/build-config.yaml`,
    config: {
      upstream_repo: `https://git.example.com/up/${name}.git`,
      upstream_ref: 'main',
      use_local_context: false,
      dockerfile_path: 'Dockerfile',
      target: '',
      context_path: '.',
      build_args: [],
      platforms: ['linux/amd64', 'linux/arm64'],
      additional_tags: [],
      depends_on: [],
      local_context: 'project',
      watch_paths: [],
      variants: [],
      labels: {},
      annotations: {},
      ...config,
    },
  };
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...DEFAULT_SETTINGS,
    images: { ...DEFAULT_SETTINGS.images },
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
    ...overrides,
  };
}

export function selection(names: string[], trigger: Trigger = 'push'): Selection {
  return {
    trigger,
    projects: names.map((name) => ({ name, reasons: [{ kind: 'changed', files: [`projects/${name}/x`] }] })),
    deleted: [],
    notes: [],
  };
}

export function pins(projects: Project[], sha = SHA_A): Record<string, PinnedSource> {
  return Object.fromEntries(
    projects
      .filter((p) => !p.config.use_local_context)
      .map((p) => [
        p.name,
        {
          project: p.name,
          url: p.config.upstream_repo ?? '',
          ref: p.config.upstream_ref ?? '',
          resolvedRef: `refs/heads/${p.config.upstream_ref}`,
          sha,
        },
      ]),
  );
}

export const PIPELINE: PipelineInfo = {
  created: new Date('2026-03-04T23:30:00Z'),
  commitSha: MONOREPO_SHA,
  pipelineId: '4711',
  projectUrl: 'https://gitlab.example.com/group/images',
};

/** assemblePlan over in-memory projects: all selected by default, pinned to SHA_A. */
export function planOf(
  projects: Project[],
  names = projects.map((p) => p.name),
  trigger: Trigger = 'push',
  extra: Partial<Settings> = {},
): BuildPlan {
  return assemblePlan({
    selection: selection(names, trigger),
    projects,
    settings: settings(extra),
    pinned: pins(projects),
    pipeline: PIPELINE,
  });
}
