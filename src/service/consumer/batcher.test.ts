import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { type BatchRun, createBatcher } from './batcher.ts';

const never = new AbortController().signal;

/** A run that fails as a whole whenever `poison` is among its items, and records every batch it saw. */
function poisonedRun(poison: ReadonlySet<number>) {
  const batches: number[][] = [];
  const run: BatchRun<number, string> = async (items) => {
    batches.push([...items]);
    if (items.some((item) => poison.has(item))) throw new AppError('DATABASE_ERROR', `item ${items.find((item) => poison.has(item))} is poison`);
    return items.map((item) => ({ ok: true, value: `done ${item}` }));
  };
  return { run, batches };
}

test('items submitted together share one batch, each gets its own value, in order', async () => {
  const { run, batches } = poisonedRun(new Set());
  const batcher = createBatcher({ maxBatch: 10, concurrency: 1, run });
  const results = await Promise.all([1, 2, 3].map((item) => batcher.submit(item, never)));
  assert.deepEqual(results, ['done 1', 'done 2', 'done 3']);
  assert.deepEqual(batches, [[1, 2, 3]]);
});

test('batches hold at most maxBatch items', async () => {
  const { run, batches } = poisonedRun(new Set());
  const batcher = createBatcher({ maxBatch: 4, concurrency: 2, run });
  await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i, never)));
  assert.deepEqual(
    batches.map((batch) => batch.length),
    [4, 4, 2],
  );
});

test('a batch failing as a whole is bisected until the failing item is alone; only it gets the failure', async () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const { run, batches } = poisonedRun(new Set([37]));
  const splits: number[] = [];
  const batcher = createBatcher({ maxBatch: 100, concurrency: 1, run, onSplit: (size) => splits.push(size) });
  const settled = await Promise.allSettled(items.map((item) => batcher.submit(item, never)));
  const failed = settled.flatMap((result, i) => (result.status === 'rejected' ? [[i, (result.reason as AppError).code]] : []));
  assert.deepEqual(failed, [[37, 'DATABASE_ERROR']], 'the poison alone failed');
  assert.equal(settled.filter((result) => result.status === 'fulfilled').length, 99);
  assert.deepEqual(splits, [100, 50, 25, 13, 6, 3], 'each split halves the part holding the poison');
  assert.ok(batches.length <= 2 * Math.ceil(Math.log2(100)) + 1, `bisection stays logarithmic: ${batches.length} runs`);
});

test('two poison items in one batch: both isolated, every other item handled', async () => {
  const { run } = poisonedRun(new Set([0, 9]));
  const batcher = createBatcher({ maxBatch: 10, concurrency: 1, run });
  const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => batcher.submit(i, never)));
  assert.deepEqual(
    settled.flatMap((result, i) => (result.status === 'rejected' ? [i] : [])),
    [0, 9],
  );
});

test("an item's own failure in a batch that went through is that item's alone, with no split", async () => {
  const splits: number[] = [];
  const batcher = createBatcher<number, string>({
    maxBatch: 10,
    concurrency: 1,
    run: async (items) => items.map((item) => (item === 2 ? { ok: false, error: new AppError('SENDER_REJECTED', 'bounced') } : { ok: true, value: 'sent' })),
    onSplit: (size) => splits.push(size),
  });
  const settled = await Promise.allSettled([1, 2, 3].map((item) => batcher.submit(item, never)));
  assert.deepEqual(
    settled.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(splits, []);
});

test("a member's signal firing mid-batch cancels the batch; the member gets its reason, the others run again without it", async () => {
  const member = new AbortController();
  const batches: number[][] = [];
  let cancelledRuns = 0;
  const batcher = createBatcher<number, string>({
    maxBatch: 10,
    concurrency: 1,
    run: (items, signal) => {
      batches.push([...items]);
      if (batches.length > 1) return Promise.resolve(items.map(() => ({ ok: true, value: 'sent' })));
      // The first run hangs, like a statement waiting on a lock, until it is cancelled.
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          cancelledRuns++;
          reject(new AppError('TIMEOUT', 'cancelled'));
        }),
      );
    },
  });
  const submitted = [batcher.submit(1, never), batcher.submit(2, member.signal), batcher.submit(3, never)];
  setImmediate(() => setImmediate(() => member.abort(new AppError('TIMEOUT', 'no answer within 1000 ms'))));
  const settled = await Promise.allSettled(submitted);
  assert.equal(cancelledRuns, 1);
  assert.deepEqual(batches, [
    [1, 2, 3],
    [1, 3],
  ]);
  assert.deepEqual(
    settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as AppError).message)),
    ['sent', 'no answer within 1000 ms', 'sent'],
  );
});

test('an item whose signal fires while it waits for a batch leaves at once, never run', async () => {
  const gate = Promise.withResolvers<void>();
  const seen: number[] = [];
  const batcher = createBatcher<number, string>({
    maxBatch: 1,
    concurrency: 1,
    run: async (items) => {
      seen.push(...items);
      if (items[0] === 1) await gate.promise;
      return items.map(() => ({ ok: true, value: 'sent' }));
    },
  });
  const waiting = new AbortController();
  const first = batcher.submit(1, never);
  const second = batcher.submit(2, waiting.signal);
  waiting.abort(new AppError('TIMEOUT', 'gave up waiting'));
  await assert.rejects(second, /gave up waiting/);
  gate.resolve();
  assert.equal(await first, 'sent');
  assert.deepEqual(seen, [1]);
});

test('a run answering the wrong number of outcomes fails every member, never a silent success', async () => {
  const batcher = createBatcher<number, string>({ maxBatch: 10, concurrency: 1, run: async () => [{ ok: true, value: 'sent' }] });
  const settled = await Promise.allSettled([1, 2].map((item) => batcher.submit(item, never)));
  assert.deepEqual(
    settled.map((result) => result.status),
    ['rejected', 'rejected'],
  );
});
