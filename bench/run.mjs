#!/usr/bin/env node
// Runs every benchmark in turn (`npm run bench` builds first). Each one measures its own baseline
// in the same run and rewrites its own section of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';

const benches = [
  ['node', ['bench/startup.mjs']],
  ['node', ['bench/validate.mjs']],
  ['node', ['bench/selection.mjs']],
  ['node', ['bench/run-ts.mjs', 'bench/plan-render-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/scale-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/clone-depth-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/manifest-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/signing-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/mr-note-lookup-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/buildah-cache-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/upstream-links-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/pin-concurrency-bench.ts']],
  ['node', ['bench/run-ts.mjs', 'bench/monorepo-checkout-bench.ts']],
];

const only = process.argv.slice(2);
for (const [cmd, args] of benches) {
  const name = args.at(-1);
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  console.log(`\n=== ${name}`);
  execFileSync(cmd, args, { stdio: 'inherit' });
}
