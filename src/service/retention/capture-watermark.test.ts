import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedWatermark, formatLsn, parseLsn } from './capture-watermark.ts';

test('LSNs compare as PostgreSQL compares them', () => {
  assert.equal(parseLsn('0/0'), 0n);
  assert.equal(parseLsn('16/B374D848'), (0x16n << 32n) | 0xb374d848n);
  assert.ok(parseLsn('1/0') > parseLsn('0/FFFFFFFF'));
  assert.equal(formatLsn(parseLsn('16/B374D848')), '16/B374D848');
  assert.throws(() => parseLsn('16-B374D848'), /not an LSN/);
});

test('the newest confirmed watermark bounds the purge; later ones wait', () => {
  const marks = [
    { lsn: 10n, xmin: '100' },
    { lsn: 20n, xmin: '105' },
    { lsn: 30n, xmin: '110' },
  ];
  assert.deepEqual(confirmedWatermark(marks, 25n), { bound: marks[1], waiting: [marks[2]] });
  assert.deepEqual(confirmedWatermark(marks, 30n), { bound: marks[2], waiting: [] });
  assert.deepEqual(confirmedWatermark(marks, 5n), { bound: undefined, waiting: marks });
});

test('without a slot nothing is confirmed', () => {
  assert.deepEqual(confirmedWatermark([{ lsn: 1n, xmin: '3' }], undefined), { waiting: [{ lsn: 1n, xmin: '3' }] });
});
