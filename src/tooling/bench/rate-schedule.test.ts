import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchRanges, dueOffsetMs, plannedCount, ratePerSecond } from './rate-schedule.ts';

test('events are due at even intervals from the start', () => {
  assert.equal(dueOffsetMs(0, 200), 0);
  assert.equal(dueOffsetMs(1, 200), 5);
  assert.equal(dueOffsetMs(200, 200), 1000);
  assert.throws(() => dueOffsetMs(1, 0), RangeError);
});

test('planned count follows rate times duration, never zero', () => {
  assert.equal(plannedCount(50, 10_000), 500);
  assert.equal(plannedCount(1, 10), 1);
});

test('a rate over an empty span is zero, not Infinity', () => {
  assert.equal(ratePerSecond(100, 0), 0);
  assert.equal(ratePerSecond(500, 250), 2000);
});

test('batches cover the range exactly once', () => {
  assert.deepEqual(batchRanges(5, 2), [
    [0, 2],
    [2, 4],
    [4, 5],
  ]);
  assert.deepEqual(batchRanges(0, 3), []);
});
