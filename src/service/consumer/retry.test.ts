import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { backoffDelayMs, type RetryPolicy, withRetry, worstCaseRetryMs } from './retry.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
const noSleep = async (): Promise<void> => {};

describe('backoffDelayMs', () => {
  it('doubles per failed attempt, capped, with jitter in the upper half', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n, () => 1)),
      [100, 200, 400, 800, 1_000, 1_000],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 0)),
      [50, 100, 200, 400, 500],
    );
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelayMs(policy, 3);
      assert.ok(delay >= 200 && delay <= 400, String(delay));
    }
  });

  it('clamps a misbehaving random source', () => {
    assert.equal(
      backoffDelayMs(policy, 1, () => 7),
      100,
    );
    assert.equal(
      backoffDelayMs(policy, 1, () => -3),
      50,
    );
  });

  it('bounds the worst case: every attempt timing out plus every maximal wait', () => {
    assert.equal(worstCaseRetryMs(policy, 1_000), 5 * 1_000 + 100 + 200 + 400 + 800);
  });
});

describe('withRetry', () => {
  it('retries retryable errors with backoff, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new AppError('DATABASE_UNAVAILABLE', 'down');
        return 'done';
      },
      { policy, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    assert.deepEqual(outcome, { ok: true, value: 'done', attempts: 3 });
    assert.deepEqual(waits, [100, 200]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        throw new AppError('TIMEOUT', `attempt ${calls}`);
      },
      { policy, sleep: noSleep },
    );
    assert.equal(calls, 5);
    assert.ok(!outcome.ok && outcome.attempts === 5 && outcome.error.message === 'attempt 5' && !outcome.aborted);
  });

  it('does not retry a non-retryable error, nor a foreign one', async () => {
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        throw new AppError('INVALID_PAYLOAD', 'bad');
      },
      { policy, sleep: noSleep },
    );
    assert.ok(!outcome.ok && outcome.attempts === 1 && outcome.error.code === 'INVALID_PAYLOAD');
    const foreign = await withRetry(
      async () => {
        throw new TypeError('bug');
      },
      { policy, sleep: noSleep },
    );
    assert.ok(!foreign.ok && foreign.error.code === 'INTERNAL' && foreign.attempts === 1);
    assert.equal(calls, 1);
  });

  it('stops retrying once aborted, and says so', async () => {
    const controller = new AbortController();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        controller.abort();
        throw new AppError('KAFKA_UNAVAILABLE', 'down');
      },
      { policy, signal: controller.signal, sleep: noSleep },
    );
    assert.equal(calls, 1);
    assert.ok(!outcome.ok && outcome.aborted);
  });

  it('interrupts a real backoff wait on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    const outcome = await withRetry(
      async () => {
        throw new AppError('KAFKA_UNAVAILABLE', 'down');
      },
      { policy: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 }, signal: controller.signal },
    );
    assert.ok(!outcome.ok && outcome.aborted);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('withRetry through a database outage', () => {
  const outagePolicy: RetryPolicy = { ...policy, outageMs: 10_000 };
  const clock = () => {
    let t = 0;
    return {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
    };
  };
  const down = () => new AppError('DATABASE_UNAVAILABLE', 'the database is unreachable');

  it('retries DATABASE_UNAVAILABLE past the attempts while the outage window lasts, then succeeds', async () => {
    const { now, sleep } = clock();
    const outcome = await withRetry(
      async (n) => {
        if (n <= 12) throw down();
        return 'applied';
      },
      { policy: outagePolicy, now, sleep, random: () => 1 },
    );
    assert.deepEqual(outcome, { ok: true, value: 'applied', attempts: 13 });
  });

  it('gives up once the window is over, after the usual attempts', async () => {
    const { now, sleep } = clock();
    const outcome = await withRetry(
      async () => {
        throw down();
      },
      { policy: outagePolicy, now, sleep, random: () => 1 },
    );
    assert.equal(outcome.ok, false);
    assert.ok(now() >= 10_000, `gave up at ${now()} ms, inside the window`);
  });

  it('other errors use up attempts as before, and no window means none is forgiven', async () => {
    const { now, sleep } = clock();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new AppError('TIMEOUT', 'slow');
    };
    assert.equal((await withRetry(failing, { policy: outagePolicy, now, sleep })).attempts, 5);
    calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        throw down();
      },
      { policy, now, sleep },
    );
    assert.equal(outcome.attempts, 5);
    assert.equal(calls, 5);
  });

  it('counts the window in the worst case the poll interval must cover', () => {
    assert.equal(worstCaseRetryMs(outagePolicy, 1_000), 10_000 + 5 * 1_000 + 100 + 200 + 400 + 800);
  });
});
