// Benchmark: what a local-context build job's checkout of the monorepo costs. Baseline: GitLab's
// default for new projects, a depth-20 fetch of the commit (GIT_DEPTH 20). Against it: depth 1,
// which kiln now sets on local-context build jobs (GIT_DEPTH: "1"), and a depth-1 blobless sparse
// checkout of the one project folder, which GitLab Runner cannot do on its own (issue 16 leaves it
// open). The monorepo is the selection benchmark's (selection-repo.mjs: BENCH_PROJECTS projects, 10,000
// commits), served by `git daemon` on 127.0.0.1 with partial clone allowed; the git CLI does each
// form as the runner's helper would.
// Usage: [BENCH_PROJECTS=5000] node bench/run-ts.mjs bench/monorepo-checkout-bench.ts [--rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGitDaemon } from '../test/harness/git-daemon.js';
import { median, writeBenchmarkSection } from './benchmarks-doc.mjs';
import { benchRepo, LAYOUT } from './selection-repo.mjs';

/** Defined by bench/run-ts.mjs: the bundle runs from a temp folder. */
declare const KILN_BENCH_ROOT: string;

const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const { repo } = await benchRepo();
execFileSync('git', ['-C', repo, 'config', 'uploadpack.allowFilter', 'true']);
const work = mkdtempSync(path.join(tmpdir(), 'kiln-checkout-bench-'));
const daemon = await startGitDaemon({ baseDir: path.dirname(repo) });
const url = `${daemon.url}/${path.basename(repo)}`;
const project = 'projects/p0003';

function size(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = size(p);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += statSync(p).size;
      files += 1;
    }
  }
  return { bytes, files };
}

const git = (args: string[], cwd = work) => execFileSync('git', args, { cwd, stdio: 'ignore' });
const forms: Record<string, (dst: string) => void> = {
  'depth 20 (GitLab default, baseline)': (dst) =>
    git(['clone', '-q', '--depth', '20', '--single-branch', url, dst]),
  'depth 1 (GIT_DEPTH: "1", kiln now)': (dst) =>
    git(['clone', '-q', '--depth', '1', '--single-branch', url, dst]),
  'depth 1, blobless, sparse: the project folder only': (dst) => {
    git(['clone', '-q', '--depth', '1', '--single-branch', '--filter=blob:none', '--sparse', url, dst]);
    git(['sparse-checkout', 'set', project], dst);
  },
};

const results: Record<string, { ms: number[]; git: number; tree: number; files: number }> = {};
try {
  const names = Object.keys(forms);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] ?? '';
      const dst = path.join(work, `r${round}-${i}`);
      const start = performance.now();
      forms[name]?.(dst);
      const ms = performance.now() - start;
      const all = size(dst);
      const dotGit = size(path.join(dst, '.git'));
      results[name] ??= { ms: [], git: 0, tree: 0, files: 0 };
      const entry = results[name];
      entry.ms.push(ms);
      entry.git = dotGit.bytes;
      entry.tree = all.bytes - dotGit.bytes;
      entry.files = all.files - dotGit.files;
      rmSync(dst, { recursive: true, force: true });
    }
  }
} finally {
  await daemon.stop();
  rmSync(work, { recursive: true, force: true });
}

const [baseline] = Object.keys(forms);
const base = results[baseline ?? ''];
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const rows = Object.entries(results).map(([name, r]) => {
  const t = median(r.ms);
  return `| ${name} | ${t.toFixed(0)} ms | ${(t / median(base?.ms ?? [t])).toFixed(2)} | ${kib(r.git)} | ${(r.git / (base?.git ?? r.git)).toFixed(2)} | ${r.files.toLocaleString('en')} files, ${kib(r.tree)} |`;
});
const section = `## Monorepo checkout of a local-context build job (issue 16)

\`${LAYOUT.projects === 1000 ? '' : `BENCH_PROJECTS=${LAYOUT.projects} `}node bench/run-ts.mjs bench/monorepo-checkout-bench.ts\` — the selection benchmark's monorepo (${LAYOUT.projects.toLocaleString('en')} projects, ${LAYOUT.commits.toLocaleString('en')} commits, each project a config, a Dockerfile and a README) served by \`git daemon\` on 127.0.0.1 with partial clone allowed; each form as the git CLI does it. Baseline: a depth-20 clone, GitLab's default \`GIT_DEPTH\` for new projects, in the same run. Median of ${ROUNDS} rounds, order rotated, on this ${cpus().length}-core machine (${new Date().toISOString().slice(0, 10)}).

| checkout | median time | ratio | \`.git\` | ratio | work tree |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

kiln sets \`GIT_DEPTH: "1"\` on local-context build jobs: they build one commit's files and need none of its history. The sparse form is what a build of one folder needs; GitLab Runner has no sparse checkout, and the Kaniko debug image has no git to do one in the job, so it is not done yet.
`;
console.log(section);
writeBenchmarkSection('## Monorepo checkout of a local-context', section, KILN_BENCH_ROOT);
