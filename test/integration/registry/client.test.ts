// Registry client edge cases no distribution registry produces on its own, scripted by a local
// HTTP server on 127.0.0.1: blob redirects to another origin (as S3-backed registries and ECR do),
// the Accept and Content-Type headers, and a registry that stays down.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/log.js';
import { createRegistryClient, sha256Digest } from '../../../src/registry/client.js';
import { OCI_INDEX } from '../../../src/registry/media-types.js';
import { freePort } from '../../harness/net.js';

const blob = Buffer.from('{"architecture":"arm64","os":"linux"}');
const blobDigest = sha256Digest(blob);
const seen: { url: string; method: string; headers: Record<string, unknown> }[] = [];
let storage: Server;
let registry: Server;
let storageHost = '';
let registryHost = '';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  storage = createServer((req, res) => {
    seen.push({ url: `storage${req.url}`, method: req.method ?? '', headers: req.headers });
    res.writeHead(200).end(blob);
  });
  registry = createServer((req, res) => {
    seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
    if (req.url?.includes('/blobs/')) {
      res
        .writeHead(307, { location: `http://${storageHost}/signed/${blobDigest}?X-Amz-Signature=abc` })
        .end();
    } else if (req.url?.startsWith('/v2/down/')) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]}');
    } else if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => res.writeHead(201, { 'docker-content-digest': `sha256:${'0'.repeat(64)}` }).end());
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    }
  });
  [storageHost, registryHost] = await Promise.all([listen(storage), listen(registry)]);
});
afterAll(async () => {
  await Promise.all([new Promise((r) => storage.close(r)), new Promise((r) => registry.close(r))]);
});

function client() {
  return createRegistryClient({
    host: registryHost,
    insecure: true,
    log: createMemoryLogger(),
    credentials: { username: 'u', password: 'registry-password' },
    retry: { attempts: 3, maxTotalMs: 2000, baseDelayMs: 10, maxDelayMs: 50 },
  });
}

describe('registry client', () => {
  test('config blobs follow a redirect to another origin, without our credentials, and are digest-checked', async () => {
    seen.length = 0;
    expect(await client().getBlob('team/app', blobDigest)).toEqual(blob);
    const hop = seen.find((s) => s.url.startsWith('storage/'));
    expect(hop?.url).toContain('X-Amz-Signature=abc');
    expect(hop?.headers['authorization']).toBeUndefined();
  });

  test('manifest reads accept OCI and Docker, index and image; 404 is "absent", not an error', async () => {
    seen.length = 0;
    expect(await client().getManifest('team/app', 'latest')).toBeUndefined();
    const accept = String(seen[0]?.headers['accept']);
    for (const type of [
      'oci.image.index.v1',
      'oci.image.manifest.v1',
      'manifest.list.v2',
      'distribution.manifest.v2',
    ]) {
      expect(accept).toContain(type);
    }
  });

  test('PUT sends the media type as Content-Type and returns the digest the registry reports', async () => {
    seen.length = 0;
    expect(await client().putManifest('team/app', 'v1', Buffer.from('{}'), OCI_INDEX)).toBe(
      `sha256:${'0'.repeat(64)}`,
    );
    expect(seen[0]?.headers['content-type']).toBe(OCI_INDEX);
  });

  test('a registry that stays down fails after the bounded retries, naming everything', async () => {
    seen.length = 0;
    const failure = client().headManifest('down/app', 'v1');
    await expect(failure).rejects.toThrow(
      `HEAD failed: registry ${registryHost}, repository down/app, reference v1: HTTP 503`,
    );
    expect(seen.filter((s) => s.url.startsWith('/v2/down/'))).toHaveLength(3);
  });

  test('a refused connection is retried, then reported with the registry named', async () => {
    const port = await freePort(); // nothing listens there
    const dead = createRegistryClient({
      host: `127.0.0.1:${port}`,
      insecure: true,
      log: createMemoryLogger(),
      retry: { attempts: 2, maxTotalMs: 1000, baseDelayMs: 5, maxDelayMs: 10 },
    });
    await expect(dead.getManifest('team/app', 'v1')).rejects.toThrow(
      new RegExp(
        `GET failed: registry 127\\.0\\.0\\.1:${port}, repository team/app, reference v1: ECONNREFUSED`,
      ),
    );
  });
});
