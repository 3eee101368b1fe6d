import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboxEventRecord } from '../contract/envelope-decoder.ts';
import { type RouteResult, routeEvent } from './router.ts';

const topics = { USER_REGISTRATION_TOPIC: 'notif.test.registration' };
const userId = '0a0b0c0d-1111-4222-8333-444455556666';
const event: OutboxEventRecord = {
  id: '9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff',
  aggregateType: 'User',
  aggregateId: userId,
  eventType: 'UserRegistered',
  payload: { userId, email: 'ada@example.com', notificationId: '11111111-2222-4333-8444-555566667777', registeredAt: '2025-03-01T10:00:00.000Z' },
  createdAt: '2025-03-01T10:00:00.123456Z',
  traceparent: null,
  committedAtMs: 1_740_823_200_123,
};

function code(result: RouteResult): string {
  assert.equal(result.kind, 'error');
  return result.kind === 'error' ? result.error.code : '';
}

describe('routeEvent', () => {
  it('routes to the topic configured for the event type, keyed by aggregate id, with event headers', () => {
    const result = routeEvent(event, topics);
    assert.equal(result.kind, 'route');
    if (result.kind !== 'route') return;
    assert.equal(result.record.topic, 'notif.test.registration');
    assert.equal(result.record.key, userId);
    assert.deepEqual(JSON.parse(result.record.value), event.payload);
    assert.deepEqual(result.record.headers, {
      'event-id': event.id,
      'event-type': 'UserRegistered',
      'aggregate-type': 'User',
      'aggregate-id': userId,
      'occurred-at': event.createdAt,
      'committed-at': '2025-03-01T10:00:00.123Z',
    });
  });

  it("routes a user's email change to the registrations' topic under the same key: one partition keeps the user's order", () => {
    const payload = { userId, email: 'ada.lovelace@example.org', version: 2, changedAt: '2025-03-02T10:00:00.000Z' };
    const changed = routeEvent({ ...event, eventType: 'UserEmailChanged', payload }, topics);
    const registered = routeEvent(event, topics);
    assert.ok(changed.kind === 'route' && registered.kind === 'route');
    assert.equal(changed.record.topic, registered.record.topic);
    assert.equal(changed.record.key, registered.record.key);
    assert.equal(changed.record.headers['event-type'], 'UserEmailChanged');
    // A poison change (no version, an extra old email) is refused like any event off its schema.
    const { version: _version, ...unversioned } = payload;
    assert.equal(code(routeEvent({ ...event, eventType: 'UserEmailChanged', payload: unversioned }, topics)), 'INVALID_PAYLOAD');
    assert.equal(
      code(routeEvent({ ...event, eventType: 'UserEmailChanged', payload: { ...payload, oldEmail: 'ada@example.com' } }, topics)),
      'INVALID_PAYLOAD',
    );
  });

  it('leaves the commit time out when the envelope had none', () => {
    const result = routeEvent({ ...event, committedAtMs: null }, topics);
    assert.ok(result.kind === 'route' && !('committed-at' in result.record.headers));
  });

  it('carries a valid traceparent and drops a malformed one', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = routeEvent({ ...event, traceparent }, topics);
    assert.ok(traced.kind === 'route' && traced.record.headers.traceparent === traceparent);
    const broken = routeEvent({ ...event, traceparent: 'not-a-trace' }, topics);
    assert.ok(broken.kind === 'route' && !('traceparent' in broken.record.headers));
  });

  it('never uses the event type as a topic name', () => {
    for (const eventType of ['notif.user.registration', '__consumer_offsets', 'toString', 'constructor', '__proto__', '']) {
      assert.equal(code(routeEvent({ ...event, eventType }, topics)), 'UNKNOWN_EVENT_TYPE', eventType);
    }
  });

  it('refuses a payload that fails its schema, as non-retryable', () => {
    const bad = [
      null,
      'text',
      42,
      [],
      {},
      { ...(event.payload as object), email: 'nope' },
      { ...(event.payload as object), password: 'secret' },
      { ...(event.payload as object), userId: 'x'.repeat(100_000) },
    ];
    for (const payload of bad) {
      const result = routeEvent({ ...event, payload }, topics);
      assert.equal(code(result), 'INVALID_PAYLOAD');
      assert.ok(result.kind === 'error' && !result.error.retryable);
    }
  });

  it('refuses an event filed under the wrong aggregate type', () => {
    assert.equal(code(routeEvent({ ...event, aggregateType: 'Order' }, topics)), 'INVALID_PAYLOAD');
  });
});
