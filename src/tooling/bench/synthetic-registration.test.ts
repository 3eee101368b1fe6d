import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventCatalog } from '../../service/contract/events.ts';
import { outboxRow, registrationPayload, syntheticRegistration } from './synthetic-registration.ts';

test('a synthetic registration carries a payload the router accepts', () => {
  const registration = syntheticRegistration('t1', 7, new Date('2025-01-02T03:04:05.678Z'));
  assert.equal(registration.email, 'bench-t1-7@bench.example.com');
  assert.ok(eventCatalog.UserRegistered.payload.safeParse(registrationPayload(registration)).success);
  const row = outboxRow(registration);
  assert.equal(row.aggregate_id, registration.userId);
  assert.equal(row.event_type, 'UserRegistered');
  assert.deepEqual(JSON.parse(row.payload), {
    userId: registration.userId,
    email: registration.email,
    notificationId: registration.notificationId,
    registeredAt: '2025-01-02T03:04:05.678Z',
  });
});
