import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLoss } from './loss-check.ts';

test('every id at every end point and none dead-lettered is zero loss', () => {
  const result = checkLoss(
    ['a', 'b'],
    {
      cdc: new Set(['a', 'b']),
      sent: new Map([
        ['a', 1],
        ['b', 2],
      ]),
    },
    new Set(),
    0,
  );
  assert.deepEqual(result, { expected: 2, delivered: { cdc: 2, sent: 2 }, dlqRecords: 0, ok: true });
});

test('a missing event or one of ours on the dead-letter topic is loss; a stranger there is not', () => {
  assert.equal(checkLoss(['a', 'b'], { cdc: new Set(['a']) }, new Set(), 0).ok, false);
  assert.equal(checkLoss(['a'], { cdc: new Set(['a']) }, new Set(['a']), 1).ok, false);
  assert.equal(checkLoss(['a'], { cdc: new Set(['a']) }, new Set(['z']), 1).ok, true);
});
