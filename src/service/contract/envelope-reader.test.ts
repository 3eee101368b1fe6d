import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readEnvelope } from './envelope-reader.ts';

const after = {
  id: '7b0f3c2e-5a43-4c1e-9d3b-6a1f2e8c9d01',
  aggregate_type: 'User',
  aggregate_id: 'c1d2e3f4-0000-4000-8000-000000000001',
  event_type: 'UserRegistered',
  payload: '{"userId":"c1d2e3f4-0000-4000-8000-000000000001"}',
  created_at: '2025-03-01T10:00:00.123456Z',
  traceparent: null,
};
const envelope = { before: null, after, source: { ts_ms: 1_740_823_200_123, lsn: 123_456 }, op: 'c', ts_ms: 1_740_823_200_200 };

describe('readEnvelope', () => {
  it('reads the op, the commit time, the position and the outbox columns, with the jsonb payload parsed', () => {
    const read = readEnvelope(Buffer.from(JSON.stringify(envelope)));
    assert.equal(read?.op, 'c');
    assert.equal(read?.committedAtMs, 1_740_823_200_123);
    assert.equal(read?.lsn, 123_456);
    assert.equal(read?.eventId, after.id);
    assert.equal(read?.eventType, 'UserRegistered');
    assert.equal(read?.aggregateId, after.aggregate_id);
    assert.equal(read?.traceparent, undefined);
    assert.deepEqual(read?.payload, { userId: after.aggregate_id });
    assert.equal(read?.payloadMalformed, false);
  });

  it('unwraps the schemas-enabled form', () => {
    const read = readEnvelope(JSON.stringify({ schema: { type: 'struct' }, payload: envelope }));
    assert.equal(read?.eventId, after.id);
  });

  it('is lenient: missing or mistyped fields are undefined, never an exception', () => {
    assert.equal(readEnvelope(null), undefined);
    assert.equal(readEnvelope(''), undefined);
    assert.equal(readEnvelope('not json'), undefined);
    assert.equal(readEnvelope('[1]'), undefined);
    const odd = readEnvelope('{"op":5,"after":{"id":7,"payload":"{broken"},"source":"x"}');
    assert.equal(odd?.op, undefined);
    assert.equal(odd?.eventId, undefined);
    assert.equal(odd?.committedAtMs, undefined);
    assert.equal(odd?.payload, undefined);
    assert.equal(odd?.payloadMalformed, true);
    assert.deepEqual(readEnvelope('{"ts_ms":1}')?.after, null);
  });
});
