import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeValue } from './decode-value.ts';
import { formatRecord } from './format-record.ts';

const envelope = JSON.stringify({ before: null, after: { id: 'e1', event_type: 'UserRegistered', payload: '{"userId":"u1"}' }, op: 'c' });
const record = {
  topic: 'dbz.public.outbox_events',
  partition: 2,
  offset: 41,
  timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
  key: '{"aggregate_id":"u1"}',
  value: envelope,
  headers: { 'event-id': 'e1' },
};

test('the jsonb payload inside a Debezium envelope is decoded', () => {
  assert.deepEqual(decodeValue(envelope), { before: null, after: { id: 'e1', event_type: 'UserRegistered', payload: { userId: 'u1' } }, op: 'c' });
});

test('values that are not JSON, or payloads that are not JSON, are shown as they are', () => {
  assert.equal(decodeValue('not json'), 'not json');
  assert.equal(decodeValue(null), null);
  assert.deepEqual(decodeValue('{"after":{"payload":"{broken"}}'), { after: { payload: '{broken' } });
  assert.deepEqual(decodeValue('{"after":null}'), { after: null });
});

test('--json prints one parseable line with every field', () => {
  const line = formatRecord(record, { json: true });
  assert.ok(!line.includes('\n'));
  assert.deepEqual(JSON.parse(line), {
    topic: 'dbz.public.outbox_events',
    partition: 2,
    offset: 41,
    timestamp: '2026-01-02T03:04:05.000Z',
    key: '{"aggregate_id":"u1"}',
    headers: { 'event-id': 'e1' },
    value: decodeValue(envelope),
  });
});

test('the human form names partition, offset, key, headers and the decoded value', () => {
  const text = formatRecord(record, { json: false });
  assert.match(text, /p2 @41/);
  assert.match(text, /key=\{"aggregate_id":"u1"\}/);
  assert.match(text, /headers: event-id=e1/);
  assert.match(text, /"payload":\{"userId":"u1"\}/);
});
