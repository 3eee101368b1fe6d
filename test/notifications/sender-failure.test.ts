import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';
import type { Db } from '../../src/service/db/database.ts';
import { AppError } from '../../src/service/errors.ts';
import { handleRegistrationNotification } from '../../src/service/notifications/handle-registration-notification.ts';
import type { NotificationSender } from '../../src/service/notifications/notification-sender.ts';
import { inboxRetentionMs } from '../../src/service/retention/retention-settings.ts';
import { inboxCount, notificationStatuses } from '../consumer/consumer-support.ts';
import { openTestDatabase } from '../support/database.ts';

// A sender's failure is the sender's, whatever its network code: retried as SENDER_UNAVAILABLE (or
// dead-lettered at once as SENDER_REJECTED), never reported as the database being down.
let db: Db;
const handler = `test-sender-failure-${Date.now().toString(36)}`;

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

function failingSender(error: unknown): NotificationSender {
  return {
    send: async () => {
      throw error;
    },
  };
}

/** A user and its PENDING notification, with no outbox event: the test stack's own pipeline never touches it. */
async function pendingNotification(): Promise<{ userId: string; notificationId: string; eventId: string }> {
  const [userId, notificationId, eventId] = [randomUUID(), randomUUID(), randomUUID()];
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({ id: userId, email: `sender-${userId}@example.com`, password_hash: 'x' })
      .execute();
    await trx.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'welcome' }).execute();
  });
  return { userId, notificationId, eventId };
}

async function handleWith(sender: NotificationSender) {
  const registration = await pendingNotification();
  const payload = {
    userId: registration.userId,
    email: 'sender@example.com',
    notificationId: registration.notificationId,
    registeredAt: new Date().toISOString(),
  };
  const outcome = handleRegistrationNotification(
    db,
    sender,
    { eventId: registration.eventId, payload },
    { handler, signal: new AbortController().signal, inboxWindowMs: inboxRetentionMs(loadConfig()) },
  );
  return { registration, outcome };
}

describe('a failing notification sender', () => {
  it('a network error of the sender is SENDER_UNAVAILABLE, retryable, and the transaction is rolled back', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
    const { registration, outcome } = await handleWith(failingSender(refused));
    await assert.rejects(outcome, (error: AppError) => {
      assert.equal(error.code, 'SENDER_UNAVAILABLE');
      assert.equal(error.retryable, true);
      assert.equal(error.cause, refused);
      return true;
    });
    assert.equal(await inboxCount(db, handler, [registration.eventId]), 0, 'no inbox row: the retry sends again');
    assert.equal((await notificationStatuses(db, [registration.notificationId])).get(registration.notificationId)?.status, 'PENDING');
  });

  it('a refusal the sender declares final stays SENDER_REJECTED and is not retried', async () => {
    const rejected = new AppError('SENDER_REJECTED', 'mailbox does not exist');
    const { outcome } = await handleWith(failingSender(rejected));
    await assert.rejects(outcome, (error: AppError) => error === rejected && !error.retryable);
  });

  it('a sender that works marks the notification SENT once', async () => {
    const sent: string[] = [];
    const { registration, outcome } = await handleWith({ send: async (notification) => void sent.push(notification.eventId) });
    assert.equal(await outcome, 'sent');
    assert.deepEqual(sent, [registration.eventId]);
    assert.equal(await inboxCount(db, handler, [registration.eventId]), 1);
  });
});
