import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryBucketStore } from './memory-bucket-store.ts';
import { type BucketState, takeToken, viewBucket } from './token-bucket.ts';

// 3 requests at once, one more every 2 s.
const policy = { capacity: 3, refillPerMinute: 30 };

function spend(times: number, from: BucketState | undefined, nowMs: number) {
  const results: boolean[] = [];
  let state = from;
  for (let i = 0; i < times; i++) {
    const take = takeToken(policy, state, nowMs);
    results.push(take.allowed);
    state = take.state;
  }
  return { results, state: state! };
}

test('a new client may spend the whole burst at once, and no more', () => {
  const { results, state } = spend(5, undefined, 1_000);
  assert.deepEqual(results, [true, true, true, false, false]);
  assert.equal(state.tokens, 0);
});

test('tokens come back at the refill rate, never above the capacity', () => {
  const { state } = spend(3, undefined, 0);
  assert.equal(takeToken(policy, state, 1_999).allowed, false);
  const after2s = takeToken(policy, state, 2_000);
  assert.equal(after2s.allowed, true);
  assert.ok(Math.abs(after2s.tokens) < 1e-9);
  // An hour idle refills to 3, not 1,800.
  const { results } = spend(4, state, 3_600_000);
  assert.deepEqual(results, [true, true, true, false]);
});

test('a clock that steps back refills nothing and takes nothing extra', () => {
  const { state } = spend(3, undefined, 10_000);
  assert.equal(takeToken(policy, state, 5_000).allowed, false);
});

test('the view says what the headers need: whole tokens left, time to the next one and to a full bucket', () => {
  assert.deepEqual(viewBucket(policy, 2.5), { remaining: 2, retryAfterMs: 0, fullInMs: 1_000 });
  const empty = viewBucket(policy, 0.25);
  assert.equal(empty.remaining, 0);
  assert.equal(empty.retryAfterMs, 1_500);
  assert.equal(empty.fullInMs, 5_500);
});

test('the memory store keeps a bucket per key and forgets only buckets that have refilled', async () => {
  let now = 0;
  const store = memoryBucketStore(policy, { now: () => now, sweepAbove: 3 });
  for (let i = 0; i < 3; i++) assert.equal((await store.take('a')).allowed, true);
  assert.equal((await store.take('a')).allowed, false);
  assert.equal((await store.take('b')).allowed, true);
  now = 2_000; // b (2 tokens after its take) is full again after 2 s; a is not (needs 6 s)
  assert.equal((await store.take('c')).allowed, true);
  assert.equal(store.size(), 3, 'below sweepAbove nothing is swept');
  await store.take('d');
  assert.equal(store.size(), 3, 'from sweepAbove on, b (full again) went; a, c and d stay');
  assert.equal((await store.take('a')).allowed, true, 'a refilled one token in 2 s');
  assert.equal((await store.take('a')).allowed, false, 'and only one: a was not forgotten');
});
