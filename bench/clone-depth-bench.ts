// Benchmark: how much the Kaniko git-context forms fetch from an upstream with a long history.
// Kaniko clones with go-git; go-git cannot run here, so each form is reproduced with the git CLI
// doing the same protocol steps (this measures git, not go-git — see docs/benchmarks.md):
//   full        `#refs/heads/main#<sha>` without --git options: full clone of the branch
//   sha-path    `#<sha>#<sha>`: clone the default HEAD (full), then fetch <sha>:<sha> (no depth)
//   tag-path    `#refs/tags/v1#<sha>`: clone HEAD (full), then fetch refs/tags/v1 (no depth)
//   branch-d1   kiln's branch form: `#refs/heads/main#<sha>` + --git depth=1 + single-branch=true
//   tag-d1      kiln's tag form: `##<sha>` + --git branch=v1 + depth=1 + single-branch=true
// The upstream (fast-import, N commits over 200 files) is served by `git daemon` on 127.0.0.1.
// Usage: node bench/run-ts.mjs bench/clone-depth-bench.ts [--commits N] [--rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGitDaemon } from '../test/harness/git-daemon.js';
import { median, numberArg } from './benchmarks-doc.mjs';

const COMMITS = numberArg('--commits', 10_000);
const ROUNDS = numberArg('--rounds', 3);
const base = mkdtempSync(path.join(tmpdir(), 'kiln-clone-bench-'));
const git = (args: string[], cwd = base): string =>
  execFileSync('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    .toString()
    .trim();

function generateUpstream(dir: string): void {
  // One fast-import stream: COMMITS commits, each rewriting one of 200 files (~600 bytes).
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  const chunks: string[] = [];
  for (let i = 1; i <= COMMITS; i++) {
    const body = `file ${i % 200} version ${i}\n${'lorem ipsum dolor sit amet '.repeat(20)}${i}\n`;
    const msg = `commit ${i}\n`;
    chunks.push(
      'commit refs/heads/main',
      `committer Bench <bench@kiln.invalid> ${1_700_000_000 + i} +0000`,
      `data ${Buffer.byteLength(msg)}`,
      msg.trimEnd(),
      `M 644 inline src/f${i % 200}.txt`,
      `data ${Buffer.byteLength(body)}`,
      body,
    );
    if (i === Math.floor(COMMITS * 0.9)) chunks.push('reset refs/tags/v1', 'from refs/heads/main', '');
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: `${chunks.join('\n')}\n` });
  execFileSync('git', ['gc', '-q', '--aggressive'], { cwd: dir });
}

function duSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? duSize(p) : statSync(p).size;
  }
  return total;
}

const FORMS: Record<string, (url: string, dir: string, sha: string) => void> = {
  full: (url, dir) => git(['clone', '-q', '--no-checkout', '--branch', 'main', url, dir]),
  'sha-path': (url, dir, sha) => {
    git(['clone', '-q', '--no-checkout', url, dir]);
    git(['fetch', '-q', 'origin', `${sha}:refs/kiln/pinned`], dir);
  },
  'tag-path': (url, dir) => {
    git(['clone', '-q', '--no-checkout', url, dir]);
    git(['fetch', '-q', 'origin', 'refs/tags/v1:refs/tags/v1'], dir);
  },
  'branch-d1': (url, dir) =>
    git(['clone', '-q', '--no-checkout', '--depth', '1', '--single-branch', '--branch', 'main', url, dir]),
  'tag-d1': (url, dir) =>
    git(['clone', '-q', '--no-checkout', '--depth', '1', '--single-branch', '--branch', 'v1', url, dir]),
};

const upstream = path.join(base, 'up.git');
const t0 = performance.now();
generateUpstream(upstream);
const genMs = performance.now() - t0;
const daemon = await startGitDaemon({ baseDir: base });
const upstreamUrl = `${daemon.url}/up.git`;
const headSha = git(['rev-parse', 'main'], upstream);
const tagSha = git(['rev-parse', 'v1^{commit}'], upstream);
const results: Record<string, { ms: number[]; bytes: number[] }> = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no form always runs on a warm or cold cache.
    const names = Object.keys(FORMS);
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const dir = path.join(base, `clone-${name}-${round}`);
      const form = FORMS[name];
      if (!form) throw new Error(`unknown form ${name}`);
      const start = performance.now();
      form(upstreamUrl, dir, headSha);
      // Kaniko then checks out the pinned commit: prove it is present (fails loudly if not).
      const want = name.startsWith('tag') ? tagSha : headSha;
      git(['cat-file', '-e', `${want}^{commit}`], dir);
      const ms = performance.now() - start;
      const bytes = duSize(path.join(dir, '.git'));
      const r = results[name] ?? { ms: [], bytes: [] };
      results[name] = r;
      r.ms.push(ms);
      r.bytes.push(bytes);
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await daemon.stop();
  rmSync(base, { recursive: true, force: true });
}

const full = results.full;
if (!full) throw new Error('no full-clone baseline was measured');
const fullMs = median(full.ms);
const fullBytes = median(full.bytes);
console.log(
  `upstream: ${COMMITS} commits, 200 files (generated in ${genMs.toFixed(0)} ms); ${ROUNDS} rounds, median`,
);
console.log('| form | Kaniko context | median time | .git size | time ratio | size ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
const contexts: Record<string, string> = {
  full: '`#refs/heads/main#<sha>`',
  'sha-path': '`#<sha>#<sha>`',
  'tag-path': '`#refs/tags/v1#<sha>`',
  'branch-d1': '`#refs/heads/main#<sha>` + `--git depth=1,single-branch=true`',
  'tag-d1': '`##<sha>` + `--git branch=v1,depth=1,single-branch=true`',
};
for (const [name, r] of Object.entries(results)) {
  const ms = median(r.ms);
  const bytes = median(r.bytes);
  console.log(
    `| ${name} | ${contexts[name]} | ${ms.toFixed(0)} ms | ${(bytes / 1024).toFixed(0)} KiB | ${(ms / fullMs).toFixed(2)} | ${(bytes / fullBytes).toFixed(3)} |`,
  );
}
