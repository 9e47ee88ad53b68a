// The manifest job through a fault-injecting proxy in front of the real registry: resets (some
// after the registry already applied the request), 503s and 429s on about a third of requests,
// seeded. The job still completes, every tag ends at the index, and no tag is ever seen
// pointing at anything else (a watcher polls the registry directly while the job runs).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import { type FaultProxy, startFaultProxy } from '../../harness/fault-proxy.js';
import {
  type ManifestTestbed,
  preparePipeline,
  startManifestTestbed,
} from '../../harness/manifest-fixture.js';
import type { ImageBuilder, TestRegistry } from '../../harness/registry.js';

let registry: TestRegistry;
let builder: ImageBuilder;
let dir: string;
let testbed: ManifestTestbed;

beforeAll(async () => {
  testbed = await startManifestTestbed('kiln-faults-');
  ({ registry, builder, dir } = testbed);
});
afterAll(() => testbed?.stop());

const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';

describe('kiln manifest through a faulty network', () => {
  test.each([11, 22, 33, 44])(
    'seed %i: completes, every tag correct, never a partial state',
    async (seed) => {
      const name = `faults/app${seed}`;
      const fx = await preparePipeline({
        registry,
        builder,
        dir,
        project: 'web',
        name,
        defaultTag: `web-20261123-${seed}`,
        extraTags: ['web-latest', 'web-v1', 'web-stable'],
        created: '2026-11-23T10:00:00Z',
      });
      const proxy: FaultProxy = await startFaultProxy({ target: registry.host, rate: 0.35, seed });
      const seen = new Set<string>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          for (const tag of fx.spec.tags) {
            const response = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
              method: 'HEAD',
              headers: { accept: ACCEPT },
            });
            if (response.status === 200) seen.add(response.headers.get('docker-content-digest') ?? '?');
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      try {
        const spec = { ...fx.spec, repository: `${proxy.host}/${name}` };
        const log = createMemoryLogger();
        const ctx: Context = {
          cwd: dir,
          env: { KILN_MANIFEST_SPEC: JSON.stringify(spec) },
          now: new Date(),
          log,
        };
        const code = await main(['manifest', '--project', 'web', '--report', `faults-${seed}.json`], ctx);
        expect(log.stderr.join('')).not.toContain('error:');
        expect(code).toBe(0);
        // At least a fifth of the requests failed one way or another.
        expect(proxy.stats.faults / proxy.stats.requests).toBeGreaterThanOrEqual(0.2);
        expect(proxy.stats.faults).toBeGreaterThanOrEqual(3);

        const report = JSON.parse(await readFile(path.join(dir, `faults-${seed}.json`), 'utf8'));
        watching = false;
        await watcher;
        for (const tag of fx.spec.tags) {
          const response = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
            headers: { accept: ACCEPT },
          });
          expect(response.headers.get('docker-content-digest')).toBe(report.indexDigest);
          const index = (await response.json()) as { manifests: { digest: string }[] };
          expect(index.manifests.map((m) => m.digest)).toEqual([fx.digests['amd64'], fx.digests['arm64']]);
        }
        expect([...seen]).toEqual([report.indexDigest]);
      } finally {
        watching = false;
        await watcher;
        await proxy.stop();
      }
    },
  );
});

describe('publishing order', () => {
  test('the default tag is written before any additional tag, so a floating tag never leads it', async () => {
    const name = 'order/web';
    const fx = await preparePipeline({
      registry,
      builder,
      dir,
      project: 'web',
      name,
      defaultTag: 'web-20261123-0rder',
      extraTags: ['web-latest', 'web-v1', 'web-stable'],
      created: '2026-11-23T10:00:00Z',
    });
    const proxy = await startFaultProxy({ target: registry.host, rate: 0 });
    try {
      const spec = { ...fx.spec, repository: `${proxy.host}/${name}` };
      const ctx: Context = {
        cwd: dir,
        env: { KILN_MANIFEST_SPEC: JSON.stringify(spec) },
        now: new Date(),
        log: createMemoryLogger(),
      };
      expect(await main(['manifest', '--project', 'web', '--report', 'order.json'], ctx)).toBe(0);
      const tagPuts = proxy.stats.manifestPuts.filter((ref) => !ref.startsWith('sha256:'));
      expect(tagPuts[0]).toBe('web-20261123-0rder');
      expect(tagPuts.slice(1).sort()).toEqual(['web-latest', 'web-stable', 'web-v1']);
    } finally {
      await proxy.stop();
    }
  });
});
