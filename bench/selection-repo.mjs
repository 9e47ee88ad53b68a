// Generates the selection benchmark's monorepo with git fast-import: 1,000 projects (BENCH_PROJECTS), 10,000 commits,
// the last 100 commits touching 50 projects. Cached under /tmp (keyed by the layout version).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// BENCH_PROJECTS sets the number of projects (1,000 by default; issue 16 measures 5,000 too).
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 1000);
export const LAYOUT = { projects: PROJECTS, commits: 10_000, changedProjects: 50, version: 1 };
const CACHE = `/tmp/kiln-bench-selection-v${LAYOUT.version}${PROJECTS === 1000 ? '' : `-${PROJECTS}`}`;

const name = (i) => `p${String(i).padStart(4, '0')}`;
const config = (i) =>
  [
    `# project ${name(i)}`,
    `upstream_repo: https://github.com/example/${name(i)}.git`,
    'upstream_ref: v1.0.0',
    'platforms: [linux/amd64, linux/arm64]',
    i % 10 === 5 ? `depends_on: [${name(i - 5)}]` : '',
    '',
  ].join('\n');

function blob(content) {
  return `data ${Buffer.byteLength(content)}\n${content}\n`;
}

/** The fast-import stream, written in chunks to keep memory flat. */
function* stream() {
  let mark = 0;
  const commit = (message, files) => {
    mark++;
    const time = 1_700_000_000 + mark * 60;
    let out = `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@kiln.invalid> ${time} +0000\n${blob(message)}`;
    if (mark > 1) out += `from :${mark - 1}\n`;
    for (const [file, content] of files) out += `M 100644 inline ${file}\n${blob(content)}`;
    return out;
  };
  const first = [];
  for (let i = 0; i < LAYOUT.projects; i++) {
    first.push([`projects/${name(i)}/build-config.yaml`, config(i)]);
    first.push([`projects/${name(i)}/Dockerfile`, `FROM scratch\nLABEL project=${name(i)}\n`]);
    first.push([`projects/${name(i)}/README.md`, `# ${name(i)}\n`]);
  }
  first.push(['rebuild-weekly.txt', `${name(1)}\n${name(2)}\n`]);
  yield commit(`initial: ${LAYOUT.projects} projects`, first);
  const history = LAYOUT.commits - 1 - 2 * LAYOUT.changedProjects;
  for (let c = 0; c < history; c++) {
    // Old history touches projects, docs and root files in turn.
    const i = (c * 7919) % LAYOUT.projects;
    const file =
      c % 3 === 0
        ? `projects/${name(i)}/README.md`
        : c % 3 === 1
          ? `projects/${name(i)}/Dockerfile`
          : 'CHANGELOG.txt';
    yield commit(`history ${c}`, [[file, `change ${c}\n`]]);
  }
  yield `reset refs/heads/base\nfrom :${mark}\n\n`;
  // The push being measured: 100 commits, 50 projects (every 20th), each changed twice, plus docs.
  for (let k = 0; k < LAYOUT.changedProjects; k++) {
    const i = k * 20 + 3;
    yield commit(`change ${name(i)}`, [[`projects/${name(i)}/app/main.conf`, `v${k}\n`]]);
    yield commit(`docs ${name(i)}`, [
      [`projects/${name(i)}/Dockerfile`, `FROM scratch\nLABEL project=${name(i)} v=2\n`],
      [`projects/${name(i)}/README.md`, `# ${name(i)} (changed)\n`],
    ]);
  }
}

export async function benchRepo() {
  const repo = path.join(CACHE, 'repo');
  const marker = path.join(CACHE, 'ready.json');
  if (existsSync(marker)) return { repo, ...JSON.parse(readFileSync(marker, 'utf8')) };
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: repo,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  for (const chunk of stream()) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: repo });
  const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const info = {
    base: git('rev-parse', 'base'),
    head: git('rev-parse', 'main'),
    commits: Number(git('rev-list', '--count', 'main')),
  };
  writeFileSync(marker, JSON.stringify(info));
  return { repo, ...info };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  console.log(await benchRepo(), `${Date.now() - started} ms`);
}
