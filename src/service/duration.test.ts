import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';

test('durations as operators write them', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('250'), 250);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration(' 12h '), 43_200_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('2w'), 1_209_600_000);
});

test('anything else is refused, not guessed', () => {
  for (const text of ['', '7 days', '1.5h', '-1d', 'd', '7D', '99999999999999999999d']) assert.equal(parseDuration(text), undefined, text);
});

test('the short form reads back', () => {
  assert.equal(formatDuration(604_800_000), '1w');
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(5_400_000), '90m');
  assert.equal(formatDuration(0), '0ms');
  assert.equal(formatDuration(1_500), '1500ms');
});
