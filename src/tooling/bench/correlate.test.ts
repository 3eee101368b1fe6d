import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlateByKey, correlateCdcRecord, correlateDeadLetter } from './correlate.ts';

const id = '3f1c2f9e-5b7a-4d0e-9a51-0c8d2e6b7a10';

test('a Debezium record is joined on its key and carries the WAL commit time', () => {
  const value = JSON.stringify({ before: null, after: { id: 'e', aggregate_id: id }, source: { ts_ms: 1700000000123 }, op: 'c', ts_ms: 1700000000200 });
  assert.deepEqual(correlateCdcRecord({ key: JSON.stringify({ aggregate_id: id }), value }), { id, sourceTsMs: 1700000000123 });
});

test('without a key the row itself says which aggregate it is; a heartbeat is nobody', () => {
  const value = JSON.stringify({ after: { aggregate_id: id }, op: 'c' });
  assert.deepEqual(correlateCdcRecord({ key: null, value }), { id, sourceTsMs: null });
  assert.equal(correlateCdcRecord({ key: null, value: '{"ts_ms":1}' }), null);
});

test('routed and dead-lettered records are joined on the aggregate id in their key', () => {
  assert.deepEqual(correlateByKey({ key: id }), { id });
  assert.equal(correlateByKey({ key: null }), null);
  assert.deepEqual(correlateDeadLetter({ key: JSON.stringify({ aggregate_id: id.toUpperCase() }) }), { id });
  assert.equal(correlateDeadLetter({ key: 'no id here' }), null);
});
