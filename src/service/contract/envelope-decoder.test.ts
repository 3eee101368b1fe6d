import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DecodedEnvelope, decodeEnvelope } from './envelope-decoder.ts';

const row = {
  id: '7b0f3c2e-5a43-4c1e-9d3b-6a1f2e8c9d01',
  aggregate_type: 'User',
  aggregate_id: 'c1d2e3f4-0000-4000-8000-000000000001',
  event_type: 'UserRegistered',
  payload: JSON.stringify({ userId: 'c1d2e3f4-0000-4000-8000-000000000001', email: 'a@example.com' }),
  created_at: '2025-03-01T10:00:00.123456Z',
  traceparent: null,
};

function envelope(op: string, after: unknown = row, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ before: null, after, source: { table: 'outbox_events', ts_ms: 1_740_823_200_123 }, op, ts_ms: 1, ...extra });
}

function errorCode(result: DecodedEnvelope): string {
  assert.equal(result.kind, 'error');
  return result.kind === 'error' ? result.error.code : '';
}

describe('decodeEnvelope', () => {
  it('decodes a create with the jsonb payload parsed from its JSON string', () => {
    const result = decodeEnvelope(Buffer.from(envelope('c')));
    assert.deepEqual(result, {
      kind: 'event',
      event: {
        id: row.id,
        aggregateType: 'User',
        aggregateId: row.aggregate_id,
        eventType: 'UserRegistered',
        payload: { userId: row.aggregate_id, email: 'a@example.com' },
        createdAt: row.created_at,
        traceparent: null,
        committedAtMs: 1_740_823_200_123,
      },
    });
  });

  it('treats a snapshot read like a create', () => {
    assert.equal(decodeEnvelope(envelope('r')).kind, 'event');
  });

  it('accepts a payload already expanded to an object and the schemas-enabled wrapper', () => {
    const expanded = decodeEnvelope(envelope('c', { ...row, payload: { a: 1 } }));
    assert.ok(expanded.kind === 'event' && (expanded.event.payload as { a: number }).a === 1);
    const wrapped = decodeEnvelope(JSON.stringify({ schema: { type: 'struct' }, payload: JSON.parse(envelope('c')) }));
    assert.equal(wrapped.kind, 'event');
  });

  it('keeps a traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = decodeEnvelope(envelope('c', { ...row, traceparent }));
    assert.ok(result.kind === 'event' && result.event.traceparent === traceparent);
  });

  for (const [op, reason] of [
    ['u', 'update'],
    ['d', 'delete'],
    ['t', 'truncate'],
    ['m', 'message'],
  ] as const) {
    it(`skips op ${op} as ${reason}`, () => {
      assert.deepEqual(decodeEnvelope(envelope(op, op === 'd' || op === 't' ? null : row)), { kind: 'skip', reason });
    });
  }

  it('skips tombstones: null, undefined and empty values', () => {
    for (const value of [null, undefined, '', Buffer.alloc(0)]) assert.deepEqual(decodeEnvelope(value), { kind: 'skip', reason: 'tombstone' });
  });

  it('skips heartbeats: by topic, and a value without op or row', () => {
    assert.deepEqual(decodeEnvelope('{"ts_ms":1}', { topic: '__debezium-heartbeat.dbz' }), { kind: 'skip', reason: 'heartbeat' });
    assert.deepEqual(decodeEnvelope('{"ts_ms":1}'), { kind: 'skip', reason: 'heartbeat' });
    assert.deepEqual(decodeEnvelope('{}'), { kind: 'skip', reason: 'heartbeat' });
  });

  it('refuses what is not JSON', () => {
    for (const value of ['not json', '{"op":"c"', Buffer.from([0xff, 0xfe, 0x00]), '\u0000'])
      assert.equal(errorCode(decodeEnvelope(value)), 'MALFORMED_ENVELOPE');
  });

  it('refuses JSON that is not an envelope object', () => {
    for (const value of ['null', '42', '"c"', '[]', '[{"op":"c"}]', 'true', '{"op":5}', '{"op":"x","after":{}}', '{"after":{"id":1}}']) {
      assert.equal(errorCode(decodeEnvelope(value)), 'MALFORMED_ENVELOPE', value);
    }
  });

  it('refuses a create without a row or with a wrong row', () => {
    assert.equal(errorCode(decodeEnvelope(envelope('c', null))), 'MALFORMED_ENVELOPE');
    assert.equal(errorCode(decodeEnvelope(envelope('c', 'row'))), 'MALFORMED_ENVELOPE');
    assert.equal(errorCode(decodeEnvelope(envelope('c', { ...row, id: 'not-a-uuid' }))), 'MALFORMED_ENVELOPE');
    assert.equal(errorCode(decodeEnvelope(envelope('c', { ...row, event_type: null }))), 'MALFORMED_ENVELOPE');
    assert.equal(errorCode(decodeEnvelope(envelope('c', { ...row, created_at: 1700000000000 }))), 'MALFORMED_ENVELOPE');
    const { aggregate_id: _dropped, ...withoutAggregate } = row;
    assert.equal(errorCode(decodeEnvelope(envelope('c', withoutAggregate))), 'MALFORMED_ENVELOPE');
  });

  it('refuses a payload string that is not JSON', () => {
    const result = decodeEnvelope(envelope('c', { ...row, payload: '{broken' }));
    assert.equal(errorCode(result), 'MALFORMED_ENVELOPE');
    assert.ok(result.kind === 'error' && result.error.retryable === false);
  });

  it('refuses huge values before parsing them, and long fields', () => {
    const huge = envelope('c', { ...row, payload: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }) });
    const tooBig = decodeEnvelope(huge);
    assert.equal(errorCode(tooBig), 'MALFORMED_ENVELOPE');
    assert.match(tooBig.kind === 'error' ? tooBig.error.message : '', /bytes/);
    assert.equal(decodeEnvelope(huge, { maxBytes: 4 * 1024 * 1024 }).kind, 'event');
    assert.equal(errorCode(decodeEnvelope(envelope('c', { ...row, event_type: 'E'.repeat(10_000) }))), 'MALFORMED_ENVELOPE');
  });

  it('survives deeply nested JSON without throwing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.doesNotThrow(() => decodeEnvelope(deep));
    assert.equal(decodeEnvelope(deep).kind, 'error');
  });
});
