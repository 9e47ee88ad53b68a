// Benchmark: assemblePlan + renderChildPipeline for 1,000 projects × 2 architectures, against a
// baseline measured in the same run: `yaml` stringifying the finished pipeline object (the
// serializer's own cost) and JSON.stringify of the same object.
import { stringify } from 'yaml';
import { DEFAULT_SETTINGS } from '../src/config/settings.js';
import { assemblePlan } from '../src/plan/assemble-plan.js';
import type { PinnedSource } from '../src/plan/types.js';
import { estimateLoadedSize } from '../src/render/loaded-size.js';
import { checkPipelineLimits } from '../src/render/pipeline-limits.js';
import { childPipeline, renderChildPipeline } from '../src/render/render-child-pipeline.js';
import type { Project, Selection } from '../src/types.js';
import { median } from './benchmarks-doc.mjs';

const PROJECTS = Number(process.argv[process.argv.indexOf('--projects') + 1]) || 1000;
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;

const projects: Project[] = Array.from({ length: PROJECTS }, (_, i) => {
  const name = `project-${String(i).padStart(4, '0')}`;
  return {
    name,
    dir: `projects/${name}`,
    file: `projects/${name}/build-config.yaml`,
    config: {
      upstream_repo: `https://gitlab.example.com/upstream/${name}.git`,
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
      // Every tenth project builds on the previous one: needs and image placeholders in the mix.
      depends_on: i % 10 === 9 ? [`project-${String(i - 1).padStart(4, '0')}`] : [],
      local_context: 'project',
      watch_paths: [],
    },
  };
});
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
const settings = { ...DEFAULT_SETTINGS, registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images' };
const pipeline = { created: new Date('2026-11-23T10:00:00Z'), commitSha: 'f'.repeat(40), pipelineId: '1' };

const time = (fn: () => unknown) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

const planMs: number[] = [];
const renderMs: number[] = [];
const yamlMs: number[] = [];
const jsonMs: number[] = [];
let yamlText = '';
let object: Record<string, unknown> = {};
for (let round = 0; round < ROUNDS; round++) {
  let plan = assemblePlan({ selection, projects, settings, pinned, pipeline });
  planMs.push(time(() => (plan = assemblePlan({ selection, projects, settings, pinned, pipeline }))));
  renderMs.push(time(() => (yamlText = renderChildPipeline(plan))));
  object = childPipeline(plan);
  yamlMs.push(time(() => stringify(object, { lineWidth: 0 })));
  jsonMs.push(time(() => JSON.stringify(object)));
}
const jobs = Object.keys(object).filter((name) => /^(build|manifest):/.test(name)).length;
let limit = 'within GitLab limits';
try {
  checkPipelineLimits(object);
} catch (error) {
  limit = `too big for one child pipeline, so kiln prepare splits it (bench/scale-bench.ts): ${(error as Error).message}`;
}
const total = median(planMs) + median(renderMs);
const bytes = Buffer.byteLength(yamlText);
console.log(`${PROJECTS} projects × 2 architectures = ${jobs} jobs; median of ${ROUNDS} rounds`);
console.log('| step | median | ratio vs yaml.stringify baseline |');
console.log('| --- | --- | --- |');
console.log(
  `| baseline: \`yaml.stringify\` of the finished pipeline object | ${median(yamlMs).toFixed(1)} ms | 1.00 |`,
);
console.log(
  `| reference: \`JSON.stringify\` of the same object | ${median(jsonMs).toFixed(1)} ms | ${(median(jsonMs) / median(yamlMs)).toFixed(2)} |`,
);
console.log(
  `| assemblePlan (tags, placeholders, specs) | ${median(planMs).toFixed(1)} ms | ${(median(planMs) / median(yamlMs)).toFixed(2)} |`,
);
console.log(
  `| renderChildPipeline (objects + yaml) | ${median(renderMs).toFixed(1)} ms | ${(median(renderMs) / median(yamlMs)).toFixed(2)} |`,
);
console.log(
  `| **plan + render** | **${total.toFixed(1)} ms** | **${(total / median(yamlMs)).toFixed(2)}** |`,
);
const loaded = estimateLoadedSize(object);
console.log(`YAML: ${(bytes / 1024).toFixed(0)} KiB (${(bytes / jobs).toFixed(0)} bytes per job)`);
console.log(
  `Loaded size in GitLab (kiln's estimate): ${(loaded / 1024).toFixed(0)} KiB (${(loaded / jobs).toFixed(0)} bytes per job); ${limit}`,
);
