import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slopePerHour, summarizeLag, summarizeMemory } from './soak-stats.ts';

const minute = 60_000;

test('the slope of a steady climb is its rate per hour, whatever the noise around it', () => {
  const line = Array.from({ length: 11 }, (_, i) => ({ t: i * minute, value: 100 + 2 * i }));
  assert.equal(slopePerHour(line), 120);
  const noisy = line.map((s, i) => ({ ...s, value: s.value + (i % 2 === 0 ? 1 : -1) }));
  assert.ok(Math.abs(slopePerHour(noisy)! - 120) < 10, String(slopePerHour(noisy)));
  assert.equal(slopePerHour(Array.from({ length: 5 }, (_, i) => ({ t: i * minute, value: 7 }))), 0);
});

test('no slope from fewer than two distinct times', () => {
  assert.equal(slopePerHour([]), undefined);
  assert.equal(slopePerHour([{ t: 0, value: 1 }]), undefined);
  assert.equal(
    slopePerHour([
      { t: 5, value: 1 },
      { t: 5, value: 2 },
    ]),
    undefined,
  );
});

test('the memory summary keeps start, end and max of every sample, but the growth only after the warm-up', () => {
  const samples = [
    { t: 0, value: 50 },
    { t: minute, value: 150 },
    { t: 2 * minute, value: 160 },
    { t: 3 * minute, value: 160 },
    { t: 4 * minute, value: 160 },
  ];
  assert.deepEqual(summarizeMemory(samples, 2 * minute), { start: 50, end: 160, max: 160, growthPerHour: 0, samples: 5 });
  assert.ok(summarizeMemory(samples, 0)!.growthPerHour! > 1_000, 'with no warm-up the start-up climb reads as growth');
  assert.equal(summarizeMemory([], 0), undefined);
});

test('the lag summary is the p99 of the per-interval p99s and the largest max', () => {
  const readings = Array.from({ length: 100 }, (_, i) => ({ p99: (i + 1) / 1000, max: i === 40 ? 2.5 : 0.2 }));
  assert.deepEqual(summarizeLag(readings), { p99: 0.099, max: 2.5 });
  assert.equal(summarizeLag([]), undefined);
});
