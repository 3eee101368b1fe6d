import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.ts';
import { parseRegistrationRecord } from './notification-record.ts';

const payload = {
  userId: '0a0b0c0d-1111-4222-8333-444455556666',
  email: 'ada@example.com',
  notificationId: '11111111-2222-4333-8444-555566667777',
  registeredAt: '2025-03-01T10:00:00.000Z',
};
const eventId = '9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff';
const value = Buffer.from(JSON.stringify(payload));

function code(result: ReturnType<typeof parseRegistrationRecord>): string {
  assert.ok(isAppError(result));
  return isAppError(result) ? result.code : '';
}

describe('parseRegistrationRecord', () => {
  it('reads the event id header and the payload', () => {
    assert.deepEqual(parseRegistrationRecord(value, { 'event-id': Buffer.from(eventId) }), { eventId, payload });
  });

  it('needs a uuid event id header', () => {
    assert.equal(code(parseRegistrationRecord(value, undefined)), 'MALFORMED_RECORD');
    assert.equal(code(parseRegistrationRecord(value, { 'event-id': 'nope' })), 'MALFORMED_RECORD');
  });

  it('refuses a missing, non-JSON or invalid value', () => {
    const headers = { 'event-id': eventId };
    assert.equal(code(parseRegistrationRecord(null, headers)), 'MALFORMED_RECORD');
    assert.equal(code(parseRegistrationRecord(Buffer.from('{'), headers)), 'MALFORMED_RECORD');
    assert.equal(code(parseRegistrationRecord(Buffer.from('{}'), headers)), 'INVALID_PAYLOAD');
    assert.equal(code(parseRegistrationRecord(Buffer.from(JSON.stringify({ ...payload, email: 'x' })), headers)), 'INVALID_PAYLOAD');
  });
});
