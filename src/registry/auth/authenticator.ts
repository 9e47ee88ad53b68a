// Answers a registry's 401 challenge, per host: Basic with the credentials, or the Bearer token
// dance (GET realm?service=…&scope=…, with Basic credentials if any, anonymous otherwise).
// Tokens are cached per scope; requests before the first 401 go out anonymously, as docker does.
// https://distribution.github.io/distribution/spec/auth/token/
import { KilnError } from '../../errors.js';
import type { Logger } from '../../log.js';
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
  credentials?: Credentials;
  log: Logger;
  fetch?: typeof fetch;
  /** Retry budget and clock for the token request (tests make them instant). */
  retry?: { policy?: RetryPolicy; clock?: RetryClock };
}): Authenticator {
  const doFetch = options.fetch ?? fetch;
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
    const failed = (cause: unknown) =>
      new KilnError(
        'REGISTRY_FAILED',
        `token request to ${url.origin}${url.pathname} for registry ${options.host} failed`,
        {
          cause,
          hint: "check the token service named in the registry's WWW-Authenticate realm is reachable",
        },
      );
    // The token service (GitLab's /jwt/auth, Docker Hub's auth server) has bad moments like the
    // registry itself: resets, 429 and 5xx are retried on the same bounded budget.
    const { response, text } = await withRetry<{ response: Response; text: string }>(async () => {
      try {
        const response = await doFetch(url, { headers: basic ? { authorization: basic } : {} });
        const text = await response.text();
        if (!isRetryableStatus(response.status)) return { kind: 'done', value: { response, text } };
        return {
          kind: 'retry',
          reason: `token request: HTTP ${response.status}`,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
          last: { response, text },
        };
      } catch (error) {
        return { kind: 'retry', reason: `token request: ${(error as Error).message}`, last: failed(error) };
      }
    }, options.retry ?? {});
    if (!response.ok) {
      throw new KilnError(
        'REGISTRY_FAILED',
        `token request to ${url.origin}${url.pathname} for registry ${options.host} (${scope}) failed: HTTP ${response.status}`,
        { hint: 'check the registry credentials and that they may push to this repository' },
      );
    }
    const body = JSON.parse(text) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
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
