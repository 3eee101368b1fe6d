import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distribution, percentile, roundSummary, summarize } from './percentiles.ts';

test('nearest rank picks an observed sample', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 95), 95);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2, 3], 50), 2);
});

test('a small sample makes p99 its maximum, not an interpolation beyond it', () => {
  assert.equal(percentile([1, 2, 3, 4, 1000], 99), 1000);
  assert.equal(percentile([1, 2, 3, 4, 1000], 50), 3);
});

test('summarize sorts its input and leaves it untouched', () => {
  const samples = [5, 1, 4, 2, 3];
  const summary = summarize(samples);
  assert.deepEqual(samples, [5, 1, 4, 2, 3]);
  assert.deepEqual(summary, { count: 5, min: 1, mean: 3, p50: 3, p95: 5, p99: 5, max: 5 });
});

test('no samples give NaN rather than a misleading zero', () => {
  const summary = summarize([]);
  assert.equal(summary.count, 0);
  assert.ok(Number.isNaN(summary.p50) && Number.isNaN(summary.max) && Number.isNaN(summary.mean));
});

test('rounding keeps a tenth of a millisecond and turns NaN into null', () => {
  assert.equal(roundSummary(summarize([])).p99, null);
  assert.deepEqual(roundSummary({ count: 2, min: 1.234, mean: 1.25, p50: 1.26, p95: 2.04, p99: 2.05, max: 2.049 }), {
    count: 2,
    min: 1.2,
    mean: 1.3,
    p50: 1.3,
    p95: 2,
    p99: 2.1,
    max: 2,
  });
});

test('the distribution has 101 rising points from min to max', () => {
  const points = distribution([3, 1, 2, 10])!;
  assert.equal(points.length, 101);
  assert.equal(points[0], 1);
  assert.equal(points[100], 10);
  assert.ok(points.every((value, i) => i === 0 || value >= points[i - 1]!));
  assert.equal(distribution([]), null);
});
