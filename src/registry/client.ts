// The OCI distribution API client kiln needs: manifests by tag or digest (get, head, put) and
// blobs (exists, get). fetch (undici) only — no registry CLI. Auth via the authenticator,
// retries via retry.ts, every failure names registry, repository, reference and status.
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
import { createHash } from 'node:crypto';
import { KilnError } from '../errors.js';
import type { Logger } from '../log.js';
import { createAuthenticator } from './auth/authenticator.js';
import { repositoryScope } from './auth/challenge.js';
import type { Credentials } from './auth/credentials.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { checkReference } from './reference.js';
import { httpError, networkError, type RequestTarget } from './registry-error.js';
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
}

/** The media type of a response, without parameters (`…+json; charset=utf-8` → `…+json`). */
function mediaTypeHeader(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.insecure ? 'http' : 'https'}://${options.host}/v2/`;
  const auth = createAuthenticator({
    host: options.host,
    log: options.log,
    fetch: doFetch,
    retry: { policy: options.retry ?? DEFAULT_RETRY, ...(options.clock ? { clock: options.clock } : {}) },
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });

  async function call(c: Call): Promise<{ response: Response; body: Buffer }> {
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
        const headers: Record<string, string> = { ...c.headers };
        const authorization = auth.header(scope);
        if (authorization) headers['authorization'] = authorization;
        let response: Response;
        let body: Buffer;
        try {
          response = await doFetch(base + c.path, {
            method: c.method,
            headers,
            ...(c.body ? { body: c.body } : {}),
            redirect: 'follow',
          });
          body = Buffer.from(await response.arrayBuffer());
        } catch (error) {
          if (error instanceof KilnError) throw error;
          // Connection reset/refused mid-request: worth another try.
          return {
            kind: 'retry',
            reason: `${c.method} ${c.path}: ${(error as Error).message}`,
            last: networkError(target, error),
          };
        }
        if (response.status === 401 && !authRetried) {
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
      // Content addressing is the whole point of "by digest": never trust bytes that do not match.
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new KilnError(
          'REGISTRY_FAILED',
          `registry ${options.host}, repository ${repository}, reference ${reference}: the manifest received hashes to ${digest}`,
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
