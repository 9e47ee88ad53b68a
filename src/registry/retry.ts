// Bounded retries for registry calls: exponential backoff with jitter on 429 (honouring
// Retry-After), 5xx and connection resets; bounded in attempts AND total time so a job never
// hangs on a registry that is down. The clock, sleep and randomness are injectable for tests.

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** No new attempt starts after this many ms since the first. */
  maxTotalMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  maxTotalMs: 60_000,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock: RetryClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** What one attempt produced, as the retry loop sees it. */
export type Outcome<T> =
  | { kind: 'done'; value: T }
  /** Worth another try; `retryAfterMs` when the server said how long to wait. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number; last: T | Error };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After: delta-seconds or an HTTP date. `nowMs` is wall-clock (Date.now) for the date form. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Delay before attempt `n` (1 = first retry): base·2^(n-1), capped, "equal jitter" (½ fixed, ½ random). */
export function backoffDelay(n: number, policy: RetryPolicy, random: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return exp / 2 + (exp / 2) * random;
}

/**
 * Runs `attempt` until it is done or the budget is spent. Returns the last value or throws the
 * last error when the budget runs out; `onRetry` sees each retry (for debug logs).
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<Outcome<T>>,
  options: {
    policy?: RetryPolicy;
    clock?: RetryClock;
    onRetry?: (reason: string, delayMs: number) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const clock = options.clock ?? realClock;
  const start = clock.now();
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.kind === 'done') return outcome.value;
    // Retry-After is honoured as given; the total-time budget is what bounds it.
    const wait = outcome.retryAfterMs ?? backoffDelay(n, policy, clock.random());
    const spent = clock.now() - start;
    if (n >= policy.attempts || spent + wait > policy.maxTotalMs) {
      if (outcome.last instanceof Error) throw outcome.last;
      return outcome.last;
    }
    options.onRetry?.(outcome.reason, wait);
    await clock.sleep(wait);
  }
}
