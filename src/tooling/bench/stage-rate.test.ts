import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rateSince, sustainedRate } from './stage-rate.ts';

test('sustained rate spans first to last completion', () => {
  // 11 completions over one second: 10 intervals -> 10/s
  const completions = Array.from({ length: 11 }, (_, i) => 5_000 + i * 100);
  assert.deepEqual(sustainedRate('router', completions), { stage: 'router', events: 11, seconds: 1, ratePerSecond: 10 });
});

test('no span gives no rate rather than Infinity', () => {
  assert.equal(sustainedRate('x', [7, 7]).ratePerSecond, 0);
  assert.equal(sustainedRate('x', []).events, 0);
});

test('a rate since the first insert includes the fill time', () => {
  assert.deepEqual(rateSince('e2e', 1_000, [1_500, 3_000]), { stage: 'e2e', events: 2, seconds: 2, ratePerSecond: 1 });
});
