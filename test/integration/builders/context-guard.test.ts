// The job-time symlink guard, run for real against folders with hostile symlinks: under dash with
// GNU coreutils (buildah's image has bash + coreutils; dash is the stricter POSIX sh) and under
// busybox alone on PATH, as in the Kaniko debug image (/busybox, nothing else).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pinnedSourceLines } from '../../../src/builders/buildah/pinned-source.js';
import { CONTEXT_GUARD_SCRIPT, contextGuardLines } from '../../../src/builders/context-guard.js';
import { KANIKO_EXECUTOR } from '../../../src/builders/kaniko/argv.js';
import { kanikoBuilder } from '../../../src/builders/kaniko/index.js';
import { shellQuote } from '../../../src/render/shell-quote.js';
import { createRepo } from '../../harness/git-repo.js';
import { requireTool } from '../../harness/tools.js';
import { buildJobSpec } from '../../unit/builders/build-job-spec.js';

let dir: string;
/** A folder of busybox applet links: PATH for the "busybox" shell, like the debug image's /busybox. */
let busyboxBin: string;

beforeAll(() => {
  requireTool('busybox', 'busybox-static');
  requireTool('dash', 'dash');
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-guard-'));
  busyboxBin = path.join(dir, 'busybox-bin');
  mkdirSync(busyboxBin);
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    symlinkSync(busybox, path.join(busyboxBin, applet));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHELLS = ['dash', 'busybox'] as const;
type Shell = (typeof SHELLS)[number];

/** Runs script lines the way the runner does (one shell, lines in order, -e). */
function run(
  shell: Shell,
  lines: string[],
  options: { cwd: string; env?: Record<string, string>; morePath?: string },
) {
  const [file, PATH] =
    shell === 'dash' ? ['dash', '/usr/bin:/bin'] : [path.join(busyboxBin, 'sh'), busyboxBin];
  const result = spawnSync(file, ['-e', '-s'], {
    input: lines.join('\n'),
    cwd: options.cwd,
    // KILN_GUARD as the child pipeline's top-level variable gives it to every job.
    env: {
      PATH: options.morePath ? `${PATH}:${options.morePath}` : PATH,
      KILN_GUARD: CONTEXT_GUARD_SCRIPT,
      ...options.env,
    },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** A fresh build source: files (path → text; a trailing "/" makes a folder) and symlinks ($ROOT: its path). */
function source(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(dir, 'src-'));
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, file);
    if (file.endsWith('/')) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  for (const [name, target] of Object.entries(links)) {
    const link = path.join(root, name.replaceAll('$ROOT', root));
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(target.replaceAll('$ROOT', root), link);
  }
  return root;
}

const guard = (root: string, contextPath = '.', dockerfile = 'Dockerfile') =>
  contextGuardLines({ root: shellQuote(root), contextPath, dockerfile });

describe.each(SHELLS)('context guard under %s', (shell) => {
  test('a clean context passes, links that stay inside included', () => {
    const root = source(
      { 'Dockerfile.real': 'FROM scratch\n', 'app/a.txt': '', 'app/sub/': '' },
      {
        Dockerfile: 'Dockerfile.real',
        'app/b.txt': 'a.txt',
        'app/abs': '$ROOT/app/sub',
        'app/up': '..',
        'app/sub/dot': '.',
        'app/out': 'missing-until-built',
        'app/deep': 'not/yet/built',
        "app/it's $(touch pwned)": 'a.txt',
      },
    );
    const result = run(shell, guard(root), { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  test.each<{ what: string; links: Record<string, string>; contextPath?: string; message: string }>([
    {
      what: 'a context folder linked to /',
      links: { ctx: '/' },
      contextPath: 'ctx',
      message: 'kiln: context_path ctx resolves to /, outside the build source $ROOT',
    },
    {
      what: 'a context folder linked to the parent of the source',
      links: { ctx: '..' },
      contextPath: 'ctx',
      message: 'kiln: context_path ctx resolves to $PARENT, outside the build source $ROOT',
    },
    {
      what: 'a Dockerfile linked to /etc/passwd',
      links: { Dockerfile: '/etc/passwd' },
      message: 'kiln: dockerfile_path Dockerfile resolves to /etc/passwd, outside the context $ROOT',
    },
    {
      what: 'a Dockerfile linked out of context_path',
      links: { 'app/Dockerfile': '../Dockerfile.other' },
      contextPath: 'app',
      message:
        'kiln: dockerfile_path Dockerfile resolves to $ROOT/Dockerfile.other, outside the context $ROOT/app',
    },
    {
      what: 'a folder in the context linked to /etc',
      links: { etc: '/etc' },
      message: 'kiln: symlink $ROOT/etc -> /etc leads outside the context $ROOT, to /etc',
    },
    {
      what: 'a link to .. at the top of the source',
      links: { up: '..' },
      message: 'kiln: symlink $ROOT/up -> .. leads outside the context $ROOT, to $PARENT',
    },
    {
      what: 'a link out of context_path, inside the source',
      links: { 'app/up': '..' },
      contextPath: 'app',
      message: 'kiln: symlink $ROOT/app/up -> .. leads outside the context $ROOT/app, to $ROOT',
    },
    {
      what: 'a dangling link to a file that exists only in the job',
      links: { 'a/config.json': '/kaniko/.docker/config.json' },
      message:
        'kiln: symlink $ROOT/a/config.json -> /kaniko/.docker/config.json leads outside the context $ROOT, to /kaniko/.docker/config.json',
    },
    {
      what: 'a dangling link whose folder exists',
      links: { 'a/shadow': '/etc/kiln-not-here' },
      message: 'kiln: symlink $ROOT/a/shadow -> /etc/kiln-not-here leads outside the context $ROOT',
    },
    {
      what: 'a link whose name holds a newline and the path of an innocent link',
      links: { 'a/ok': 'Dockerfile.other', 'a/x\n$ROOT/a/ok': '/etc' },
      message: 'kiln: symlink $ROOT/a/x\n$ROOT/a/ok -> /etc leads outside the context $ROOT, to /etc',
    },
    {
      what: 'a link named like an option',
      links: { '-rf': '/' },
      message: 'kiln: symlink $ROOT/-rf -> / leads outside the context $ROOT, to /',
    },
    {
      what: 'a chain of links inside, the last one leaving',
      links: { 'a/one': 'two', 'a/two': '../b/three', 'b/three': '/usr' },
      message: 'leads outside the context $ROOT, to /usr:',
    },
    {
      what: 'a symlink loop',
      links: { loop: 'loop' },
      message:
        'kiln: cannot follow the symlink $ROOT/loop -> loop: a symlink loop, or ".." after a missing folder',
    },
    {
      what: '".." after a missing folder',
      links: { x: 'missing/../../etc' },
      message: 'kiln: cannot follow the symlink $ROOT/x -> missing/../../etc',
    },
  ])('refused: $what', ({ links, contextPath, message }) => {
    const root = source({ 'Dockerfile.other': '', 'app/': '', 'a/': '', 'b/': '' }, links);
    const result = run(shell, [...guard(root, contextPath), 'echo built'], { cwd: dir });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('built');
    expect(result.stderr).toContain(message.replaceAll('$ROOT', root).replaceAll('$PARENT', dir));
  });

  test('a source reached through a symlinked folder (a runner whose /builds is a link) passes', () => {
    const root = source({ 'real/Dockerfile': '', 'real/a': '' }, { 'real/b': 'a', via: 'real' });
    expect(run(shell, guard(path.join(root, 'via')), { cwd: dir })).toMatchObject({ status: 0, stderr: '' });
  });

  test('a relative source (buildah runs in $CI_PROJECT_DIR) and a missing context pass', () => {
    const root = source({ 'projects/x/Dockerfile': '' }, { 'projects/x/l': 'Dockerfile' });
    expect(run(shell, guard('projects/x'), { cwd: root })).toMatchObject({ status: 0, stderr: '' });
    // Nothing to inspect: the builder reports the missing folder itself.
    expect(run(shell, guard('projects/x', 'not-there'), { cwd: root })).toMatchObject({ status: 0 });
  });

  test('config values reach the guard as literal text', () => {
    const weird = `it's {} "q" $(touch pwned) \`id\` *`;
    const root = source({ [`${weird}/${weird}`]: '' }, { [`${weird}/etc`]: '/etc' });
    const result = run(shell, guard(root, weird, weird), { cwd: dir });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`kiln: symlink ${root}/${weird}/etc -> /etc leads outside the context`);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });
});

describe('the build job scripts run the guard', () => {
  test('Kaniko, local context: the job fails before the executor runs', () => {
    const project = source({ 'projects/app/Dockerfile': '' }, { 'projects/app/etc': '/etc' });
    const marker = path.join(project, 'executor-ran');
    const script = kanikoBuilder
      .script(
        buildJobSpec({
          source: { kind: 'local', dir: 'projects/app' },
          contextPath: '.',
          dockerfile: 'Dockerfile',
        }),
      )
      .map((line) => line.replaceAll(KANIKO_EXECUTOR, `touch ${shellQuote(marker)}; true`));
    const result = run('busybox', script, { cwd: project, env: { CI_PROJECT_DIR: project } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `kiln: symlink ${project}/projects/app/etc -> /etc leads outside the context`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  test('Kaniko, local context with local_context: repository: clean checkout builds', () => {
    const project = source({ Dockerfile: '', 'src/a': '' }, { 'src/b': 'a' });
    const marker = path.join(project, 'executor-ran');
    const script = kanikoBuilder
      .script(
        buildJobSpec({ source: { kind: 'local', dir: '.' }, contextPath: '.', dockerfile: 'Dockerfile' }),
      )
      .map((line) => line.replaceAll(KANIKO_EXECUTOR, `touch ${shellQuote(marker)}; true`));
    const result = run('busybox', script, { cwd: project, env: { CI_PROJECT_DIR: project } });
    expect(result.stderr).toBe('');
    expect(existsSync(marker)).toBe(true);
  });

  test.each(SHELLS)('buildah, local context under %s: the source lines fail', (shell) => {
    const project = source({ 'projects/app/ctx/': '' }, { 'projects/app/ctx/Dockerfile': '/etc/passwd' });
    const lines = pinnedSourceLines(
      buildJobSpec({
        source: { kind: 'local', dir: 'projects/app' },
        contextPath: 'ctx',
        dockerfile: 'Dockerfile',
      }),
    );
    const result = run(shell, [...lines, 'echo built'], { cwd: project });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('built');
    expect(result.stderr).toContain('kiln: dockerfile_path Dockerfile resolves to /etc/passwd');
  });

  test.each(SHELLS)('buildah, upstream source under %s: checked after the clone', async (shell) => {
    requireTool('git', 'git');
    const upstream = await createRepo(mkdtempSync(path.join(dir, 'upstream-')));
    mkdirSync(path.join(upstream.dir, 'docker'));
    symlinkSync('/', path.join(upstream.dir, 'docker', 'root'));
    const sha = await upstream.commit({ 'docker/Dockerfile': 'FROM scratch\n' }, 'hostile');
    await upstream.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
    const work = mkdtempSync(path.join(dir, 'work-'));
    const lines = pinnedSourceLines(
      buildJobSpec({
        source: { kind: 'git', url: upstream.dir, ref: 'main', sha, resolvedRef: 'refs/heads/main' },
        contextPath: 'docker',
        dockerfile: 'Dockerfile',
      }),
    );
    // git is not a busybox applet: the busybox run gets it from a folder of its own.
    const gitBin = path.join(dir, 'git-bin');
    if (!existsSync(gitBin)) {
      mkdirSync(gitBin);
      symlinkSync(
        execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(),
        path.join(gitBin, 'git'),
      );
    }
    const result = run(shell, [...lines, 'echo built'], {
      cwd: work,
      env: { KILN_WORK: work, HOME: work },
      morePath: gitBin,
    });
    expect(result.stdout).not.toContain('built');
    expect(result.stderr).toContain(
      `kiln: symlink ${work}/src/docker/root -> / leads outside the context ${work}/src/docker, to /`,
    );
    expect(result.status).not.toBe(0);
  });
});
