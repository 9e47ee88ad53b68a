// Benchmark: the prepare job's pure work at 300, 1,000 and 5,000 projects × 2 architectures, as
// `kiln prepare` does it after pinning: assemblePlan, then renderPlan (the child pipeline, or a
// router and its parts when the plan is too big for one, each serialized as YAML). Baseline in the
// same run: `yaml.stringify` of the same files' objects, the serializer alone. Peak memory is the
// process's maxRSS after each size (sizes run in ascending order, so it is that size's peak or
// an earlier one's). In-memory projects from generated-plan.ts (no git, no network).
// Usage: node bench/run-ts.mjs bench/scale-bench.ts [--rounds R]
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { renderPlan } from '../src/commands/plan-steps.js';
import { assemblePlan } from '../src/plan/assemble-plan.js';
import { estimateLoadedSize } from '../src/render/loaded-size.js';
import { DEFAULT_LIMITS } from '../src/render/pipeline-limits.js';
import { median, writeBenchmarkSection } from './benchmarks-doc.mjs';
import { generatedPlanInputs } from './generated-plan.js';

/** Defined by bench/run-ts.mjs: the bundle runs from a temp folder. */
declare const KILN_BENCH_ROOT: string;

const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const SIZES = [300, 1000, 5000];

const rows: string[] = [];
for (const size of SIZES) {
  const { projects, selection, pinned, settings, pipeline } = generatedPlanInputs(size);
  const kiln: number[] = [];
  const baseline: number[] = [];
  let summary = '';
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const plan = assemblePlan({ selection, projects, settings, pinned, pipeline });
    const rendered = renderPlan({
      plan,
      limits: DEFAULT_LIMITS,
      childFile: 'kiln-child-pipeline.yml',
      prepareJob: 'kiln-prepare',
    });
    kiln.push(performance.now() - start);
    const objects = [rendered.pipeline, ...rendered.parts.map((p) => p.pipeline)];
    const serialize = performance.now();
    for (const object of objects) stringify(object, { lineWidth: 0 });
    baseline.push(performance.now() - serialize);
    const files = rendered.parts.length > 0 ? rendered.parts.map((p) => p.pipeline) : [rendered.pipeline];
    const largest = Math.max(...files.map((f) => estimateLoadedSize(f)));
    const jobs = Math.max(
      ...files.map((f) => Object.keys(f).filter((k) => /^(build|manifest):/.test(k)).length),
    );
    summary = `${rendered.parts.length || 1} | ${jobs} | ${(largest / 1024 / 1024).toFixed(2)} MiB`;
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const k = median(kiln);
  const b = median(baseline);
  rows.push(
    `| ${size.toLocaleString('en')} | ${k.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(k / b).toFixed(2)} | ${summary} | ${rss.toFixed(0)} MiB |`,
  );
  console.log(rows.at(-1));
}

const section = `## Scale: prepare's planning at 300, 1,000 and 5,000 projects (issue 16)

\`node bench/run-ts.mjs bench/scale-bench.ts\` — what \`kiln prepare\` does after pinning, in-memory projects × 2 architectures (every tenth builds on the one before; two build args, one extra tag): \`assemblePlan\` and \`renderPlan\` (the child pipeline, or a router and its parts when one is not enough, each serialized). Baseline in the same run: \`yaml.stringify\` of the same files' objects, the serializer alone. Loaded size: kiln's estimate (the bound it checks) for the largest file; kiln's default limits (2,000 jobs, 1 MiB loaded size). Peak memory: the process's maxRSS after that size. Median of ${ROUNDS} rounds on this ${cpus().length}-core machine (${new Date().toISOString().slice(0, 10)}).

| projects | kiln (plan + render) | baseline (\`yaml.stringify\`) | ratio | child pipelines | most jobs in one | largest loaded size | peak RSS |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
console.log(section);
writeBenchmarkSection('## Scale: prepare', section, KILN_BENCH_ROOT);
