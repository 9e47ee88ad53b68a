// Benchmark: how many `git ls-remote` at a time the prepare job should run to pin many upstreams
// (plan/pin-sources.ts, setting pin_concurrency). UPSTREAMS bare repositories are served by
// `git daemon` on 127.0.0.1 (no connection limit) behind a TCP proxy that adds a round trip of RTT
// ms: the connect waits one round trip, and every chunk waits half of one in each direction, as on
// a network to a far git host. Baseline: concurrency 8, kiln's earlier fixed value, measured in
// the same run. Rounds rotate the order of the levels.
// Usage: node bench/run-ts.mjs bench/pin-concurrency-bench.ts [--upstreams N] [--rtt MS] [--rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryLogger } from '../src/log.js';
import { pinSources } from '../src/plan/pin-sources.js';
import { startGitDaemon } from '../test/harness/git-daemon.js';
import { startLatencyProxy } from '../test/harness/latency-proxy.js';
import { project } from '../test/unit/plan/fixtures.js';
import { median, numberArg, writeBenchmarkSection } from './benchmarks-doc.mjs';

/** Defined by bench/run-ts.mjs: the bundle runs from a temp folder. */
declare const KILN_BENCH_ROOT: string;

const UPSTREAMS = numberArg('--upstreams', 128);
const RTT = numberArg('--rtt', 50);
const ROUNDS = numberArg('--rounds', 5);
const LEVELS = [4, 8, 16, 32, 64];
const BASELINE = 8;

const base = mkdtempSync(path.join(tmpdir(), 'kiln-pin-bench-'));
const git = (args: string[], cwd = base) => execFileSync('git', args, { cwd, stdio: 'pipe' });

// One upstream with a few branches and tags, copied UPSTREAMS times (each its own repository).
const seed = path.join(base, 'seed');
git(['init', '-q', '-b', 'main', seed]);
for (let i = 0; i < 5; i++) {
  git(
    ['-c', 'user.name=b', '-c', 'user.email=b@kiln.invalid', 'commit', '-q', '--allow-empty', '-m', `c${i}`],
    seed,
  );
  git(['tag', `v1.${i}.0`], seed);
  git(['branch', `release-${i}`], seed);
}
for (let i = 0; i < UPSTREAMS; i++) git(['clone', '-q', '--bare', seed, path.join(base, `up-${i}.git`)]);

const daemon = await startGitDaemon({ baseDir: base, maxConnections: 0 });
const proxy = await startLatencyProxy({ targetPort: daemon.port, rttMs: RTT });
const projects = Array.from({ length: UPSTREAMS }, (_, i) =>
  project(`p-${i}`, { upstream_repo: `git://127.0.0.1:${proxy.port}/up-${i}.git`, upstream_ref: 'main' }),
);
const pin = async (concurrency: number) => {
  const start = performance.now();
  const pinned = await pinSources({ projects, env: {}, log: createMemoryLogger(), concurrency });
  if (Object.keys(pinned).length !== UPSTREAMS) throw new Error('not every upstream was pinned');
  return performance.now() - start;
};

const times: Record<number, number[]> = Object.fromEntries(LEVELS.map((l) => [l, []]));
try {
  await pin(BASELINE); // warm-up: page cache, git's first start
  for (let round = 0; round < ROUNDS; round++) {
    const order = LEVELS.map((_, i) => LEVELS[(i + round) % LEVELS.length] ?? BASELINE);
    for (const level of order) times[level]?.push(await pin(level));
  }
} finally {
  await proxy.stop();
  await daemon.stop();
  rmSync(base, { recursive: true, force: true });
}

const baseline = median(times[BASELINE] ?? []);
const rows = LEVELS.map((level) => {
  const t = median(times[level] ?? []);
  const mark = level === BASELINE ? ' (baseline)' : '';
  return `| ${level}${mark} | ${t.toFixed(0)} ms | ${(t / baseline).toFixed(2)} |`;
});
const section = `## Pinning many upstreams: ls-remote concurrency (issue 16)

\`node bench/run-ts.mjs bench/pin-concurrency-bench.ts\` — \`kiln prepare\`'s pinning (\`pinSources\`, one \`git ls-remote\` per upstream) of ${UPSTREAMS} upstreams served by \`git daemon\` on 127.0.0.1 (no connection limit) behind a TCP proxy that adds a ${RTT} ms round trip (the connect, and each chunk half of it each way). Baseline: 8 at a time, kiln's earlier fixed value, in the same run. Median of ${ROUNDS} rounds, order rotated per round, on this ${cpus().length}-core machine (${new Date().toISOString().slice(0, 10)}).

| ls-remote at a time | median time | ratio to 8 at a time |
| --- | --- | --- |
${rows.join('\n')}
`;
console.log(section);
writeBenchmarkSection('## Pinning many upstreams', section, KILN_BENCH_ROOT);
