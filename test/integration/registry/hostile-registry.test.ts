// What a real distribution registry never does on its own — a registry that never answers, stalls,
// streams without end, declares 600 MB, closes early, sends bytes that are not the digest asked
// for, redirects a manifest PUT, or a token endpoint answering HTML — scripted by a local HTTP
// server on 127.0.0.1 that otherwise answers as the OCI distribution spec says:
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
// The client gets short timeouts here; each bound is asserted against the clock, with a margin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { createMemoryLogger } from '../../../src/log.js';
import {
  createRegistryClient,
  type RegistryClientOptions,
  sha256Digest,
} from '../../../src/registry/client.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../../src/registry/media-types.js';
import { type LocalListener, listenLocal } from '../../harness/net.js';

const TIMEOUTS = { headersMs: 300, idleMs: 300, totalMs: 3000 };
const RETRY = { attempts: 2, maxTotalMs: 5000, baseDelayMs: 10, maxDelayMs: 10 };
const MIB = 1024 * 1024;
const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }));
const other = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [{}] }));
const PAGE_SECRET = 'csrf-7f3a9c1e-session';

let server: LocalListener;
const requests: { method: string; url: string }[] = [];
/** Bytes each streaming route managed to write before the client hung up. */
const sent: Record<string, number> = {};

/** Writes chunks as fast as the client reads them, until it goes away (or `limit`). */
function stream(name: string, req: IncomingMessage, res: ServerResponse, limit = Number.POSITIVE_INFINITY) {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  sent[name] = 0;
  const pump = () => {
    while (!res.destroyed && (sent[name] ?? 0) < limit) {
      sent[name] = (sent[name] ?? 0) + chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  req.socket.on('close', () => res.removeAllListeners('drain'));
  pump();
}

function route(req: IncomingMessage, res: ServerResponse) {
  requests.push({ method: req.method ?? '', url: req.url ?? '' });
  const url = req.url ?? '';
  const repository = /^\/v2\/([^/]+)\//.exec(url)?.[1];
  const json = { 'content-type': OCI_MANIFEST };
  switch (repository) {
    case 'silent':
      return; // holds the connection, never answers
    case 'stall':
      res.writeHead(200, { ...json, 'content-length': String(manifest.length) });
      res.write(manifest.subarray(0, 10));
      return; // and nothing more
    case 'endless':
      res.writeHead(200, json);
      return stream('endless', req, res);
    case 'huge':
      res.writeHead(200, { ...json, 'content-length': String(600 * MIB) });
      return stream('huge', req, res, 600 * MIB);
    case 'truncated':
      res.writeHead(200, { ...json, 'content-length': String(manifest.length) });
      res.write(manifest.subarray(0, 10));
      setTimeout(() => req.socket.destroy(), 20);
      return;
    case 'swapped':
      // Answers every reference with other bytes, and names their true digest.
      res.writeHead(200, { ...json, 'docker-content-digest': sha256Digest(other) }).end(other);
      return;
    case 'lying':
      res.writeHead(200, { ...json, 'docker-content-digest': sha256Digest(other) }).end(manifest);
      return;
    case 'moved':
      req.resume();
      res.writeHead(307, { location: `http://${server.host}/v2/elsewhere/manifests/v1?sig=abc` }).end();
      return;
    case 'elsewhere':
      req.resume();
      req.on('end', () => res.writeHead(201, { 'docker-content-digest': sha256Digest(manifest) }).end());
      return;
  }
  // Each of these repositories sends the token request to a realm that misbehaves its own way.
  const realm = { 'html-token': '/login', 'silent-token': '/hang', 'huge-token': '/flood' }[repository ?? ''];
  if (realm) {
    res
      .writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}${realm}",service="kiln"` })
      .end();
    return;
  }
  if (url.startsWith('/login')) {
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<html><form><input name="csrf" value="${PAGE_SECRET}"></form></html>`);
    return;
  }
  if (url.startsWith('/hang')) return;
  if (url.startsWith('/flood')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"token":"');
    return stream('flood', req, res);
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
}

beforeAll(async () => {
  server = await listenLocal(createServer(route));
});
afterAll(() => server?.stop());

function client(extra: Partial<RegistryClientOptions> = {}) {
  return createRegistryClient({
    host: server.host,
    insecure: true,
    log: createMemoryLogger(),
    credentials: { username: 'kiln', password: 'registry-password' },
    retry: RETRY,
    timeouts: TIMEOUTS,
    ...extra,
  });
}

/** The error a call ends in, and how long it took. */
async function failure(call: () => Promise<unknown>): Promise<{ error: KilnError; ms: number }> {
  const start = performance.now();
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(KilnError);
    return { error: error as KilnError, ms: performance.now() - start };
  }
  throw new Error('expected the call to fail');
}

const named = (repository: string, reference: string) =>
  `registry ${server.host}, repository ${repository}, reference ${reference}`;

describe('bounded waits', () => {
  test('a registry that never answers fails after the headers timeout of each attempt, naming registry, repository and reference', async () => {
    requests.length = 0;
    const { error, ms } = await failure(() => client().getManifest('silent', 'v1'));
    expect(error.message).toBe(`GET failed: ${named('silent', 'v1')}: no response within 0.3 s`);
    expect(error.code).toBe('REGISTRY_FAILED');
    // Two attempts of 300 ms each, 10 ms apart; the margin absorbs a slow machine.
    expect(requests.filter((r) => r.url.startsWith('/v2/silent/'))).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(2 * TIMEOUTS.headersMs);
    expect(ms).toBeLessThan(2 * TIMEOUTS.headersMs + 1500);
  }, 10_000);

  test('a body that stops arriving fails after the idle timeout', async () => {
    const { error, ms } = await failure(() => client().getManifest('stall', 'v1'));
    expect(error.message).toBe(
      `GET failed: ${named('stall', 'v1')}: the response stalled: no data for 0.3 s after 10 of ${manifest.length} bytes`,
    );
    expect(ms).toBeLessThan(2 * TIMEOUTS.idleMs + 1500);
  }, 10_000);

  test('a token endpoint that never answers fails after the headers timeout, naming the realm', async () => {
    const { error, ms } = await failure(() => client().getManifest('silent-token', 'v1'));
    expect(error.message).toBe(
      `token request to http://${server.host}/hang for registry ${server.host} (repository:silent-token:pull) failed: no response within 0.3 s`,
    );
    expect(ms).toBeLessThan(2 * TIMEOUTS.headersMs + 1500);
  }, 10_000);
});

describe('bounded bodies', () => {
  test('an endless manifest stream is cut off at 4 MiB and the connection dropped', async () => {
    const { error } = await failure(() => client().getManifest('endless', 'v1'));
    expect(error.message).toBe(
      `GET failed: ${named('endless', 'v1')}: the response is larger than 4 MiB, the most kiln reads for a manifest; it stopped reading`,
    );
    expect(error.hint).toMatch(/4 MiB/);
    // Socket buffers on loopback hold a few MiB; without the cut-off the server would write on.
    await expect.poll(() => sent['endless'], { timeout: 2000 }).toBeLessThan(32 * MIB);
  }, 10_000);

  test('a manifest declared at 600 MB is refused from its Content-Length, without reading it', async () => {
    const { error } = await failure(() => client().getManifest('huge', 'v1'));
    expect(error.message).toBe(
      `GET failed: ${named('huge', 'v1')}: the response is larger than 4 MiB, the most kiln reads for a manifest (Content-Length ${600 * MIB}); it stopped reading`,
    );
    expect(sent['huge']).toBeLessThan(32 * MIB);
  }, 10_000);

  test('a body shorter than its Content-Length is reported as truncated', async () => {
    const { error } = await failure(() => client().getManifest('truncated', 'v1'));
    expect(error.message).toBe(
      `GET failed: ${named('truncated', 'v1')}: the connection closed after 10 of ${manifest.length} bytes`,
    );
  }, 10_000);

  test('an endless token response is cut off at 1 MiB', async () => {
    const { error } = await failure(() => client().getManifest('huge-token', 'v1'));
    expect(error.message).toBe(
      `token request to http://${server.host}/flood for registry ${server.host} (repository:huge-token:pull) failed: the response is larger than 1 MiB, the most kiln reads for a token; it stopped reading`,
    );
    await expect.poll(() => sent['flood'], { timeout: 2000 }).toBeLessThan(32 * MIB);
  }, 10_000);
});

describe('content addressing', () => {
  test('a manifest fetched by digest whose bytes hash to another digest is refused', async () => {
    const digest = sha256Digest(manifest);
    const { error } = await failure(() => client().getManifest('swapped', digest));
    expect(error.message).toBe(
      `${named('swapped', digest)}: the manifest received hashes to ${sha256Digest(other)}`,
    );
  });

  test('a Docker-Content-Digest that disagrees with the bytes is refused, by tag too', async () => {
    const { error } = await failure(() => client().getManifest('lying', 'v1'));
    expect(error.message).toBe(
      `${named('lying', 'v1')}: the registry sent Docker-Content-Digest ${sha256Digest(other)} but the manifest hashes to ${sha256Digest(manifest)}`,
    );
  });
});

describe('answers that used to end in "internal error"', () => {
  test('a 307 on a manifest PUT is refused, naming where it pointed; nothing is sent there', async () => {
    requests.length = 0;
    const { error } = await failure(() => client().putManifest('moved', 'v1', manifest, OCI_INDEX));
    expect(error.message).toBe(
      `PUT failed: ${named('moved', 'v1')}: the registry redirected the write (HTTP 307) to http://${server.host}/v2/elsewhere/manifests/v1; kiln does not follow redirects of a manifest PUT`,
    );
    expect(error.hint).toMatch(/registry host/);
    expect(requests.filter((r) => r.url.startsWith('/v2/elsewhere/'))).toEqual([]);
    // The query of the Location (a signature, maybe) stays out of the message.
    expect(error.message).not.toContain('sig=abc');
  });

  test('a token endpoint answering HTML fails naming the realm, status and content type, not the page', async () => {
    const { error } = await failure(() => client().getManifest('html-token', 'v1'));
    expect(error.message).toBe(
      `token request to http://${server.host}/login for registry ${server.host} (repository:html-token:pull) failed: HTTP 200 with content type text/html; charset=utf-8 is not a JSON token response`,
    );
    expect(error.hint).toMatch(/realm/);
    expect(`${error.message} ${error.hint}`).not.toContain(PAGE_SECRET);
  });
});
