import { setTimeout as delay } from 'node:timers/promises';
import { type AppError, toAppError } from '../errors.ts';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long DATABASE_UNAVAILABLE failures are retried without using up attempts (0: they count like
   * any other). An outage is not the record's fault: a dead letter for every record in flight during
   * a PostgreSQL restart would be replayed by hand, for nothing.
   */
  outageMs?: number;
}

/**
 * Wait before attempt `failedAttempts + 1`: exponential, capped, with "equal jitter" (half fixed,
 * half random), so retries of many records failing together spread out yet never retry at once.
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  const half = exponential / 2;
  return Math.round(half + half * Math.min(1, Math.max(0, random())));
}

/** The longest a record can spend retrying: every attempt timing out plus every maximal wait. */
export function worstCaseRetryMs(policy: RetryPolicy, attemptTimeoutMs: number): number {
  // The outage window, then the attempts: both can follow one another for one record.
  let total = (policy.outageMs ?? 0) + policy.maxAttempts * attemptTimeoutMs;
  for (let failed = 1; failed < policy.maxAttempts; failed++) total += backoffDelayMs(policy, failed, () => 1);
  return total;
}

export type RetryOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; error: AppError; attempts: number; aborted: boolean };

export interface RetryOptions {
  policy: RetryPolicy;
  /** Aborting stops further attempts (shutdown); the record is then left for the next run. */
  signal?: AbortSignal;
  onRetry?: (error: AppError, failedAttempts: number, waitMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out.
 * Never throws: the caller gets the last error and the attempt count for the dead-letter headers.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>> {
  const { policy, signal, onRetry, sleep = abortableSleep, random = Math.random, now = Date.now } = options;
  let outageSince: number | undefined;
  let forgiven = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return { ok: true, value: await attempt(attemptNumber), attempts: attemptNumber };
    } catch (thrown) {
      // Adapters throw classified errors; whatever is not is a bug, and not retried.
      const error = toAppError(thrown);
      const aborted = signal?.aborted === true;
      if (error.code === 'DATABASE_UNAVAILABLE') {
        outageSince ??= now();
        if (now() - outageSince < (policy.outageMs ?? 0)) forgiven++;
      }
      if (!error.retryable || aborted || attemptNumber - forgiven >= policy.maxAttempts) return { ok: false, error, attempts: attemptNumber, aborted };
      const waitMs = backoffDelayMs(policy, attemptNumber, random);
      onRetry?.(error, attemptNumber, waitMs);
      try {
        await sleep(waitMs, signal);
      } catch {
        return { ok: false, error, attempts: attemptNumber, aborted: true };
      }
    }
  }
}

async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
}
