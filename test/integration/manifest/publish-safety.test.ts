// Rerun safety and floating tags, against a real distribution registry: reruns and half-failed
// runs end in the state of one clean run; an older pipeline finishing late never moves a
// floating tag back.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import { runManifest } from '../../../src/manifest/run-manifest.js';
import { createRegistryClient } from '../../../src/registry/client.js';
import type { ManifestSpec } from '../../../src/types.js';
import {
  type ManifestTestbed,
  type PipelineFixture,
  preparePipeline,
  startManifestTestbed,
} from '../../harness/manifest-fixture.js';
import type { ImageBuilder, TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let builder: ImageBuilder;
let dir: string;
let testbed: ManifestTestbed;
let counter = 0;

beforeAll(async () => {
  testbed = await startManifestTestbed('kiln-publish-');
  ({ registry, builder, dir } = testbed);
});
afterAll(() => testbed?.stop());

async function runManifestJob(spec: ManifestSpec) {
  const log = createMemoryLogger();
  const ctx: Context = { cwd: dir, env: { KILN_MANIFEST_SPEC: JSON.stringify(spec) }, now: new Date(), log };
  const code = await main(
    ['manifest', '--project', spec.project, '--report', `report-${spec.tags[0]}.json`],
    ctx,
  );
  const report =
    code === 0
      ? JSON.parse(await readFile(path.join(dir, `report-${spec.tags[0]}.json`), 'utf8'))
      : undefined;
  return { code, report, stderr: log.stderr.join('') };
}

/** tag → digest for every tag of the repository (the registry's own tag list). */
async function tagState(repository: string): Promise<Record<string, string>> {
  const name = repository.slice(repository.indexOf('/') + 1);
  const list = (await (await fetch(`${registry.url}/v2/${name}/tags/list`)).json()) as {
    tags: string[] | null;
  };
  const state: Record<string, string> = {};
  for (const tag of (list.tags ?? []).sort()) {
    const response = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
      method: 'HEAD',
      headers: {
        accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    state[tag] = response.headers.get('docker-content-digest') ?? '?';
  }
  return state;
}

function pipeline(name: string, defaultTag: string, created: string): Promise<PipelineFixture> {
  return preparePipeline({
    registry,
    builder,
    dir,
    project: 'web',
    name,
    defaultTag,
    extraTags: ['web-latest', 'web-v1'],
    created,
  });
}

describe('publish: rerun safety', () => {
  test('running the same job twice ends in the state of one run; the rerun writes nothing', async () => {
    counter += 1;
    const fx = await pipeline(`rerun/app${counter}`, 'web-20261123-aaaaaaa', '2026-11-23T10:00:00Z');
    const first = await runManifestJob(fx.spec);
    expect(first.code).toBe(0);
    const once = await tagState(fx.spec.repository);
    const second = await runManifestJob(fx.spec);
    expect(second.code).toBe(0);
    expect(await tagState(fx.spec.repository)).toEqual(once);
    expect(second.report.indexDigest).toBe(first.report.indexDigest);
    expect(second.report.tags.map((t: { status: string }) => t.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  test('a rerun after a run that died half-way ends in the state of one clean run', async () => {
    counter += 1;
    const clean = await pipeline(`clean/app${counter}`, 'web-20261123-bbbbbbb', '2026-11-23T10:00:00Z');
    expect((await runManifestJob(clean.spec)).code).toBe(0);

    const half = await pipeline(`half/app${counter}`, 'web-20261123-bbbbbbb', '2026-11-23T10:00:00Z');
    // The first run got as far as the default tag and one floating tag.
    expect((await runManifestJob({ ...half.spec, tags: half.spec.tags.slice(0, 2) })).code).toBe(0);
    const rerun = await runManifestJob(half.spec);
    expect(rerun.code).toBe(0);
    expect(rerun.report.tags.map((t: { status: string }) => t.status)).toEqual([
      'unchanged',
      'unchanged',
      'created',
    ]);

    // Same tags, each at the one index, and that index is the same bytes a clean run pushed.
    const cleanState = await tagState(clean.spec.repository);
    const halfState = await tagState(half.spec.repository);
    expect(Object.keys(halfState)).toEqual(Object.keys(cleanState));
    expect(halfState['web-latest']).toBe(halfState['web-20261123-bbbbbbb']);
    expect(halfState['web-v1']).toBe(halfState['web-20261123-bbbbbbb']);
    expect(halfState['web-latest']).toBe(rerun.report.indexDigest);
  });
});

describe('publish: floating tags never move backwards', () => {
  test('an older pipeline finishing late keeps its own tag but does not move latest back', async () => {
    counter += 1;
    const name = `float/app${counter}`;
    const older = await pipeline(name, 'web-20261123-1111111', '2026-11-23T09:00:00Z');
    const newer = await pipeline(name, 'web-20261123-2222222', '2026-11-23T09:30:00Z');

    // Interleaved: the newer pipeline's manifest job finishes first…
    const n = await runManifestJob(newer.spec);
    expect(n.code).toBe(0);
    // …then the older one's.
    const o = await runManifestJob(older.spec);
    expect(o.code).toBe(0);
    expect(o.report.tags).toEqual([
      { tag: 'web-20261123-1111111', status: 'created' },
      {
        tag: 'web-latest',
        status: 'skipped-newer',
        previous: { digest: n.report.indexDigest, created: '2026-11-23T09:30:00Z' },
      },
      {
        tag: 'web-v1',
        status: 'skipped-newer',
        previous: { digest: n.report.indexDigest, created: '2026-11-23T09:30:00Z' },
      },
    ]);
    expect(o.stderr).toContain('tag web-latest not moved');

    const state = await tagState(newer.spec.repository);
    expect(state).toEqual({
      'web-20261123-1111111': o.report.indexDigest,
      'web-20261123-1111111-amd64': older.digests['amd64'],
      'web-20261123-1111111-arm64': older.digests['arm64'],
      'web-20261123-2222222': n.report.indexDigest,
      'web-20261123-2222222-amd64': newer.digests['amd64'],
      'web-20261123-2222222-arm64': newer.digests['arm64'],
      'web-latest': n.report.indexDigest,
      'web-v1': n.report.indexDigest,
    });
  });

  test('in order, the newer pipeline moves the floating tags forward', async () => {
    counter += 1;
    const name = `forward/app${counter}`;
    const older = await pipeline(name, 'web-20261123-3333333', '2026-11-23T09:00:00Z');
    const newer = await pipeline(name, 'web-20261123-4444444', '2026-11-23T09:30:00Z');
    const o = await runManifestJob(older.spec);
    const n = await runManifestJob(newer.spec);
    expect(n.report.tags.map((t: { status: string }) => t.status)).toEqual(['created', 'moved', 'moved']);
    expect(n.report.tags[1].previous).toEqual({
      digest: o.report.indexDigest,
      created: '2026-11-23T09:00:00Z',
    });
    const state = await tagState(newer.spec.repository);
    expect(state['web-latest']).toBe(n.report.indexDigest);
    expect(state['web-v1']).toBe(n.report.indexDigest);
  });

  test('a newer pipeline writing between our PUT and our read-back keeps the tag', async () => {
    counter += 1;
    const name = `race/app${counter}`;
    const older = await pipeline(name, 'web-20261123-5555555', '2026-11-23T09:00:00Z');
    const newer = await pipeline(name, 'web-20261123-6666666', '2026-11-23T09:30:00Z');
    // The newer pipeline has published its own tag only, so far.
    const n = await runManifestJob({ ...newer.spec, tags: [newer.spec.tags[0] ?? ''] });
    expect(n.code).toBe(0);
    const newerIndex = await fetch(`${registry.url}/v2/${name}/manifests/${newer.spec.tags[0]}`, {
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const newerBytes = Buffer.from(await newerIndex.arrayBuffer());

    // The older job runs; right after its PUT of web-latest lands, the newer pipeline moves
    // web-latest (the registry API has no compare-and-swap, so this window exists).
    let interleaved = false;
    const racing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!interleaved && init?.method === 'PUT' && String(input).endsWith('/manifests/web-latest')) {
        interleaved = true;
        const moved = await fetch(String(input), {
          method: 'PUT',
          headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
          body: newerBytes,
        });
        expect(moved.status).toBe(201);
      }
      return response;
    };
    const log = createMemoryLogger();
    const client = createRegistryClient({ host: registry.host, insecure: true, log, fetch: racing });
    const ctx: Context = { cwd: dir, env: {}, now: new Date(), log };
    const report = await runManifest({ spec: older.spec, ctx, client });
    expect(interleaved).toBe(true);
    expect(report.tags.find((t) => t.tag === 'web-latest')).toEqual({
      tag: 'web-latest',
      status: 'skipped-newer',
      previous: { digest: n.report.indexDigest, created: '2026-11-23T09:30:00Z' },
    });
    const state = await tagState(newer.spec.repository);
    expect(state['web-latest']).toBe(n.report.indexDigest);
    expect(state['web-v1']).toBe(report.indexDigest);
  });
});
