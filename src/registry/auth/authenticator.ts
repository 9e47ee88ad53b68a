// Answers a registry's 401 challenge, per host: Basic with the credentials, or the Bearer token
// dance (GET realm?service=…&scope=…, with Basic credentials if any, anonymous otherwise).
// Tokens are cached per scope; requests before the first 401 go out anonymously, as docker does.
// The Basic credential goes to the realm because the registry named it there, and only over
// HTTPS unless the registry itself is plain HTTP; never on to where the realm redirects.
// https://distribution.github.io/distribution/spec/auth/token/
import { KilnError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { type BoundedResponse, boundedFetch, FetchFailed } from '../bounded-fetch.js';
import { fetchTransport, type HttpTransport, nodeTransport } from '../http-transport.js';
import { DEFAULT_TIMEOUTS, MAX_TOKEN_BYTES, type Timeouts } from '../limits.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  type RetryClock,
  type RetryPolicy,
  withRetry,
} from '../retry.js';
import { type Challenge, parseChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';

export interface Authenticator {
  /** The Authorization header to send for `scope`, if one is known. */
  header(scope: string): string | undefined;
  /** Learns from a 401 to a request sent with `sent`; true when a retry with other credentials is worth it. */
  challenge(wwwAuthenticate: string | null, scope: string, sent: string | undefined): Promise<boolean>;
}

export function createAuthenticator(options: {
  host: string;
  /** The registry speaks plain HTTP (local registries): then a plain-HTTP realm may get credentials. */
  insecure?: boolean;
  credentials?: Credentials;
  log: Logger;
  /** node:http unless a test scripts the exchange (`fetch`). */
  transport?: HttpTransport;
  fetch?: typeof fetch;
  /** Retry budget and clock for the token request (tests make them instant). */
  retry?: { policy?: RetryPolicy; clock?: RetryClock };
  timeouts?: Partial<Timeouts>;
}): Authenticator {
  const transport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : nodeTransport);
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const basic = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  options.log.addSecret(basic?.slice(6));
  let scheme: 'basic' | 'bearer' | undefined;
  // One token request per scope, shared by concurrent requests (children are fetched in parallel).
  const tokens = new Map<string, Promise<string>>();
  const settled = new Map<string, string>();

  async function fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const realm = challenge.params['realm'];
    if (!realm || !/^https?:\/\//.test(realm)) {
      throw new KilnError(
        'REGISTRY_FAILED',
        `registry ${options.host} sent a Bearer challenge without a usable realm`,
      );
    }
    const url = new URL(realm);
    if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
    url.searchParams.set('scope', scope);
    const request = `token request to ${url.origin}${url.pathname} for registry ${options.host} (${scope})`;
    if (basic && url.protocol === 'http:' && !options.insecure) {
      throw new KilnError(
        'REGISTRY_FAILED',
        `registry ${options.host} named a plain-HTTP token realm (${url.origin}${url.pathname}); kiln sends credentials to it only over HTTPS`,
        { hint: "fix the realm in the registry's auth configuration to use https://" },
      );
    }
    const failed = (error: FetchFailed) =>
      new KilnError('REGISTRY_FAILED', `${request} failed: ${error.message}`, {
        cause: error,
        hint: "check the token service named in the registry's WWW-Authenticate realm is reachable",
      });
    // The token service (GitLab's /jwt/auth, Docker Hub's auth server) has bad moments like the
    // registry itself: resets, timeouts, 429 and 5xx are retried on the same bounded budget.
    const { response, body } = await withRetry<BoundedResponse>(async () => {
      try {
        const answer = await boundedFetch({
          url,
          method: 'GET',
          ...(basic ? { authorization: { value: basic, origin: url.origin } } : {}),
          followRedirects: true,
          limit: { bytes: MAX_TOKEN_BYTES, what: 'token' },
          timeouts,
          transport,
        });
        if (!isRetryableStatus(answer.response.status)) return { kind: 'done', value: answer };
        return {
          kind: 'retry',
          reason: `token request: HTTP ${answer.response.status}`,
          retryAfterMs: parseRetryAfter(answer.response.headers.get('retry-after'), Date.now()),
          last: answer,
        };
      } catch (error) {
        if (!(error instanceof FetchFailed)) throw error;
        if (!error.retryable) throw failed(error);
        return { kind: 'retry', reason: `token request: ${error.message}`, last: failed(error) };
      }
    }, options.retry ?? {});
    if (!response.ok) {
      throw new KilnError('REGISTRY_FAILED', `${request} failed: HTTP ${response.status}`, {
        hint: 'check the registry credentials and that they may push to this repository',
      });
    }
    const token = tokenOf(body);
    if (token === undefined) {
      // The body may be a login page with session cookies or a CSRF token: name it, never print it.
      const type = response.headers.get('content-type') || 'no content type';
      throw new KilnError(
        'REGISTRY_FAILED',
        `${request} failed: HTTP ${response.status} with content type ${type} is not a JSON token response`,
        {
          hint: "the realm in the registry's WWW-Authenticate should be its token service; a login page or proxy answered instead",
        },
      );
    }
    if (!token)
      throw new KilnError('REGISTRY_FAILED', `token endpoint of registry ${options.host} returned no token`);
    options.log.addSecret(token);
    settled.set(scope, token);
    return token;
  }

  return {
    header(scope) {
      if (scheme === 'basic') return basic;
      if (scheme === 'bearer') {
        const token = settled.get(scope);
        return token ? `Bearer ${token}` : undefined;
      }
      return undefined;
    },
    async challenge(wwwAuthenticate, scope, sent) {
      const parsed = parseChallenge(wwwAuthenticate);
      if (!parsed) return false;
      if (parsed.scheme === 'basic') {
        scheme = 'basic';
        // Worth a retry only if we have credentials and did not just send them.
        return basic !== undefined && sent !== basic;
      }
      scheme = 'bearer';
      const pending = tokens.get(scope);
      if (pending) {
        const token = await pending;
        // Another request already got a token for this scope: use it.
        if (sent !== `Bearer ${token}`) return true;
        // Refused with the token we hold: it expired (or lacks rights); the caller retries once.
        tokens.delete(scope);
        settled.delete(scope);
      }
      const request = fetchToken(parsed, scope);
      tokens.set(scope, request);
      request.catch(() => tokens.delete(scope));
      await request;
      return true;
    },
  };
}

/** The token of a JSON token response (`token`, or OAuth2's `access_token`); undefined if not JSON. */
function tokenOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown } | null;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const token = parsed.token ?? parsed.access_token;
    return typeof token === 'string' ? token : '';
  } catch {
    return undefined;
  }
}
