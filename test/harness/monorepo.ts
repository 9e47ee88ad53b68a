// The demo monorepo (examples/demo) as a real git repository, wired to servers started on
// 127.0.0.1: its placeholder hosts become the local registry and git daemon, and its component
// include points at this checkout's templates/ (gitlab-ci-local resolves a same-project component
// `$CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA` to the repository's own templates/).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, TEMPLATE_PATH } from './component-template.js';
import { createRepo, type TestRepo } from './git-repo.js';

export const DEMO_DIR = path.join(REPO_ROOT, 'examples/demo');
export const KILN_BUNDLE = path.join(REPO_ROOT, 'dist/kiln.js');

/** The hosts examples/demo names, so its files stay valid kiln config on their own. */
export const DEMO_REGISTRY_HOST = 'registry.kiln-demo.invalid';
export const DEMO_GIT_URL = 'git://git.kiln-demo.invalid';
const PUBLISHED_COMPONENT = '$CI_SERVER_FQDN/kiln-ci/kiln/build@0.1.0';
const SAME_COMMIT_COMPONENT = '$CI_SERVER_FQDN/$CI_PROJECT_PATH/build@$CI_COMMIT_SHA';

export interface DemoServers {
  /** `127.0.0.1:PORT` of the registry. */
  registryHost: string;
  /** `git://127.0.0.1:PORT` of the git daemon. */
  gitUrl: string;
}

/** Rewrites the demo's placeholder hosts in one file's text. */
export function wireDemoText(text: string, servers: DemoServers): string {
  return text
    .replaceAll(DEMO_REGISTRY_HOST, servers.registryHost)
    .replaceAll(DEMO_GIT_URL, servers.gitUrl)
    .replaceAll(PUBLISHED_COMPONENT, SAME_COMMIT_COMPONENT);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * Copies an example (examples/demo, or another folder of examples/ laid out the same way) to
 * `dir`, wires it to `servers`, adds the component and commits on main.
 */
export async function createDemoMonorepo(
  dir: string,
  servers: DemoServers,
  example = DEMO_DIR,
): Promise<TestRepo> {
  await cp(example, dir, { recursive: true });
  for (const file of await filesUnder(dir)) {
    if (/\.(ya?ml|txt)$|Dockerfile$/.test(file))
      await writeFile(file, wireDemoText(await readFile(file, 'utf8'), servers));
  }
  await mkdir(path.join(dir, 'templates'), { recursive: true });
  await cp(TEMPLATE_PATH, path.join(dir, 'templates/build.yml'));
  const repo = await createRepo(dir);
  // gitlab-ci-local derives CI_PROJECT_PATH (and the component path) from the origin remote.
  await repo.git(['remote', 'add', 'origin', 'https://gitlab.example.com/kiln-demo/images.git']);
  // Its own state folder and the job outputs are not part of the repository.
  await writeFile(
    path.join(dir, '.gitignore'),
    '.gitlab-ci-local/\nkiln/\nkiln-reports/\nkiln-sbom/\nkiln-*.json\nkiln-*.env\nkiln-child-pipeline*.yml\nplan.json\nmanifest-annotations.json\n',
  );
  await repo.commit({}, 'demo monorepo');
  return repo;
}

/** A `kiln` command on PATH for shell-executor jobs: this checkout's bundle (built if missing). */
export async function kilnShim(binDir: string): Promise<string> {
  if (!existsSync(KILN_BUNDLE))
    execFileSync('node', ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await mkdir(binDir, { recursive: true });
  const shim = path.join(binDir, 'kiln');
  await writeFile(shim, `#!/bin/sh\nexec node ${JSON.stringify(KILN_BUNDLE)} "$@"\n`);
  await chmod(shim, 0o755);
  return binDir;
}
