// The OCI distribution API client kiln needs: manifests by tag or digest (get, head, put) and
// blobs (exists, get). node:http only (http-transport.ts) — no registry CLI. Auth via the
// authenticator, retries via retry.ts, bounds via bounded-fetch.ts; every failure names registry,
// repository, reference and status.
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
import { createHash } from 'node:crypto';
import { KilnError } from '../errors.js';
import type { Logger } from '../log.js';
import { createAuthenticator } from './auth/authenticator.js';
import { repositoryScope } from './auth/challenge.js';
import type { Credentials } from './auth/credentials.js';
import { type BoundedResponse, boundedFetch, FetchFailed, redactUrl } from './bounded-fetch.js';
import { fetchTransport, type HttpAnswer, nodeTransport } from './http-transport.js';
import { DEFAULT_TIMEOUTS, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, type Timeouts } from './limits.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { checkReference } from './reference.js';
import {
  describeTarget,
  fetchFailedError,
  httpError,
  type RequestTarget,
  redirectedWriteError,
} from './registry-error.js';
import {
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryClock,
  type RetryPolicy,
  withRetry,
} from './retry.js';

export interface Manifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export interface ManifestHead {
  mediaType: string;
  digest: string;
  size: number;
}

export interface RegistryClient {
  host: string;
  getManifest(repository: string, reference: string): Promise<Manifest | undefined>;
  headManifest(repository: string, reference: string): Promise<ManifestHead | undefined>;
  /** PUTs the bytes under a tag or their digest; returns the digest the registry reports. */
  putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  blobExists(repository: string, digest: string): Promise<boolean>;
  getBlob(repository: string, digest: string): Promise<Buffer>;
}

export interface RegistryClientOptions {
  host: string;
  /** Plain HTTP (local registries). */
  insecure: boolean;
  credentials?: Credentials;
  log: Logger;
  retry?: RetryPolicy;
  clock?: RetryClock;
  /** Bounds of each request (limits.ts); tests shorten them. */
  timeouts?: Partial<Timeouts>;
  /** Tests that script the exchange pass a fetch; kiln itself talks node:http. */
  fetch?: typeof fetch;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Call {
  method: 'GET' | 'HEAD' | 'PUT';
  repository: string;
  reference: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  push?: boolean;
  /** Statuses that are answers, not failures (404 for "absent"). */
  ok?: number[];
  /** The most a successful body may hold; a manifest's by default. */
  limit?: { bytes: number; what: string };
}

/** The media type of a response, without parameters (`…+json; charset=utf-8` → `…+json`). */
function mediaTypeHeader(response: HttpAnswer): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport;
  const base = `${options.insecure ? 'http' : 'https'}://${options.host}/v2/`;
  const origin = new URL(base).origin;
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const auth = createAuthenticator({
    host: options.host,
    insecure: options.insecure,
    log: options.log,
    transport,
    timeouts,
    retry: { policy: options.retry ?? DEFAULT_RETRY, ...(options.clock ? { clock: options.clock } : {}) },
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });

  async function call(c: Call): Promise<{ response: HttpAnswer; body: Buffer }> {
    const target: RequestTarget = {
      host: options.host,
      repository: c.repository,
      reference: c.reference,
      method: c.method,
    };
    const scope = repositoryScope(c.repository, c.push ?? false);
    let authRetried = false;
    return await withRetry(
      async () => {
        const authorization = auth.header(scope);
        let answer: BoundedResponse;
        try {
          answer = await boundedFetch({
            url: new URL(base + c.path),
            method: c.method,
            ...(c.headers ? { headers: c.headers } : {}),
            ...(c.body ? { body: c.body } : {}),
            ...(authorization ? { authorization: { value: authorization, origin } } : {}),
            // The spec redirects reads (blobs to storage), never a manifest PUT. Following one would
            // publish where nobody configured; a proxy's http→https or path rewrite means the
            // registry setting is wrong, so kiln refuses and says so instead of guessing.
            followRedirects: c.method !== 'PUT',
            limit: c.limit ?? { bytes: MAX_MANIFEST_BYTES, what: 'manifest' },
            timeouts,
            transport,
          });
        } catch (error) {
          if (!(error instanceof FetchFailed)) throw error;
          // Resets, timeouts and cut-off bodies are worth another try; an oversized answer is not.
          if (!error.retryable) throw fetchFailedError(target, error);
          return {
            kind: 'retry',
            reason: `${c.method} ${c.path}: ${error.message}`,
            last: fetchFailedError(target, error),
          };
        }
        const { response, body } = answer;
        // A 401 from the storage a read was redirected to is an answer, not a challenge: only the
        // registry names the realm our credentials go to.
        if (response.status === 401 && answer.url.origin === origin && !authRetried) {
          authRetried = true;
          if (await auth.challenge(response.headers.get('www-authenticate'), scope, authorization)) {
            return {
              kind: 'retry',
              reason: 'authenticating',
              retryAfterMs: 0,
              last: httpError(target, 401, ''),
            };
          }
        }
        const location = response.headers.get('location');
        if (c.method === 'PUT' && response.status >= 300 && response.status < 400 && location) {
          throw redirectedWriteError(target, response.status, redactUrl(new URL(location, answer.url)));
        }
        if (response.ok || c.ok?.includes(response.status))
          return { kind: 'done', value: { response, body } };
        const failure = httpError(target, response.status, body.toString('utf8'));
        if (!isRetryableStatus(response.status)) throw failure;
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
        return {
          kind: 'retry',
          reason: `${c.method} ${c.path}: HTTP ${response.status}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          last: failure,
        };
      },
      {
        policy: options.retry ?? DEFAULT_RETRY,
        ...(options.clock ? { clock: options.clock } : {}),
        onRetry: (reason, delay) =>
          options.log.debug(`registry ${options.host}: retry in ${Math.round(delay)} ms (${reason})`),
      },
    );
  }

  const manifestPath = (repository: string, reference: string) =>
    `${repository}/manifests/${checkReference(reference)}`;
  /** GET or HEAD of a manifest in any type kiln reads; undefined when the registry has none (404). */
  const readManifest = async (method: 'GET' | 'HEAD', repository: string, reference: string) => {
    const result = await call({
      method,
      repository,
      reference,
      path: manifestPath(repository, reference),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [404],
    });
    return result.response.status === 404 ? undefined : result;
  };

  return {
    host: options.host,
    async getManifest(repository, reference) {
      const found = await readManifest('GET', repository, reference);
      if (!found) return undefined;
      const { response, body } = found;
      const digest = sha256Digest(body);
      const where = describeTarget({ host: options.host, repository, reference, method: 'GET' });
      // Content addressing is the whole point of "by digest": never trust bytes that do not match.
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new KilnError('REGISTRY_FAILED', `${where}: the manifest received hashes to ${digest}`, {
          hint: 'the registry, or a proxy or cache in front of it, altered the manifest; check what sits between the job and the registry',
        });
      }
      // By tag the header is all there is to check against; bytes that disagree were altered.
      // (Signed schema 1 manifests announce the digest of their unsigned payload: not comparable.)
      const announced = response.headers.get('docker-content-digest');
      const signedV1 = mediaTypeHeader(response).endsWith('+prettyjws');
      if (announced?.startsWith('sha256:') && announced !== digest && !signedV1) {
        throw new KilnError(
          'REGISTRY_FAILED',
          `${where}: the registry sent Docker-Content-Digest ${announced} but the manifest hashes to ${digest}`,
          { hint: 'a proxy or cache between the job and the registry altered the manifest; check it' },
        );
      }
      return { mediaType: mediaTypeHeader(response) || mediaTypeOf(body), digest, bytes: body };
    },
    async headManifest(repository, reference) {
      const found = await readManifest('HEAD', repository, reference);
      if (!found) return undefined;
      const { response } = found;
      const digest = response.headers.get('docker-content-digest');
      if (!digest) {
        // Some registries omit the digest on HEAD; GET and hash instead.
        const manifest = await this.getManifest(repository, reference);
        return (
          manifest && { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length }
        );
      }
      return {
        mediaType: mediaTypeHeader(response),
        digest,
        size: Number(response.headers.get('content-length') ?? 0),
      };
    },
    async putManifest(repository, reference, bytes, mediaType) {
      const { response } = await call({
        method: 'PUT',
        repository,
        reference,
        path: manifestPath(repository, reference),
        headers: { 'content-type': mediaType },
        body: bytes,
        push: true,
      });
      return response.headers.get('docker-content-digest') ?? sha256Digest(bytes);
    },
    async blobExists(repository, digest) {
      const { response } = await call({
        method: 'HEAD',
        repository,
        reference: digest,
        path: `${repository}/blobs/${checkReference(digest)}`,
        ok: [404],
      });
      return response.status !== 404;
    },
    async getBlob(repository, digest) {
      const { body } = await call({
        method: 'GET',
        repository,
        reference: digest,
        path: `${repository}/blobs/${checkReference(digest)}`,
        // kiln reads one kind of blob, an image config.
        limit: { bytes: MAX_CONFIG_BYTES, what: 'image config' },
      });
      if (sha256Digest(body) !== digest) {
        throw new KilnError(
          'REGISTRY_FAILED',
          `registry ${options.host}, repository ${repository}: blob ${digest} content does not match its digest`,
        );
      }
      return body;
    },
  };
}

function mediaTypeOf(bytes: Buffer): string {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
  } catch {
    return '';
  }
}
