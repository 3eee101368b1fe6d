import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeDrill } from './drill-verdict.ts';

const base = {
  committed: ['a', 'b', 'c'],
  sent: new Set(['a', 'b', 'c']),
  sends: new Map([
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ]),
  copies: {
    cdc: new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]),
  },
  deadLetters: 0,
};

test('every registration sent once passes, whatever the copies on the topics', () => {
  const verdict = judgeDrill(base);
  assert.equal(verdict.ok, true);
  assert.deepEqual(verdict.duplicates, { cdc: 1 });
});

test('a registration never sent, sent twice, or a dead letter fails the drill', () => {
  assert.deepEqual(judgeDrill({ ...base, sent: new Set(['a', 'b']) }).lost, ['c']);
  assert.equal(judgeDrill({ ...base, sent: new Set(['a', 'b']) }).ok, false);
  const twice = judgeDrill({ ...base, sends: new Map([...base.sends, ['b', 2]]) });
  assert.deepEqual([twice.ok, twice.doubleEffects], [false, ['b']]);
  assert.equal(judgeDrill({ ...base, deadLetters: 1 }).ok, false);
});
