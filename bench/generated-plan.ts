// The in-memory plan inputs the planning benchmarks share (plan-render-bench.ts, scale-bench.ts):
// COUNT upstream projects × 2 architectures, every tenth building on the one before (needs and
// image placeholders in the mix), two build args and one extra tag each, pinned SHAs given, so a
// benchmark measures kiln's pure planning and rendering only (no git, no network).
import { DEFAULT_SETTINGS } from '../src/config/settings.js';
import type { PinnedSource, PipelineInfo } from '../src/plan/types.js';
import type { Project, Selection } from '../src/types.js';

export function generatedPlanInputs(count: number): {
  projects: Project[];
  selection: Selection;
  pinned: Record<string, PinnedSource>;
  settings: typeof DEFAULT_SETTINGS;
  pipeline: PipelineInfo;
} {
  const name = (i: number) => `project-${String(i).padStart(4, '0')}`;
  const projects: Project[] = Array.from({ length: count }, (_, i) => ({
    name: name(i),
    dir: `projects/${name(i)}`,
    file: `projects/${name(i)}/build-config.yaml`,
    config: {
      upstream_repo: `https://gitlab.example.com/upstream/${name(i)}.git`,
      upstream_ref: 'main',
      use_local_context: false,
      dockerfile_path: 'Dockerfile',
      target: i % 3 === 0 ? 'runtime' : '',
      context_path: '.',
      build_args: [
        { name: 'BASE', value: '${ECR_REGISTRY}/base:1' },
        { name: 'VERSION', value: `1.${i}` },
      ],
      platforms: ['linux/amd64', 'linux/arm64'],
      additional_tags: ['latest'],
      depends_on: i % 10 === 9 ? [name(i - 1)] : [],
      local_context: 'project',
      watch_paths: [],
      variants: [],
      labels: {},
      annotations: {},
    },
  }));
  const selection: Selection = {
    trigger: 'push',
    projects: projects.map((p) => ({
      name: p.name,
      reasons: [{ kind: 'changed', files: [`${p.dir}/Dockerfile`] }],
    })),
    deleted: [],
    notes: [],
  };
  const pinned: Record<string, PinnedSource> = Object.fromEntries(
    projects.map((p, i) => [
      p.name,
      {
        project: p.name,
        url: p.config.upstream_repo ?? '',
        ref: 'main',
        resolvedRef: 'refs/heads/main',
        sha: i.toString(16).padStart(40, 'a'),
      },
    ]),
  );
  return {
    projects,
    selection,
    pinned,
    settings: { ...DEFAULT_SETTINGS, registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images' },
    pipeline: { created: new Date('2026-11-23T10:00:00Z'), commitSha: 'f'.repeat(40), pipelineId: '1' },
  };
}
