// Benchmark: `kiln validate` on a large monorepo (1,000 projects) against the least any validator
// must do — start node, read every build-config.yaml and parse its YAML — and kiln's start-up on
// this repository against a bare `node -e ''`. Both sides are real processes, run alternately so
// the ratio holds on a noisy machine. Writes its section of docs/benchmarks.md.
// Most of the start-up ratio is compiling the single-file bundle (AWS SDK included), not validation.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, writeBenchmarkSection } from './benchmarks-doc.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/kiln.js');
const PROJECTS = 1000;
const ROUNDS = 7;

const repo = mkdtempSync(path.join(tmpdir(), 'kiln-bench-validate-'));
for (let i = 0; i < PROJECTS; i++) {
  const name = `image-${String(i).padStart(4, '0')}`;
  const dir = path.join(repo, 'projects', name);
  mkdirSync(dir, { recursive: true });
  const source =
    i % 2 === 0
      ? `upstream_repo: https://github.com/example/${name}.git\nupstream_ref: v1.${i}.0\ndockerfile_path: docker/Dockerfile\ntarget: runtime\n`
      : `use_local_context: true\n${i > 1 ? `depends_on: [image-${String(i - 1).padStart(4, '0')}]\n` : ''}`;
  writeFileSync(
    path.join(dir, 'build-config.yaml'),
    `# yaml-language-server: $schema=../../schema/build-config.schema.json\n${source}build_args:\n  - BASE=\${ECR_REGISTRY}/base:1\n  - VERSION=1.${i}\nplatforms: [linux/amd64, linux/arm64, linux/arm/v7]\nadditional_tags: [latest, v1]\n`,
  );
}
writeFileSync(path.join(repo, 'rebuild-weekly.txt'), 'image-0000\nimage-0001\n');

const BASELINE = `
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
const dir = process.argv[1] + '/projects';
let n = 0;
for (const name of readdirSync(dir)) { parse(readFileSync(dir + '/' + name + '/build-config.yaml', 'utf8')); n++; }
if (n !== ${PROJECTS}) process.exit(1);
`;

function time(args, cwd = ROOT) {
  const start = process.hrtime.bigint();
  execFileSync('node', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const samples = { parseOnly: [], validate: [], bare: [], startup: [] };
for (let round = 0; round < ROUNDS; round++) {
  const pairs = [
    ['parseOnly', ['--input-type=module', '-e', BASELINE, repo]],
    ['validate', [CLI, 'validate', '--root', repo]],
    ['bare', ['-e', '']],
    ['startup', [CLI, 'validate']],
  ];
  if (round % 2 === 1) pairs.reverse();
  for (const [key, args] of pairs) samples[key].push(time(args));
}
rmSync(repo, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const ms = (x) => `${x.toFixed(0)} ms`;
const section = `## kiln validate (issue 2)

\`node bench/validate.mjs\` (after \`npm run build\`) — real processes, median of ${ROUNDS} alternating rounds.
Large repository: ${PROJECTS} generated projects (half upstream, half local, each local one depending on an upstream one;
build args, 3 platforms, 2 tags each). Baseline: node reads every build-config.yaml and parses the YAML, nothing else — the
least any validator does. Start-up: \`kiln validate\` on this repository's own projects against \`node -e ''\`.

| | median | ratio |
| --- | --- | --- |
| baseline: read + YAML parse ${PROJECTS} files | ${ms(m.parseOnly)} | 1.00 |
| \`kiln validate\`, ${PROJECTS} projects (every rule, located problems, cycle check) | ${ms(m.validate)} | ${(m.validate / m.parseOnly).toFixed(2)} |
| baseline: \`node -e ''\` | ${ms(m.bare)} | 1.00 |
| \`kiln validate\` on this repository | ${ms(m.startup)} | ${(m.startup / m.bare).toFixed(2)} |

Measured ${new Date().toISOString().slice(0, 10)}.
`;
console.log(section);

writeBenchmarkSection('## kiln validate (issue 2)', section);
