import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceRecord } from './dead-letter.ts';
import { cdcRecordFacts, routedRecordFacts } from './record-facts.ts';

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const base: SourceRecord = { topic: 't', partition: 0, offset: '1', timestamp: '0', key: null, value: null, headers: undefined };

test('a CDC record tells its commit time (source.ts_ms), event and trace context', () => {
  const value = Buffer.from(
    JSON.stringify({
      op: 'c',
      source: { ts_ms: 1_740_823_200_123 },
      after: { id: 'e1', event_type: 'UserRegistered', traceparent, payload: '{}' },
    }),
  );
  assert.deepEqual(cdcRecordFacts({ ...base, value }), { eventId: 'e1', eventType: 'UserRegistered', committedAtMs: 1_740_823_200_123, traceparent });
  assert.deepEqual(cdcRecordFacts({ ...base, value: Buffer.from('not json') }), {});
});

test('a routed record tells them through its headers', () => {
  const headers = { 'event-id': 'e1', 'event-type': 'UserRegistered', 'committed-at': '2025-03-01T10:00:00.123Z', traceparent: Buffer.from(traceparent) };
  assert.deepEqual(routedRecordFacts({ ...base, headers }), { eventId: 'e1', eventType: 'UserRegistered', committedAtMs: 1_740_823_200_123, traceparent });
  assert.equal(routedRecordFacts({ ...base, headers: { 'committed-at': 'yesterday' } }).committedAtMs, undefined);
});
