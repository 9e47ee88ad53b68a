// The Bearer token request is retried like any registry call: a token service that resets, answers
// 503 or 429 a few times still yields a token; one that stays down fails with a clear message.
import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/log.js';
import { createAuthenticator } from '../../../src/registry/auth/authenticator.js';
import type { RetryClock } from '../../../src/registry/retry.js';

const CHALLENGE = 'Bearer realm="https://gitlab.example/jwt/auth",service="container_registry"';
const SCOPE = 'repository:images/web:pull,push';
const instant: RetryClock = { now: () => 0, sleep: async () => {}, random: () => 0.5 };

/** A token service answering from a script: a status, or 'reset' for a dropped connection. */
function tokenService(script: (number | 'reset')[]) {
  const calls: string[] = [];
  const fetchStub = (async (input: URL | string) => {
    calls.push(String(input));
    const step = script.shift() ?? 200;
    if (step === 'reset') throw new TypeError('fetch failed: socket hang up');
    const body = step === 200 ? JSON.stringify({ token: 'tok-abcdefgh' }) : '{"errors":[]}';
    return new Response(body, { status: step, headers: { 'retry-after': '0' } });
  }) as typeof fetch;
  return { fetchStub, calls };
}

describe('Bearer token request', () => {
  test('resets, 503 and 429 from the token service are retried until a token comes', async () => {
    const { fetchStub, calls } = tokenService(['reset', 503, 429, 200]);
    const auth = createAuthenticator({
      host: 'registry.gitlab.example',
      log: createMemoryLogger(),
      fetch: fetchStub,
      retry: { clock: instant },
    });
    expect(await auth.challenge(CHALLENGE, SCOPE, undefined)).toBe(true);
    expect(auth.header(SCOPE)).toBe('Bearer tok-abcdefgh');
    expect(calls).toHaveLength(4);
    expect(new URL(calls[0]!).searchParams.get('scope')).toBe(SCOPE);
  });

  test('a token service that stays down fails within the budget, naming it', async () => {
    const { fetchStub, calls } = tokenService([503, 503, 503, 503, 503, 503, 503, 503]);
    const auth = createAuthenticator({
      host: 'registry.gitlab.example',
      log: createMemoryLogger(),
      fetch: fetchStub,
      retry: { clock: instant, policy: { attempts: 3, maxTotalMs: 1000, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(auth.challenge(CHALLENGE, SCOPE, undefined)).rejects.toThrow(
      /token request to https:\/\/gitlab\.example\/jwt\/auth .*HTTP 503/,
    );
    expect(calls).toHaveLength(3);
  });

  test('a refusal (401) is not retried', async () => {
    const { fetchStub, calls } = tokenService([401]);
    const auth = createAuthenticator({
      host: 'registry.gitlab.example',
      log: createMemoryLogger(),
      fetch: fetchStub,
      retry: { clock: instant },
    });
    await expect(auth.challenge(CHALLENGE, SCOPE, undefined)).rejects.toThrow(/HTTP 401/);
    expect(calls).toHaveLength(1);
  });
});
