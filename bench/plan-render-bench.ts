// Benchmark: assemblePlan + renderChildPipeline for 1,000 projects × 2 architectures, against a
// baseline measured in the same run: `yaml` stringifying the finished pipeline object (the
// serializer's own cost) and JSON.stringify of the same object.
import { stringify } from 'yaml';
import { assemblePlan } from '../src/plan/assemble-plan.js';
import { estimateLoadedSize } from '../src/render/loaded-size.js';
import { checkPipelineLimits } from '../src/render/pipeline-limits.js';
import { childPipeline, renderChildPipeline } from '../src/render/render-child-pipeline.js';
import { median } from './benchmarks-doc.mjs';
import { generatedPlanInputs } from './generated-plan.js';

const PROJECTS = Number(process.argv[process.argv.indexOf('--projects') + 1]) || 1000;
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;

const { projects, selection, pinned, settings, pipeline } = generatedPlanInputs(PROJECTS);

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
