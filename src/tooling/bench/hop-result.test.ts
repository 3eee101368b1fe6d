import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hopSamples, measureHop } from './hop-result.ts';

test('a hop is end minus start for ids that have both', () => {
  const start = new Map([
    ['a', 100],
    ['b', 200],
    ['c', 300],
  ]);
  const end = new Map([
    ['a', 110],
    ['b', 230],
  ]);
  assert.deepEqual(
    hopSamples(
      ['a', 'b', 'c'],
      (id) => start.get(id),
      (id) => end.get(id),
    ),
    [10, 30],
  );
  const hop = measureHop(
    'x',
    ['a', 'b', 'c'],
    (id) => start.get(id),
    (id) => end.get(id),
  );
  assert.equal(hop.summary.count, 2);
  assert.equal(hop.summary.max, 30);
  assert.equal(hop.distribution?.length, 101);
});
