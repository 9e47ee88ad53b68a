// kiln manifest against a real distribution registry (no auth), children pushed with buildah,
// results read back with skopeo.
import { execFile } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import {
  type ManifestTestbed,
  preparePipeline,
  startManifestTestbed,
} from '../../harness/manifest-fixture.js';
import { type ImageBuilder, skopeoInspect, skopeoRaw, type TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let builder: ImageBuilder;
let dir: string;
let testbed: ManifestTestbed;
let counter = 0;
const run = promisify(execFile);

function context(env: Record<string, string> = {}) {
  const log = createMemoryLogger();
  const ctx: Context = { cwd: dir, env, now: new Date('2026-11-23T12:00:00Z'), log };
  return Object.assign(ctx, { log });
}

/** A fresh repository name per test, so tests never see each other's tags. */
function repo(): string {
  counter += 1;
  return `kiln/app${counter}`;
}

async function digestOf(reference: string): Promise<string | undefined> {
  const response = await fetch(
    `${registry.url}/v2/${reference.split('/').slice(1).join('/').replace(':', '/manifests/')}`,
    {
      method: 'HEAD',
      headers: {
        accept:
          'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
      },
    },
  );
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

beforeAll(async () => {
  testbed = await startManifestTestbed('kiln-manifest-');
  ({ registry, builder, dir } = testbed);
});
afterAll(() => testbed?.stop());

describe('kiln manifest', () => {
  test('amd64 + arm64 OCI images become one OCI index under every tag', async () => {
    const name = repo();
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'web',
      name,
      defaultTag: 'web-20261123-abc1234',
      extraTags: ['web-latest', 'web-v1'],
      created: '2026-11-23T11:00:00Z',
    });
    const ctx = context();
    const code = await main(['manifest', '--project', 'web', '--spec', fx.specFile], ctx);
    expect(ctx.log.stderr.join('')).not.toContain('error');
    expect(code).toBe(0);

    const raw = JSON.parse(await skopeoRaw(`${fx.spec.repository}:web-latest`));
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(
      raw.manifests.map((m: { digest: string; platform: { architecture: string } }) => [
        m.platform.architecture,
        m.digest,
      ]),
    ).toEqual([
      ['amd64', fx.digests['amd64']],
      ['arm64', fx.digests['arm64']],
    ]);
    expect(raw.annotations['org.opencontainers.image.created']).toBe('2026-11-23T11:00:00Z');
    expect(raw.annotations['org.opencontainers.image.revision']).toBe('a'.repeat(40));

    // A client on arm64 gets the arm64 image through the index.
    const arm = await skopeoInspect(`${fx.spec.repository}:web-v1`, ['--override-arch', 'arm64']);
    expect(arm['Architecture']).toBe('arm64');
    const armChild = await skopeoInspect(`${fx.spec.repository}@${fx.digests['arm64']}`);
    expect(arm['Layers']).toEqual(armChild['Layers']);

    const report = JSON.parse(
      await readFile(path.join(dir, 'kiln-reports', `${fx.spec.project}.json`), 'utf8'),
    );
    expect(report.indexDigest).toMatch(/^sha256:/);
    for (const tag of fx.spec.tags)
      expect(await digestOf(`${fx.spec.repository}:${tag}`)).toBe(report.indexDigest);
    expect(report.tags.map((t: { status: string }) => t.status)).toEqual(['created', 'created', 'created']);
    expect(report.children).toEqual([
      {
        platform: 'linux/amd64',
        arch: 'amd64',
        tag: 'web-20261123-abc1234-amd64',
        digest: fx.digests['amd64'],
      },
      {
        platform: 'linux/arm64',
        arch: 'arm64',
        tag: 'web-20261123-abc1234-arm64',
        digest: fx.digests['arm64'],
      },
    ]);
    expect(report.upstream.sha).toBe('a'.repeat(40));
    const annotations = JSON.parse(await readFile(path.join(dir, 'manifest-annotations.json'), 'utf8'));
    expect(annotations.kiln[0].external_link.url).toContain(report.indexDigest);
    expect(
      annotations.kiln.map((a: { external_link: { label: string } }) => a.external_link.label),
    ).toContain(`${fx.spec.repository}:web-latest`);
    expect(ctx.log.stdout.join('')).toContain(`${fx.spec.repository}@${report.indexDigest}`);
  });

  test('Docker schema 2 children become a Docker manifest list', async () => {
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'api',
      name: repo(),
      defaultTag: 'api-1',
      created: '2026-11-23T11:00:00Z',
      format: 'docker',
    });
    expect(await main(['manifest', '--project', 'api', '--spec', fx.specFile], context())).toBe(0);
    const raw = JSON.parse(await skopeoRaw(`${fx.spec.repository}:api-1`));
    expect(raw.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(
      raw.manifests.every(
        (m: { mediaType: string }) => m.mediaType === 'application/vnd.docker.distribution.manifest.v2+json',
      ),
    ).toBe(true);
    const amd = await skopeoInspect(`${fx.spec.repository}:api-1`, ['--override-arch', 'amd64']);
    expect(amd['Architecture']).toBe('amd64');
    expect(amd['Layers']).toEqual(
      (await skopeoInspect(`${fx.spec.repository}@${fx.digests['amd64']}`))['Layers'],
    );
  });

  test.each([
    {
      what: 'an arm64 image pushed as amd64 (wrong runner)',
      options: { actualPlatform: { amd64: 'linux/arm64' } },
      error: /children\[amd64\]: image sha256:[0-9a-f]+ is linux\/arm64(\/v8)?, expected linux\/amd64/,
    },
    {
      what: 'OCI and Docker children mixed',
      options: { actualFormat: { arm64: 'docker' as const } },
      error:
        /mix manifest formats \(amd64: application\/vnd\.oci\.image\.manifest\.v1\+json, arm64: application\/vnd\.docker/,
    },
  ])('$what fails and pushes nothing', async ({ options, error }) => {
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'bad',
      name: repo(),
      defaultTag: 'bad-1',
      extraTags: ['bad-latest'],
      created: '2026-11-23T11:00:00Z',
      ...options,
    });
    const ctx = context();
    expect(await main(['manifest', '--project', 'bad', '--spec', fx.specFile], ctx)).toBe(1);
    expect(ctx.log.stderr.join('')).toMatch(error);
    for (const tag of fx.spec.tags) expect(await digestOf(`${fx.spec.repository}:${tag}`)).toBeUndefined();
  });

  test('a missing or empty digest file fails before anything is pushed, naming arch and file', async () => {
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'gap',
      name: repo(),
      defaultTag: 'gap-1',
      created: '2026-11-23T11:00:00Z',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });
    await rm(path.join(dir, fx.spec.children[1]!.digestFile));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, fx.spec.children[2]!.digestFile), '\n');
    const ctx = context();
    expect(await main(['manifest', '--project', 'gap', '--spec', fx.specFile], ctx)).toBe(1);
    const err = ctx.log.stderr.join('');
    expect(err).toContain('gap: not every architecture was built; nothing was pushed: 2 problems');
    expect(err).toContain('digests/gap-arm64.digest: linux/arm64: the arm64 build left no digest file');
    expect(err).toContain('digests/gap-arm-v7.digest: linux/arm/v7: the arm-v7 digest file is empty');
    expect(await digestOf(`${fx.spec.repository}:gap-1`)).toBeUndefined();
  });

  test('the spec comes from KILN_MANIFEST_SPEC; bad JSON and a wrong project are clear errors', async () => {
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'env',
      name: repo(),
      defaultTag: 'env-1',
      created: '2026-11-23T11:00:00Z',
    });
    expect(
      await main(['manifest', '--project', 'env'], context({ KILN_MANIFEST_SPEC: JSON.stringify(fx.spec) })),
    ).toBe(0);
    expect(await digestOf(`${fx.spec.repository}:env-1`)).toMatch(/^sha256:/);

    const bad = context({ KILN_MANIFEST_SPEC: '{"project": "env",' });
    expect(await main(['manifest', '--project', 'env'], bad)).toBe(1);
    expect(bad.log.stderr.join('')).toContain('KILN_MANIFEST_SPEC is not valid JSON');

    const wrong = context({ KILN_MANIFEST_SPEC: JSON.stringify(fx.spec) });
    expect(await main(['manifest', '--project', 'other'], wrong)).toBe(1);
    expect(wrong.log.stderr.join('')).toContain('is the spec of project "env", not "other"');

    const invalid = context({
      KILN_MANIFEST_SPEC: JSON.stringify({ ...fx.spec, created: 'yesterday', tags: [] }),
    });
    expect(await main(['manifest', '--project', 'env'], invalid)).toBe(1);
    expect(invalid.log.stderr.join('')).toMatch(/KILN_MANIFEST_SPEC: tags: /);
    expect(invalid.log.stderr.join('')).toMatch(/KILN_MANIFEST_SPEC: created: /);

    expect(await main(['manifest'], context())).toBe(2);
  });

  test('the bundled CLI (dist/kiln.js, as the CI job runs it) publishes and prints the digest', async () => {
    const bundle = path.resolve('dist/kiln.js');
    await access(bundle).catch(() => {
      throw new Error(`${bundle} is missing: run npm run build (npm test does)`);
    });
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'cli',
      name: repo(),
      defaultTag: 'cli-1',
      extraTags: ['cli-latest'],
      created: '2026-11-23T11:00:00Z',
    });
    const { stdout, stderr } = await run('node', [bundle, 'manifest', '--project', 'cli'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], HOME: dir, KILN_MANIFEST_SPEC: JSON.stringify(fx.spec) },
    });
    const printed = stdout.trim();
    expect(printed).toMatch(new RegExp(`^${fx.spec.repository}@sha256:[0-9a-f]{64}$`));
    expect(await digestOf(`${fx.spec.repository}:cli-latest`)).toBe(printed.split('@')[1]);
    expect(stderr).toContain('cli-latest  created');
    // The dotenv report a later job (a deploy) reads: the same index, by digest.
    expect(await readFile(path.join(dir, 'kiln-image.env'), 'utf8')).toBe(`KILN_IMAGE_CLI=${printed}\n`);
  });
});
