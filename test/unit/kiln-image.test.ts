// kiln builds its own job image: projects/kiln is a local-context project whose context is the
// repository root (the image needs kiln's source), and the Dockerfile bundles the CLI as `kiln`.
// The image itself cannot be built here (no base images offline); these check the contracts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, test } from 'vitest';
import { loadProjects } from '../../src/config/load-projects.js';
import { REPO_ROOT } from '../harness/component-template.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Docker's rules: a pattern matching a folder matches what is inside; the last match wins; `!` re-includes. */
function ignored(file: string): boolean {
  const parts = file.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let result = false;
  for (const pattern of dockerignore) {
    const negate = pattern.startsWith('!');
    const match = picomatch(negate ? pattern.slice(1) : pattern, { dot: true });
    if (prefixes.some((prefix) => match(prefix))) result = !negate;
  }
  return result;
}

describe('projects/kiln', () => {
  test('loads as a local-context project built from the repository root', async () => {
    const { projects, problems } = await loadProjects({
      root: REPO_ROOT,
      projectsDir: 'projects',
      repositoryMode: 'single',
    });
    expect(problems).toEqual([]);
    const kiln = projects.find((p) => p.name === 'kiln');
    expect(kiln?.config).toMatchObject({
      use_local_context: true,
      local_context: 'repository',
      dockerfile_path: 'Dockerfile',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(existsSync(path.join(REPO_ROOT, kiln!.config.dockerfile_path))).toBe(true);
  });

  test.each([
    'src/gitlab/mr-note.ts',
    'package-lock.json',
    'Dockerfile',
    'scripts/build.mjs',
    'scripts/build-options.mjs',
  ])('a change to %s selects it (watch_paths)', async (file) => {
    const { projects } = await loadProjects({
      root: REPO_ROOT,
      projectsDir: 'projects',
      repositoryMode: 'single',
    });
    const watch = projects.find((p) => p.name === 'kiln')!.config.watch_paths;
    expect(watch.some((glob) => picomatch(glob, { dot: true })(file))).toBe(true);
  });

  test('is tagged kiln-<package.json version>, the image the release publishes as :<version>', async () => {
    const { projects } = await loadProjects({
      root: REPO_ROOT,
      projectsDir: 'projects',
      repositoryMode: 'single',
    });
    expect(projects.find((p) => p.name === 'kiln')!.config.additional_tags).toContain(pkg.version);
  });
});

describe('Dockerfile', () => {
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
    m[1]!.trim().split(/\s+/).slice(0, -1),
  );

  test.each(copies)('COPY source %s exists and is not excluded by .dockerignore', (source) => {
    expect(existsSync(path.join(REPO_ROOT, source))).toBe(true);
    expect(ignored(source.replace(/\/$/, ''))).toBe(false);
  });

  test.each(copies)(
    'a change to COPY source %s rebuilds the image (projects/kiln watch_paths)',
    async (source) => {
      const { projects } = await loadProjects({
        root: REPO_ROOT,
        projectsDir: 'projects',
        repositoryMode: 'single',
      });
      const watched = picomatch(projects.find((p) => p.name === 'kiln')!.config.watch_paths, { dot: true });
      // A copied folder stands for a file inside it.
      const file = existsSync(path.join(REPO_ROOT, source, 'cli.ts')) ? `${source}/cli.ts` : source;
      expect(watched(file)).toBe(true);
    },
  );

  test('.dockerignore keeps tests, node_modules and local files out of the context', () => {
    expect(ignored('src/gitlab/mr-note.test.ts')).toBe(true);
    expect(ignored('node_modules/yaml/package.json')).toBe(true);
    expect(ignored('.env')).toBe(true);
    expect(ignored('src/cli.ts')).toBe(false);
  });

  test('builds with the same script as npm run build and installs the whole dist/ with kiln linked to it', () => {
    expect(pkg.scripts['build']).toBe('node scripts/build.mjs');
    expect(dockerfile).toMatch(/^RUN node scripts\/build\.mjs/m);
    // dist/kiln.js imports dist/chunks/*: copying the entry alone would break every command.
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist\/ \/opt\/kiln\/$/m);
    expect(dockerfile).toMatch(/^RUN ln -s \/opt\/kiln\/kiln\.js \/usr\/local\/bin\/kiln$/m);
  });

  test('is multi-stage on Node 20 with git and CA certificates in the final image', () => {
    // build, runtime, and the two stages cosign and syft are copied from.
    expect([...dockerfile.matchAll(/^FROM /gm)]).toHaveLength(4);
    expect(dockerfile).toMatch(/ARG NODE_BUILD_IMAGE=node:20-/);
    expect(dockerfile).toMatch(/ARG NODE_RUNTIME_IMAGE=node:20-/);
    expect(dockerfile).toMatch(/apk add --no-cache git openssh-client ca-certificates/);
  });

  test('ships cosign and syft at the versions the tests install (scripts/go-tools.json)', () => {
    const tools = JSON.parse(readFileSync(path.join(REPO_ROOT, 'scripts/go-tools.json'), 'utf8')) as Record<
      string,
      { version: string }
    >;
    expect(dockerfile).toContain(
      `ARG COSIGN_IMAGE=ghcr.io/sigstore/cosign/cosign:${tools['cosign']!.version}\n`,
    );
    expect(dockerfile).toContain(`ARG SYFT_IMAGE=docker.io/anchore/syft:${tools['syft']!.version}\n`);
    expect(dockerfile).toMatch(/^COPY --from=cosign \/ko-app\/cosign \/usr\/local\/bin\/cosign$/m);
    expect(dockerfile).toMatch(/^COPY --from=syft \/syft \/usr\/local\/bin\/syft$/m);
  });
});
