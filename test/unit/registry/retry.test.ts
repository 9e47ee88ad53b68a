import { describe, expect, test } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableStatus,
  type Outcome,
  parseRetryAfter,
  type RetryClock,
  withRetry,
} from '../../../src/registry/retry.js';

/** A clock that only moves when the code sleeps: the test sees every wait. */
function fakeClock(random = 0.5) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => random,
  };
  return { clock, sleeps };
}

describe('retry', () => {
  test.each([
    [429, true],
    [408, true],
    [500, true],
    [502, true],
    [503, true],
    [501, false],
    [400, false],
    [401, false],
    [404, false],
  ])('status %i retryable: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  test.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 12:00:10 GMT', 10_000],
    ['soon', undefined],
    [null, undefined],
  ])('Retry-After %j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-23T12:00:00Z'))).toBe(expected);
  });

  test('backoff doubles, is capped, and jitter keeps it between half and all of the step', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, 0))).toEqual([50, 100, 200]);
  });

  test('gives up after the attempt budget, throwing the last error', async () => {
    const { clock, sleeps } = fakeClock();
    let calls = 0;
    const run = withRetry(
      async (): Promise<Outcome<string>> => {
        calls += 1;
        return { kind: 'retry', reason: 'reset', last: new Error(`attempt ${calls}`) };
      },
      { policy: { attempts: 4, maxTotalMs: 1e9, baseDelayMs: 100, maxDelayMs: 10_000 }, clock },
    );
    await expect(run).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([75, 150, 300]);
  });

  test('gives up when the next wait would pass the total time budget', async () => {
    const { clock, sleeps } = fakeClock(1);
    let calls = 0;
    const run = withRetry(
      async (): Promise<Outcome<number>> => {
        calls += 1;
        return { kind: 'retry', reason: '503', last: 503 };
      },
      { policy: { attempts: 100, maxTotalMs: 1000, baseDelayMs: 100, maxDelayMs: 10_000 }, clock },
    );
    // A retryable HTTP answer that never recovers is returned as the last value, for the caller to report.
    expect(await run).toBe(503);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(calls).toBe(4);
  });

  test('honours Retry-After instead of its own backoff, and succeeds when the server recovers', async () => {
    const { clock, sleeps } = fakeClock();
    let calls = 0;
    const value = await withRetry(
      async (): Promise<Outcome<string>> => {
        calls += 1;
        if (calls < 3) return { kind: 'retry', reason: '429', retryAfterMs: 2000, last: 'busy' };
        return { kind: 'done', value: 'ok' };
      },
      { clock },
    );
    expect(value).toBe('ok');
    expect(sleeps).toEqual([2000, 2000]);
  });

  test('a Retry-After longer than the remaining budget ends the retries at once', async () => {
    const { clock, sleeps } = fakeClock();
    const run = withRetry(
      async (): Promise<Outcome<string>> => ({
        kind: 'retry',
        reason: '429',
        retryAfterMs: 120_000,
        last: new Error('429'),
      }),
      {
        clock,
      },
    );
    await expect(run).rejects.toThrow('429');
    expect(sleeps).toEqual([]);
  });
});
