import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSettings, drainOrder } from './connector-settings.ts';

test('without overrides every drain runs on the live settings', () => {
  assert.deepEqual(drainOrder(undefined, 2), [{}, {}]);
  assert.deepEqual(drainOrder({}, 1), [{}]);
});

test('live and overridden settings alternate, live first in odd rounds', () => {
  const tuned = { 'max.batch.size': '8192' };
  assert.deepEqual(drainOrder(tuned, 1), [{}, tuned]);
  assert.deepEqual(drainOrder(tuned, 2), [{}, tuned, tuned, {}]);
});

test('a run is labelled by its settings', () => {
  assert.equal(describeSettings({}), 'live settings');
  assert.equal(describeSettings({ 'max.batch.size': '8192', 'producer.override.linger.ms': '20' }), 'max.batch.size=8192, producer.override.linger.ms=20');
});
