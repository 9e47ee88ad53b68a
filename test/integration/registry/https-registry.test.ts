// The registry client over HTTPS, the way every real registry (ECR included) is reached: the
// bundled CLI publishes through a TLS front on 127.0.0.1 (a self-signed certificate made with
// openssl, trusted through NODE_EXTRA_CA_CERTS) to the real distribution registry behind it. And
// without that trust, TLS is verified: the job fails naming the registry, and pushes nothing.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ManifestTestbed,
  preparePipeline,
  startManifestTestbed,
} from '../../harness/manifest-fixture.js';
import { type LocalListener, listenLocal } from '../../harness/net.js';
import { requireTool } from '../../harness/tools.js';

const run = promisify(execFile);
let testbed: ManifestTestbed;
let front: LocalListener;
let cert: string;
const seen: string[] = [];
let refusedHandshakes = 0;

beforeAll(async () => {
  requireTool('openssl', 'openssl');
  testbed = await startManifestTestbed('kiln-https-');
  cert = path.join(testbed.dir, 'cert.pem');
  const key = path.join(testbed.dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  // TLS in front, plain HTTP to the registry behind; the registry builds its URLs for https.
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(
      `${testbed.registry.url}${req.url}`,
      { method: req.method, headers: { ...req.headers, 'x-forwarded-proto': 'https' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('tlsClientError', () => {
    refusedHandshakes += 1;
  });
  front = await listenLocal(server);
});
afterAll(async () => {
  await front?.stop();
  await testbed?.stop();
});

describe('a registry over HTTPS', () => {
  async function cliSpec(name: string) {
    const bundle = path.resolve('dist/kiln.js');
    await access(bundle).catch(() => {
      throw new Error(`${bundle} is missing: run npm run build (npm test does)`);
    });
    const fx = await preparePipeline({
      registry: testbed.registry,
      builder: testbed.builder,
      dir: testbed.dir,
      project: 'tls',
      name,
      defaultTag: 'tls-1',
      extraTags: ['tls-latest'],
      created: '2026-11-23T11:00:00Z',
    });
    return { bundle, spec: { ...fx.spec, repository: `${front.host}/${name}`, insecureRegistry: false } };
  }

  const digestOf = async (name: string, tag: string) => {
    const response = await fetch(`${testbed.registry.url}/v2/${name}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    return response.status === 200 ? response.headers.get('docker-content-digest') : null;
  };

  test('kiln manifest publishes through TLS and prints the digest the registry holds', async () => {
    const { bundle, spec } = await cliSpec('kiln/tls-ok');
    seen.length = 0;
    const { stdout } = await run('node', [bundle, 'manifest', '--project', 'tls'], {
      cwd: testbed.dir,
      env: {
        PATH: process.env['PATH'],
        HOME: testbed.dir,
        NODE_EXTRA_CA_CERTS: cert,
        KILN_MANIFEST_SPEC: JSON.stringify(spec),
      },
    });
    const printed = stdout.trim();
    expect(printed).toMatch(new RegExp(`^${front.host}/kiln/tls-ok@sha256:[0-9a-f]{64}$`));
    expect(await digestOf('kiln/tls-ok', 'tls-latest')).toBe(printed.split('@')[1]);
    expect(seen.some((line) => line.startsWith('PUT /v2/kiln/tls-ok/manifests/'))).toBe(true);
  });

  test('an untrusted certificate fails the job naming the registry, and nothing is pushed', async () => {
    const { bundle, spec } = await cliSpec('kiln/tls-untrusted');
    refusedHandshakes = 0;
    const failure = await run('node', [bundle, 'manifest', '--project', 'tls'], {
      cwd: testbed.dir,
      env: { PATH: process.env['PATH'], HOME: testbed.dir, KILN_MANIFEST_SPEC: JSON.stringify(spec) },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`registry ${front.host}`);
    expect(failure?.stderr).toMatch(/SELF_SIGNED|self[- ]signed|certificate/i);
    expect(failure?.stderr).toContain('NODE_EXTRA_CA_CERTS');
    expect(await digestOf('kiln/tls-untrusted', 'tls-1')).toBeNull();
    // Not retried: an untrusted certificate stays untrusted. One handshake per child read at once.
    expect(refusedHandshakes).toBeGreaterThan(0);
    expect(refusedHandshakes).toBeLessThanOrEqual(spec.children.length);
  });
});
