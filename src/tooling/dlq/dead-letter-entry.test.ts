import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadLetterRef, decodeDeadLetter } from './dead-letter-entry.ts';
import { notifyDeadLetter, routeDeadLetter, stageSettings } from './dlq-fixtures.ts';

describe('decodeDeadLetter', () => {
  it('reads a notify-stage dead letter: context, original record, event id from its header, the notifier input as replay topic', () => {
    const entry = decodeDeadLetter(notifyDeadLetter(), stageSettings);
    assert.equal(entry.stage, 'notify');
    assert.equal(entry.replayTopic, 'notif.user.registration');
    assert.equal(entry.code, 'NOTIFICATION_NOT_FOUND');
    assert.equal(entry.attempts, 5);
    assert.deepEqual(entry.original, { topic: 'notif.user.registration', partition: 1, offset: 40, timestamp: 1769896800000 });
    assert.equal(entry.eventId, '6f1c2b1e-1111-4a4a-8b8b-000000000001');
    assert.equal(entry.replayCount, 0);
    assert.equal(deadLetterRef(entry.at), 'eventdriven-examples.dlq:1:7');
    assert.deepEqual(Object.keys(entry.originalHeaders).sort(), ['event-id', 'event-type', 'traceparent']);
  });

  it('reads a route-stage dead letter: the event id from the Debezium envelope, the CDC topic as replay topic', () => {
    const entry = decodeDeadLetter(routeDeadLetter('0b0b0b0b-2222-4a4a-8b8b-000000000002'), stageSettings);
    assert.equal(entry.replayTopic, 'dbz.public.outbox_events');
    assert.equal(entry.eventId, '0b0b0b0b-2222-4a4a-8b8b-000000000002');
    assert.equal(entry.eventType, 'UserRegistered');
    assert.equal(entry.aggregateId, 'agg-2', 'from the envelope: the raw key is Debezium JSON');
  });

  it('reads the replay count a replayed record carried into its new dead letter', () => {
    const entry = decodeDeadLetter(notifyDeadLetter({ headers: { 'replay-count': '2', 'replay-of': 'eventdriven-examples.dlq:1:3' } }), stageSettings);
    assert.equal(entry.replayCount, 2);
    assert.equal(entry.replayOf, 'eventdriven-examples.dlq:1:3');
  });

  it('tolerates a record without context: unknown stage, no original, no replay topic', () => {
    const entry = decodeDeadLetter({ topic: 'dlq', partition: 0, offset: 1, timestamp: 0, key: null, value: null, headers: {} }, stageSettings);
    assert.equal(entry.stage, 'unknown');
    assert.equal(entry.code, 'UNKNOWN');
    assert.equal(entry.original, undefined);
    assert.equal(entry.replayTopic, undefined);
    assert.equal(entry.eventId, undefined);
  });
});
