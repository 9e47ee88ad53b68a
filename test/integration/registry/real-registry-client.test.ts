// The registry client against the real distribution registry: heads and gets by tag and digest,
// blob checks, and what the registry answers when it is offered only Docker media types; and the
// same registry behind a proxy that alters manifest bytes in transit (headers kept).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/log.js';
import { createRegistryClient, type RegistryClient, sha256Digest } from '../../../src/registry/client.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../../src/registry/media-types.js';
import { type FaultProxy, startFaultProxy } from '../../harness/fault-proxy.js';
import {
  createImageBuilder,
  type ImageBuilder,
  type PushedImage,
  startRegistry,
  type TestRegistry,
} from '../../harness/registry.js';

let registry: TestRegistry;
let builder: ImageBuilder;
let client: RegistryClient;
let pushed: PushedImage;
let corrupting: FaultProxy;

/** One byte more than the registry sent: what a broken middlebox or cache might hand over. */
const altered = (bytes: Buffer) => Buffer.concat([bytes, Buffer.from('\n')]);

beforeAll(async () => {
  [registry, builder] = await Promise.all([startRegistry(), createImageBuilder()]);
  client = createRegistryClient({ host: registry.host, insecure: true, log: createMemoryLogger() });
  pushed = await builder.push({ reference: `${registry.host}/client/app:v1`, platform: 'linux/arm64' });
  corrupting = await startFaultProxy({
    target: registry.host,
    tamper: ({ method, url }, status, body) =>
      method === 'GET' && status === 200 && url.includes('/manifests/') ? altered(body) : undefined,
  });
});
afterAll(async () => {
  await Promise.all([registry?.stop(), builder?.cleanup(), corrupting?.stop()]);
});

describe('registry client on a real registry', () => {
  test('head and get by tag and by digest agree with what buildah pushed', async () => {
    const byTag = await client.headManifest('client/app', 'v1');
    expect(byTag).toMatchObject({ digest: pushed.digest, mediaType: OCI_MANIFEST });
    const byDigest = await client.getManifest('client/app', pushed.digest);
    expect(byDigest?.digest).toBe(pushed.digest);
    expect(byDigest?.bytes.length).toBe(byTag?.size);
    expect(await client.headManifest('client/app', 'absent')).toBeUndefined();
  });

  test('blobExists sees the config blob and not an unknown one', async () => {
    const manifest = JSON.parse((await client.getManifest('client/app', 'v1'))?.bytes.toString() ?? '{}');
    expect(await client.blobExists('client/app', manifest.config.digest)).toBe(true);
    expect(await client.blobExists('client/app', `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  test('an index PUT by tag reads back with its media type; Docker-only Accept does not get it', async () => {
    const manifest = await client.getManifest('client/app', pushed.digest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: pushed.digest,
            size: manifest?.bytes.length,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    );
    const digest = await client.putManifest('client/app', 'multi', index, OCI_INDEX);
    expect(await client.headManifest('client/app', 'multi')).toMatchObject({ digest, mediaType: OCI_INDEX });
    // Why the client always sends every type: with Docker types only, the index is "unknown".
    const dockerOnly = await fetch(`${registry.url}/v2/client/app/manifests/multi`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(dockerOnly.headers.get('content-type')).not.toBe(OCI_INDEX);
  });
});

describe('registry client on a real registry, manifest bytes altered in transit', () => {
  const viaProxy = () =>
    createRegistryClient({
      host: corrupting.host,
      insecure: true,
      log: createMemoryLogger(),
      retry: { attempts: 1, maxTotalMs: 1000, baseDelayMs: 1, maxDelayMs: 1 },
    });

  test('by digest: bytes that do not hash to the digest asked for are refused', async () => {
    const original = await client.getManifest('client/app', pushed.digest);
    const received = sha256Digest(altered(original?.bytes ?? Buffer.alloc(0)));
    await expect(viaProxy().getManifest('client/app', pushed.digest)).rejects.toThrow(
      `registry ${corrupting.host}, repository client/app, reference ${pushed.digest}: the manifest received hashes to ${received}`,
    );
  });

  test("by tag: bytes that disagree with the registry's Docker-Content-Digest are refused", async () => {
    const original = await client.getManifest('client/app', 'v1');
    const received = sha256Digest(altered(original?.bytes ?? Buffer.alloc(0)));
    await expect(viaProxy().getManifest('client/app', 'v1')).rejects.toThrow(
      `registry ${corrupting.host}, repository client/app, reference v1: the registry sent Docker-Content-Digest ${pushed.digest} but the manifest hashes to ${received}`,
    );
  });
});
