import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadProjects, loadProjectsOrThrow } from '../../../src/config/load-projects.js';
import { MAX_BUILD_CONFIG_BYTES } from '../../../src/config/parse-build-config.js';
import { formatProblem, KilnError } from '../../../src/errors.js';

const roots: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kiln-load-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

const LOCAL = 'use_local_context: true\n';

describe('loadProjects', () => {
  test('every project folder, sorted by name, with repository-relative paths', async () => {
    const root = await repo({
      'projects/zeta/build-config.yaml': LOCAL,
      'projects/alpha/build-config.yaml': 'use_local_context: true\ndepends_on: [zeta]\n',
      'projects/README.md': 'not a project',
      'projects/.cache/build-config.yaml': 'ignored: hidden folder',
    });
    const { projects, names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(problems).toEqual([]);
    expect(names).toEqual(['alpha', 'zeta']);
    expect(projects.map((p) => [p.name, p.dir, p.file])).toEqual([
      ['alpha', 'projects/alpha', 'projects/alpha/build-config.yaml'],
      ['zeta', 'projects/zeta', 'projects/zeta/build-config.yaml'],
    ]);
    expect(projects[0]?.config.depends_on).toEqual(['zeta']);
  });

  test('a configurable projects folder', async () => {
    const root = await repo({ 'images/x/build-config.yaml': LOCAL });
    const { projects } = await loadProjects({ root, projectsDir: './images/' });
    expect(projects.map((p) => p.file)).toEqual(['images/x/build-config.yaml']);
  });

  test('problems from every file at once; valid projects still load', async () => {
    const root = await repo({
      'projects/good/build-config.yaml': LOCAL,
      'projects/bad/build-config.yaml': 'use_local_context: true\ndepends_on:\n  - good\n  - missing\n',
      'projects/worse/build-config.yaml': 'upstream_ref: main\n',
      'projects/typo/build-config.yml': LOCAL,
      'projects/empty-folder/.keep': '',
    });
    const { projects, names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(projects.map((p) => p.name)).toEqual(['good']);
    expect(names).toEqual(['bad', 'good', 'worse']);
    expect(problems.map(formatProblem)).toEqual([
      'projects/bad/build-config.yaml:4:5: depends_on[1]: no project named "missing" (hint: list folder names under the projects folder)',
      'projects/empty-folder: no build-config.yaml in this project folder (hint: add build-config.yaml, or move the folder out of projects)',
      'projects/typo: no build-config.yaml in this project folder (hint: rename build-config.yml to build-config.yaml)',
      'projects/worse/build-config.yaml:1:1: upstream_ref: needs upstream_repo (hint: set upstream_repo and upstream_ref, or use_local_context: true)',
    ]);
  });

  test('a file over the size cap is refused by its size, and its folder is still a project', async () => {
    const big = `${LOCAL}#${'x'.repeat(MAX_BUILD_CONFIG_BYTES)}\n`;
    const root = await repo({
      'projects/big/build-config.yaml': big,
      'projects/app/build-config.yaml': `${LOCAL}depends_on: [big]\n`,
    });
    const { projects, names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(names).toEqual(['app', 'big']);
    expect(projects.map((p) => p.name)).toEqual(['app']);
    expect(problems.map(formatProblem)).toEqual([
      `projects/big/build-config.yaml: the file is ${Buffer.byteLength(big).toLocaleString('en-US')} bytes; a build-config.yaml may be at most 65,536 bytes (64 KiB) (hint: a build-config.yaml is a few hundred bytes: check that this is the file you meant to commit)`,
    ]);
  });

  test('a folder named build-config.yaml cannot be read', async () => {
    const root = await repo({ 'projects/odd/build-config.yaml/.keep': '' });
    const { names, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(names).toEqual([]);
    expect(problems.map(formatProblem)).toEqual(['projects/odd: cannot read build-config.yaml (EISDIR)']);
  });

  test('a missing projects folder is one problem', async () => {
    const root = await repo({});
    const { problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(problems.map(formatProblem)).toEqual([
      'projects: the projects folder does not exist (hint: check --root and --projects-dir (KILN_PROJECTS_DIR))',
    ]);
  });

  test('loadProjectsOrThrow throws one CONFIG_INVALID error listing every problem', async () => {
    const root = await repo({
      'projects/a/build-config.yaml': 'platforms: [linux/sparc]\n',
      'projects/b/build-config.yaml': LOCAL,
    });
    const error = await loadProjectsOrThrow({ root, projectsDir: 'projects' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('CONFIG_INVALID');
    expect((error as KilnError).message).toBe('invalid project configuration: 2 problems');
    expect((error as KilnError).problems.map((p) => p.field)).toEqual([undefined, 'platforms[0]']);
    const ok = await repo({ 'projects/b/build-config.yaml': LOCAL });
    expect((await loadProjectsOrThrow({ root: ok, projectsDir: 'projects' })).map((p) => p.name)).toEqual([
      'b',
    ]);
  });
});

describe('loadProjects: symlinks that lead out of the build context', () => {
  const FILE = 'projects/app/build-config.yaml';
  const IN_PROJECT =
    'replace the symlink with the folder it points to: the context stays inside projects/app (local_context: repository builds from the whole repository)';
  const LINK_HINT = 'remove the link, or replace it with the files it should bring';
  const outside = (link: string, target: string, to: string, context = 'projects/app') =>
    `${FILE}: context_path: symlink ${link} -> ${target} leads outside the context ${context}, to ${to}: the build could copy files from outside the context into the image (hint: ${LINK_HINT})`;

  test.each([
    {
      what: 'a context folder linked to /',
      config: 'context_path: ctx\n',
      links: { 'projects/app/ctx': '/' },
      problem: `${FILE}: context_path: ctx resolves to /, outside projects/app (symlink projects/app/ctx -> /) (hint: ${IN_PROJECT})`,
    },
    {
      what: 'a Dockerfile linked to /etc/passwd',
      config: '',
      links: { 'projects/app/Dockerfile': '/etc/passwd' },
      problem: `${FILE}: dockerfile_path: Dockerfile resolves to /etc/passwd, outside the context projects/app (symlink projects/app/Dockerfile -> /etc/passwd) (hint: put the Dockerfile itself inside projects/app)`,
    },
    {
      what: 'a Dockerfile linked out of context_path, inside the project folder',
      config: 'context_path: real\n',
      links: { 'projects/app/real/Dockerfile': '../Dockerfile.other' },
      problem: `${FILE}: dockerfile_path: Dockerfile resolves to projects/app/Dockerfile.other, outside the context projects/app/real (symlink projects/app/real/Dockerfile -> ../Dockerfile.other) (hint: put the Dockerfile itself inside projects/app/real)`,
    },
    {
      what: 'a link to .. with local_context: repository',
      config: 'local_context: repository\ncontext_path: up\n',
      links: { up: '..' },
      problem: `${FILE}: context_path: up resolves to $PARENT, outside the repository root (symlink up -> ..) (hint: replace the symlink with the folder it points to: the context stays inside the repository root)`,
    },
    {
      what: 'a folder inside the context linked to /etc',
      config: '',
      links: { 'projects/app/etc': '/etc' },
      problem: outside('projects/app/etc', '/etc', '/etc'),
    },
    {
      what: 'a dangling link to a file that exists only in the job',
      config: '',
      links: { 'projects/app/files/docker.json': '/kaniko/.docker/config.json' },
      problem: outside(
        'projects/app/files/docker.json',
        '/kaniko/.docker/config.json',
        '/kaniko/.docker/config.json',
      ),
    },
    {
      what: 'a link to the repository, outside the project folder',
      config: '',
      links: { 'projects/app/shared': '../../shared' },
      problem: outside('projects/app/shared', '../../shared', 'shared'),
    },
    {
      what: 'a link out of context_path, inside the project folder',
      config: 'context_path: real\n',
      links: { 'projects/app/real/up': '..' },
      problem: outside('projects/app/real/up', '..', 'projects/app', 'projects/app/real'),
    },
    {
      what: 'a chain of links, the last one leaving',
      config: 'context_path: a\n',
      links: { 'projects/app/a': 'b', 'projects/app/b': '/usr' },
      problem: `${FILE}: context_path: a resolves to /usr, outside projects/app (symlink projects/app/a -> b, projects/app/b -> /usr) (hint: ${IN_PROJECT})`,
    },
    {
      what: 'a symlink loop',
      config: 'context_path: loop\n',
      links: { 'projects/app/loop': 'loop' },
      problem: `${FILE}: context_path: loop cannot be followed: a symlink loop, or ".." after a missing folder (hint: ${IN_PROJECT})`,
    },
    {
      what: '".." after a missing folder',
      config: '',
      links: { 'projects/app/x': 'missing/../../../../etc' },
      problem: `${FILE}: context_path: symlink projects/app/x -> missing/../../../../etc cannot be followed: a symlink loop, or ".." after a missing folder (hint: ${LINK_HINT})`,
    },
  ])('refused: $what', async ({ config, links, problem }) => {
    const root = await repo({
      [FILE]: `${LOCAL}${config}`,
      'shared/x': '',
      'projects/app/real/x': '',
      'projects/app/Dockerfile.other': '',
    });
    for (const [link, target] of Object.entries(links)) {
      await mkdir(path.dirname(path.join(root, link)), { recursive: true });
      await symlink(target, path.join(root, link));
    }
    const { projects, problems } = await loadProjects({ root, projectsDir: 'projects' });
    expect(problems.map(formatProblem)).toEqual([problem.replaceAll('$PARENT', path.dirname(root))]);
    expect(projects).toEqual([]);
  });

  test('links that stay inside are fine; upstream projects are not looked at', async () => {
    const root = await repo({
      'projects/app/build-config.yaml': `${LOCAL}context_path: ctx\n`,
      'projects/app/real/docker/Dockerfile.real': 'FROM scratch\n',
      'projects/app/real/a.txt': '',
      'projects/up/build-config.yaml':
        'upstream_repo: https://example.com/r.git\nupstream_ref: main\ncontext_path: ctx\n',
      'projects/whole/build-config.yaml': `${LOCAL}local_context: repository\ncontext_path: projects\n`,
    });
    await symlink('real', path.join(root, 'projects/app/ctx'));
    await symlink('docker/Dockerfile.real', path.join(root, 'projects/app/real/Dockerfile'));
    await symlink('a.txt', path.join(root, 'projects/app/real/b.txt'));
    await symlink('../real/./docker', path.join(root, 'projects/app/real/d'));
    await symlink('missing-until-built', path.join(root, 'projects/app/real/out'));
    await symlink('/etc', path.join(root, 'projects/up/ctx'));
    const { projects, problems } = await loadProjects({ root, projectsDir: 'projects' });
    // projects/whole's context, projects/, holds projects/up/ctx -> /etc: refused there only.
    expect(problems.map(formatProblem)).toEqual([
      `projects/whole/build-config.yaml: context_path: symlink projects/up/ctx -> /etc leads outside the context projects, to /etc: the build could copy files from outside the context into the image (hint: ${LINK_HINT})`,
    ]);
    expect(projects.map((p) => p.name)).toEqual(['app', 'up']);
  });

  test('loadProjectsOrThrow refuses them with one CONFIG_INVALID error', async () => {
    const root = await repo({ 'projects/app/build-config.yaml': LOCAL });
    await symlink('/etc/passwd', path.join(root, 'projects/app/Dockerfile'));
    const error = await loadProjectsOrThrow({ root, projectsDir: 'projects' }).catch((e: unknown) => e);
    expect((error as KilnError).code).toBe('CONFIG_INVALID');
    expect((error as KilnError).problems).toMatchObject([{ file: FILE, field: 'dockerfile_path' }]);
  });
});
