import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { buildConfigJsonSchemaText } from '../../../src/config/build-config-json-schema.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';

const FIXTURES = 'test/fixtures/configs';

function context(env: Record<string, string> = {}): Context & { log: ReturnType<typeof createMemoryLogger> } {
  return { cwd: process.cwd(), env, now: new Date('2026-11-23T10:00:00Z'), log: createMemoryLogger() };
}

describe('kiln validate', () => {
  test('a valid repository: exit 0, a summary on stdout, nothing on stderr', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/valid-repo`], ctx)).toBe(0);
    expect(ctx.log.stdout.join('')).toBe('2 projects valid; 1 project in rebuild-weekly.txt\n');
    expect(ctx.log.stderr).toEqual([]);
  });

  test('a broken repository: exit 1, one line per problem on stderr, then a count', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/broken-repo`], ctx)).toBe(1);
    const root = `${FIXTURES}/broken-repo`;
    expect(ctx.log.stderr.join('').split('\n')).toEqual([
      `${root}/projects/bad-platform/build-config.yaml:4:5: platforms[1]: "linux/arm65" is not a platform kiln can build (hint: did you mean "linux/arm64"?)`,
      `${root}/projects/bad-platform/build-config.yaml:5:1: tags: unknown key "tags" (hint: did you mean "additional_tags"?)`,
      `${root}/projects/bad-url/build-config.yaml:1:16: upstream_repo: remote helper "ext::" is not allowed (it can run commands) (hint: use https://host/path, ssh://git@host/path, git@host:path or git://host/path)`,
      `${root}/rebuild-weekly.txt:3:3: "okk" is not a project (hint: did you mean "ok"?)`,
      'error: 4 problems in 3 files',
      '',
    ]);
    expect(ctx.log.stdout).toEqual([]);
  });

  test('a depends_on cycle is reported like any other problem', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/cycle-repo`], ctx)).toBe(1);
    expect(ctx.log.stderr.join('')).toContain(
      `${FIXTURES}/cycle-repo/projects/a/build-config.yaml: depends_on: depends_on cycle: a → b → a`,
    );
  });

  test('a broken kiln.yaml is reported together with the projects', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/bad-settings-repo`], ctx)).toBe(1);
    const lines = ctx.log.stderr.join('').trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${FIXTURES}/bad-settings-repo/kiln\\.yaml:2:10: builder: `));
    expect(lines[1]).toBe(
      `${FIXTURES}/bad-settings-repo/projects/app/build-config.yaml:2:26: platforms[1]: linux/amd64 is listed twice (hint: keep one)`,
    );
    expect(lines[2]).toBe('error: 2 problems in 2 files');
  });

  test('kiln.yaml problems name their line; the valid settings still apply (the root layout is found)', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/bad-layout-repo`], ctx)).toBe(1);
    expect(ctx.log.stderr.join('').trimEnd().split('\n')).toEqual([
      `${FIXTURES}/bad-layout-repo/kiln.yaml:6:5: exclude[1]: "docs/old" is not valid here (hint: folder names, or globs over them, such as hack, docs or wip-*; no paths)`,
      `${FIXTURES}/bad-layout-repo/kiln.yaml:7:15: exclude_dirs: unknown setting "exclude_dirs" (hint: did you mean "exclude"?)`,
      'error: 2 problems in 1 file',
    ]);
  });

  test('new tag settings and placeholders: each mistake on its line, with what to write', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/bad-tags-repo`], ctx)).toBe(1);
    const lines = ctx.log.stderr.join('').trimEnd().split('\n');
    expect(lines).toEqual([
      `${FIXTURES}/bad-tags-repo/kiln.yaml:4:25: prefix_additional_tags: Invalid input: expected boolean, received string`,
      `${FIXTURES}/bad-tags-repo/kiln.yaml:3:15: tag_template: {shortsha:2} in "{project}-{date}-{shortsha:2}": only {shortsha} takes a length, from 4 to 40 (hint: write {shortsha:7} for the 7 hex digits git abbreviates to)`,
      `${FIXTURES}/bad-tags-repo/projects/kaniko/build-config.yaml:5:5: additional_tags[1]: unknown placeholder {branch} in "{branch}" (hint: use {ref} {version} {major} {minor}, filled from upstream_ref)`,
      // Found as the plan fills the tags, placed on its line: kiln validate says it before any pipeline.
      `${FIXTURES}/bad-tags-repo/projects/local/build-config.yaml:4:5: additional_tags[1]: "{major}.{minor}" uses {major}, which comes from upstream_ref, and this project builds this repository's files (hint: write the tag without placeholders)`,
      'error: 4 problems in 3 files',
    ]);
  });

  test('labels and annotations: an unknown annotation, a key kiln sets itself, a key that is no label key', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/bad-metadata-repo`], ctx)).toBe(1);
    expect(ctx.log.stderr.join('').trimEnd().split('\n')).toEqual([
      `${FIXTURES}/bad-metadata-repo/kiln.yaml:6:13: annotations.homepage: unknown annotation "homepage" (hint: use description, licenses, url, vendor, documentation)`,
      `${FIXTURES}/bad-metadata-repo/projects/web/build-config.yaml:4:3: labels.org.opencontainers.image.revision: "org.opencontainers.image.revision" is an OCI annotation: kiln sets org.opencontainers.image.created, revision, source, version and title itself (hint: set description, licenses, url, vendor, documentation under annotations: instead)`,
      `${FIXTURES}/bad-metadata-repo/projects/web/build-config.yaml:5:3: labels.has space: "has space" is not a label key (hint: use reverse-DNS keys such as com.example.team: letters, digits, . _ - /)`,
      'error: 3 problems in 2 files',
    ]);
  });

  test('variants: a name twice, a name that is no name, an unknown key, an image name another project has', async () => {
    const ctx = context();
    expect(await main(['validate', '--root', `${FIXTURES}/bad-variants-repo`], ctx)).toBe(1);
    const kaniko = `${FIXTURES}/bad-variants-repo/projects/kaniko/build-config.yaml`;
    expect(ctx.log.stderr.join('').trimEnd().split('\n')).toEqual([
      `${kaniko}:7:11: variants[2].name: variant "slim" is listed twice (hint: give each variant its own name)`,
      `${kaniko}:8:11: variants[3].name: "with space" is not a variant name (hint: variant names are written like project names: letters, digits, _ . - (the image is <project>-<name>))`,
      `${kaniko}:10:5: variants[4].tags: unknown key "tags" (hint: did you mean "additional_tags"?)`,
      `${FIXTURES}/bad-variants-repo/projects/app/build-config.yaml:3:11: variants[0].name: variant "debug" would be the image app-debug, and there is a project of that name (hint: rename the variant or the project)`,
      'error: 4 problems in 2 files',
    ]);
  });

  test('--projects-dir and --rebuild-file (and their KILN_* variables) pick other places', async () => {
    const ctx = context({ KILN_REBUILD_FILE: 'missing.txt' });
    expect(await main(['validate', '--root', FIXTURES, '--projects-dir', 'valid-repo/projects'], ctx)).toBe(
      1,
    );
    expect(ctx.log.stderr.join('')).toContain(
      `${FIXTURES}/missing.txt: cannot read the rebuild list (ENOENT)`,
    );

    const flagged = context();
    const argv = [
      'validate',
      '--root',
      FIXTURES,
      '--projects-dir',
      'valid-repo/projects',
      '--rebuild-file',
      'valid-repo/rebuild-weekly.txt',
    ];
    expect(await main(argv, flagged)).toBe(0);
  });

  test.each([
    [['validate', '--nope'], 'Unknown option'],
    [['validate', 'extra'], 'unexpected argument "extra"'],
    [['validate', '--root'], "Option '--root <value>' argument missing"],
  ])('usage error %j exits 2', async (argv, message) => {
    const ctx = context();
    expect(await main(argv, ctx)).toBe(2);
    expect(ctx.log.stderr.join('')).toContain(message);
  });

  test('--help exits 0 and documents the flags', async () => {
    const ctx = context();
    expect(await main(['validate', '--help'], ctx)).toBe(0);
    expect(ctx.log.stdout.join('')).toContain('--projects-dir DIR');
  });
});

describe('kiln schema', () => {
  test('prints the schema on stdout', async () => {
    const ctx = context();
    expect(await main(['schema'], ctx)).toBe(0);
    expect(JSON.parse(ctx.log.stdout.join(''))).toMatchObject({
      title: 'kiln build-config.yaml',
      type: 'object',
    });
  });

  test('--output writes exactly the text the repository ships', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-schema-'));
    try {
      const ctx = { ...context(), cwd: dir };
      expect(await main(['schema', '--output', 'out.json'], ctx)).toBe(0);
      expect(await readFile(path.join(dir, 'out.json'), 'utf8')).toBe(buildConfigJsonSchemaText());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
