// One HTTP request to a registry or token service, bounded in time and size (limits.ts), with
// redirects followed by hand: the Authorization header must reach only the origin (scheme, host,
// port) it was issued for, never blob storage. The exchange itself is http-transport.ts.
import type { HttpAnswer, HttpTransport } from './http-transport.js';
import { formatBytes, formatSeconds, MAX_ERROR_BODY_BYTES, MAX_REDIRECTS, type Timeouts } from './limits.js';

export type FetchFailure =
  | { kind: 'timeout'; phase: 'headers' | 'idle' | 'total'; ms: number; received: number; expected?: number }
  | { kind: 'too-large'; limit: number; what: string; declared?: number }
  | { kind: 'truncated'; received: number; expected?: number }
  | { kind: 'redirect-loop'; location: string }
  | { kind: 'network'; error: unknown };

/**
 * Node's codes for a TLS failure another attempt cannot fix: a certificate it refuses (self-signed,
 * expired, wrong name, unknown issuer), or TLS spoken to a plain-HTTP port.
 */
export const TLS_FAILURES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The error code of a network failure: on the error (node:http) or its cause (fetch). */
export function networkCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = e.code ?? e.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a request got no complete answer; `retryable` when another attempt may fare better. */
export class FetchFailed extends Error {
  constructor(
    readonly failure: FetchFailure,
    cause?: unknown,
  ) {
    super(describeFailure(failure), cause === undefined ? undefined : { cause });
    this.name = 'FetchFailed';
  }

  get retryable(): boolean {
    if (this.failure.kind === 'too-large' || this.failure.kind === 'redirect-loop') return false;
    // A certificate the job does not trust stays untrusted: no point in another attempt.
    return !(this.failure.kind === 'network' && TLS_FAILURES.has(networkCode(this.failure.error) ?? ''));
  }
}

export function describeFailure(failure: FetchFailure): string {
  switch (failure.kind) {
    case 'timeout': {
      const of = failure.expected === undefined ? '' : ` of ${failure.expected}`;
      if (failure.phase === 'headers') return `no response within ${formatSeconds(failure.ms)}`;
      if (failure.phase === 'idle')
        return `the response stalled: no data for ${formatSeconds(failure.ms)} after ${failure.received}${of} bytes`;
      return `the response took longer than ${formatSeconds(failure.ms)} (${failure.received}${of} bytes received)`;
    }
    case 'too-large': {
      const declared = failure.declared === undefined ? '' : ` (Content-Length ${failure.declared})`;
      return `the response is larger than ${formatBytes(failure.limit)}, the most kiln reads for a ${failure.what}${declared}; it stopped reading`;
    }
    case 'truncated':
      return failure.expected === undefined
        ? `the connection closed after ${failure.received} bytes, before the end of the response`
        : `the connection closed after ${failure.received} of ${failure.expected} bytes`;
    case 'redirect-loop':
      return `more than ${MAX_REDIRECTS} redirects (the last to ${failure.location})`;
    case 'network': {
      const error = failure.error as { message?: string; cause?: { message?: string } };
      return networkCode(failure.error) ?? error.cause?.message ?? error.message ?? String(failure.error);
    }
  }
}

export interface BoundedRequest {
  url: URL;
  method: 'GET' | 'HEAD' | 'PUT';
  headers?: Record<string, string>;
  body?: Buffer;
  /** Sent only while the request is at `origin`; a redirect elsewhere goes without it. */
  authorization?: { value: string; origin: string };
  /** Follow 3xx answers (reads only); otherwise the 3xx is returned as the answer. */
  followRedirects: boolean;
  /** The most a successful body may hold, and what it is, for the message. */
  limit: { bytes: number; what: string };
  timeouts: Timeouts;
  transport: HttpTransport;
}

export interface BoundedResponse {
  response: HttpAnswer;
  body: Buffer;
  /** Where the answer came from, after redirects. */
  url: URL;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The `Location` for a message: origin and path, never the query (signed URLs carry secrets). */
export function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export async function boundedFetch(request: BoundedRequest): Promise<BoundedResponse> {
  const { timeouts } = request;
  const controller = new AbortController();
  const progress = { received: 0, expected: undefined as number | undefined };
  let expired: { phase: 'headers' | 'idle' | 'total'; ms: number } | undefined;
  let reading = false;
  const expire = (phase: 'headers' | 'idle' | 'total', ms: number) => () => {
    expired ??= { phase, ms };
    controller.abort();
  };
  const total = setTimeout(expire('total', timeouts.totalMs), timeouts.totalMs);
  try {
    let url = request.url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.authorization && url.origin === request.authorization.origin)
        headers['authorization'] = request.authorization.value;
      const waiting = setTimeout(expire('headers', timeouts.headersMs), timeouts.headersMs);
      let response: HttpAnswer;
      try {
        response = await request.transport(url, {
          method: request.method,
          headers,
          ...(request.body ? { body: request.body } : {}),
          signal: controller.signal,
        });
      } finally {
        clearTimeout(waiting);
      }
      const location = response.headers.get('location');
      if (request.followRedirects && REDIRECT_STATUSES.has(response.status) && location) {
        await response.discard();
        url = new URL(location, url);
        if (hop >= MAX_REDIRECTS) throw new FetchFailed({ kind: 'redirect-loop', location: redactUrl(url) });
        continue;
      }
      reading = true;
      const body = await readBody(response, request, progress, () =>
        setTimeout(expire('idle', timeouts.idleMs), timeouts.idleMs),
      );
      return { response, body, url };
    }
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    if (expired) throw new FetchFailed({ kind: 'timeout', ...expired, ...definedProgress(progress) }, error);
    // A body cut short by the peer: "aborted" from node:http, "terminated" from undici.
    if (reading) throw new FetchFailed({ kind: 'truncated', ...definedProgress(progress) }, error);
    throw new FetchFailed({ kind: 'network', error }, error);
  } finally {
    clearTimeout(total);
    // Frees the socket of a body left unread (too large, timed out); a no-op once it is complete.
    controller.abort();
  }
}

function definedProgress(progress: { received: number; expected: number | undefined }) {
  return progress.expected === undefined
    ? { received: progress.received }
    : { received: progress.received, expected: progress.expected };
}

/**
 * The body, at most `limit.bytes` of it for a success (more fails: the rest is never read) and
 * MAX_ERROR_BODY_BYTES for anything else (cut: it only feeds an error message).
 */
async function readBody(
  response: HttpAnswer,
  request: BoundedRequest,
  progress: { received: number; expected: number | undefined },
  armIdleTimer: () => ReturnType<typeof setTimeout>,
): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const strict = response.ok;
  const cap = strict ? request.limit.bytes : MAX_ERROR_BODY_BYTES;
  const length = response.headers.get('content-length');
  if (length !== null && /^\d+$/.test(length)) progress.expected = Number(length);
  const tooLarge = (declared?: number) =>
    new FetchFailed({
      kind: 'too-large',
      limit: cap,
      what: request.limit.what,
      ...(declared === undefined ? {} : { declared }),
    });
  if (strict && progress.expected !== undefined && progress.expected > cap) throw tooLarge(progress.expected);

  const reader = response.body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const idle = armIdleTimer();
    let next: IteratorResult<Uint8Array>;
    try {
      next = await reader.next();
    } finally {
      clearTimeout(idle);
    }
    if (next.done) break;
    progress.received += next.value.length;
    if (progress.received > cap) {
      if (strict) throw tooLarge();
      chunks.push(next.value.subarray(0, cap - (progress.received - next.value.length)));
      break;
    }
    chunks.push(next.value);
  }
  if (strict && progress.expected !== undefined && progress.received < progress.expected) {
    throw new FetchFailed({ kind: 'truncated', received: progress.received, expected: progress.expected });
  }
  return Buffer.concat(chunks);
}
