import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { runAttempt } from './attempt.ts';

test('an attempt within its deadline returns its value', async () => {
  assert.equal(await runAttempt(async () => 'routed', { timeoutMs: 1_000 }), 'routed');
});

test('past the deadline the signal fires, and the attempt is awaited until it settles, then reported as TIMEOUT', async () => {
  let settled = false;
  const attempt = runAttempt(
    async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      // The cleanup a handler does after its signal (a rollback) finishes before the attempt counts as over.
      await delay(50);
      settled = true;
      throw new Error('statement cancelled');
    },
    { timeoutMs: 20 },
  );
  await assert.rejects(attempt, (error: { code?: string }) => error.code === 'TIMEOUT');
  assert.equal(settled, true, 'the attempt was not abandoned');
});

test("a stop signal fires the attempt's signal too", async () => {
  const stop = new AbortController();
  const attempt = runAttempt((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })), {
    timeoutMs: 60_000,
    stop: stop.signal,
  });
  stop.abort(new Error('stopping'));
  await assert.rejects(attempt, /stopping/);
});

test('a failure before the deadline is reported as it was thrown', async () => {
  await assert.rejects(
    runAttempt(
      async () => {
        throw new Error('boom');
      },
      { timeoutMs: 1_000 },
    ),
    /boom/,
  );
});
