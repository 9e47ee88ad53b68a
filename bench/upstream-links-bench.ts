// Benchmark: what the prepare job's symlink check of a Kaniko upstream (plan/upstream-links.ts)
// costs, against what pinning already does (`git ls-remote`, the baseline) and what the build's own
// depth-1 clone fetches. The upstream (fast-import: FILES files of ~1 KB in FILES/20 folders, LINKS
// symlinks, 50 commits) is served by `git daemon` on 127.0.0.1 with partial clone allowed.
// Usage: node bench/run-ts.mjs bench/upstream-links-bench.ts [--files N] [--links N] [--rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryLogger } from '../src/log.js';
import { checkUpstreamLinks } from '../src/plan/upstream-links.js';
import { startGitDaemon } from '../test/harness/git-daemon.js';
import { project } from '../test/unit/plan/fixtures.js';
import { median, numberArg, writeBenchmarkSection } from './benchmarks-doc.mjs';

/** Defined by bench/run-ts.mjs: the bundle runs from a temp folder. */
declare const KILN_BENCH_ROOT: string;

const FILES = numberArg('--files', 20_000);
const LINKS = numberArg('--links', 100);
const ROUNDS = numberArg('--rounds', 5);
const COMMITS = 50;
const base = mkdtempSync(path.join(tmpdir(), 'kiln-links-bench-'));
const git = (args: string[], cwd = base): string =>
  execFileSync('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 })
    .toString()
    .trim();

function generateUpstream(dir: string): void {
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  const chunks: string[] = [];
  const blob = (text: string) => [`data ${Buffer.byteLength(text)}`, text];
  for (let c = 1; c <= COMMITS; c++) {
    const msg = `commit ${c}`;
    chunks.push('commit refs/heads/main', `committer Bench <bench@kiln.invalid> ${1_700_000_000 + c} +0000`);
    chunks.push(...blob(msg));
    if (c === 1) {
      for (let i = 0; i < FILES; i++) {
        // Distinct, poorly compressible text: a real source tree, not a repeated line.
        const body =
          `${i}:${Array.from({ length: 64 }, (_, k) => ((i * 7919 + k * 104729) % 1_000_003).toString(36)).join(' ')}\n`.repeat(
            4,
          );
        chunks.push(`M 644 inline src/d${i % (FILES / 20)}/f${i}.txt`, ...blob(body));
      }
      for (let i = 0; i < LINKS; i++) chunks.push(`M 120000 inline src/d${i}/link${i}`, ...blob(`f${i}.txt`));
    } else {
      chunks.push(`M 644 inline src/d0/f0.txt`, ...blob(`version ${c}\n`));
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], {
    cwd: dir,
    input: `${chunks.join('\n')}\n`,
    maxBuffer: 1 << 30,
  });
  execFileSync('git', ['gc', '-q'], { cwd: dir });
  git(['config', 'uploadpack.allowFilter', 'true'], dir);
}

function duSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? duSize(p) : statSync(p).size;
  }
  return total;
}

const upstream = path.join(base, 'up.git');
generateUpstream(upstream);
const daemon = await startGitDaemon({ baseDir: base });
const url = `${daemon.url}/up.git`;
const sha = git(['rev-parse', 'main'], upstream);
const p = project('big', { upstream_repo: url, upstream_ref: 'main', context_path: 'src' });
const forms: Record<string, () => Promise<number | undefined>> = {
  'ls-remote': async () => {
    git(['ls-remote', url, 'refs/heads/main']);
    return undefined;
  },
  'tree check': async () => {
    await checkUpstreamLinks({
      projects: [p],
      pinned: { big: { project: 'big', url, ref: 'main', resolvedRef: 'refs/heads/main', sha } },
      env: {},
      log: createMemoryLogger(),
    });
    return undefined;
  },
  'depth-1 clone': async () => {
    const dir = path.join(base, 'clone');
    git(['clone', '-q', '--no-checkout', '--depth', '1', '--single-branch', '--branch', 'main', url, dir]);
    const bytes = duSize(path.join(dir, '.git'));
    rmSync(dir, { recursive: true, force: true });
    return bytes;
  },
};
const ms: Record<string, number[]> = {};
let cloneBytes = 0;
let checkBytes = 0;
try {
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(forms);
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const start = performance.now();
      const bytes = await forms[name]?.();
      const times = ms[name] ?? [];
      ms[name] = times;
      times.push(performance.now() - start);
      if (bytes !== undefined) cloneBytes = bytes;
    }
  }
  // What the check downloads: the same fetches into a scratch repository, measured on disk.
  const scratch = path.join(base, 'scratch');
  git(['init', '-q', '--bare', scratch]);
  git(['remote', 'add', 'origin', url], scratch);
  git(['fetch', '-q', '--no-tags', '--filter=blob:none', '--depth=1', 'origin', sha], scratch);
  const links = git(['ls-tree', '-r', sha], scratch)
    .split('\n')
    .filter((l) => l.startsWith('120000'))
    .map((l) => l.split(/\s+/)[2] ?? '');
  git(['fetch', '-q', '--no-tags', '--filter=blob:none', 'origin', ...links], scratch);
  checkBytes = duSize(scratch);
} finally {
  await daemon.stop();
}
rmSync(base, { recursive: true, force: true });

const baseline = median(ms['ls-remote'] ?? []);
const rows = Object.entries(ms).map(([name, values]) => {
  const m = median(values);
  const bytes = name === 'tree check' ? checkBytes : name === 'depth-1 clone' ? cloneBytes : undefined;
  const size = bytes === undefined ? '—' : `${(bytes / 1024).toFixed(0)} KiB`;
  const sizeRatio = bytes === undefined ? '—' : (bytes / cloneBytes).toFixed(3);
  return `| ${name} | ${m.toFixed(0)} ms | ${(m / baseline).toFixed(2)} | ${size} | ${sizeRatio} |`;
});
const section = [
  '## Symlink check of a Kaniko upstream in the prepare job (issue 15)',
  '',
  `\`node bench/run-ts.mjs bench/upstream-links-bench.ts\` — an upstream of ${FILES.toLocaleString('en')} files (~1 KB each, in ${(FILES / 20).toLocaleString('en')} folders) and ${LINKS} symlinks, ${COMMITS} commits, served by \`git daemon\` on 127.0.0.1 with \`uploadpack.allowFilter\`. The check is a depth-1 blobless fetch of the pinned commit, then the symlinks' blobs, then the rules on the tree. Baseline: the \`git ls-remote\` that pinning already runs, in the same run; sizes against the depth-1 clone that the build itself fetches. Median of ${ROUNDS} rounds, order rotated per round, on this 2-core machine (${new Date().toISOString().slice(0, 10)}).`,
  '',
  "| step | median time | ratio to ls-remote | fetched | size ratio to the build's clone |",
  '| --- | --- | --- | --- | --- |',
  ...rows,
  '',
  'The check fetches the trees only, a small share of what the build clones; it runs once per upstream and commit, 8 at a time, and only for projects Kaniko builds (buildah jobs check their own clone).',
  '',
].join('\n');
console.log(section);
writeBenchmarkSection(
  '## Symlink check of a Kaniko upstream in the prepare job (issue 15)',
  section,
  KILN_BENCH_ROOT,
);
