import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/service/db/database.ts';
import { AppError } from '../../src/service/errors.ts';
import type { RegistrationNotification } from '../../src/service/notifications/handle-registration-notification.ts';
import { type BatchItemResult, handleNotificationBatch } from '../../src/service/notifications/notification-batch.ts';
import type { NotificationSender } from '../../src/service/notifications/notification-sender.ts';
import { inboxRetentionMs } from '../../src/service/retention/retention-settings.ts';
import { config, inboxCount, notificationStatuses } from '../consumer/consumer-support.ts';
import { openTestDatabase } from '../support/database.ts';

// The batch transaction on the real database: what each item gets, what is written, what is sent.
let db: Db;
const handler = `test-batch-${Date.now().toString(36)}`;
const signal = new AbortController().signal;
const inboxWindowMs = inboxRetentionMs(config);

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

/** Users with a PENDING notification and no outbox event: the test stack's own pipeline never touches them. */
async function pending(count: number): Promise<RegistrationNotification[]> {
  const items = Array.from({ length: count }, () => {
    const userId = randomUUID();
    return {
      eventId: randomUUID(),
      payload: { userId, email: `batch-${userId}@example.com`, notificationId: randomUUID(), registeredAt: new Date().toISOString() },
    };
  });
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values(items.map(({ payload }) => ({ id: payload.userId, email: payload.email, password_hash: 'x' })))
      .execute();
    await trx
      .insertInto('notifications')
      .values(items.map(({ payload }) => ({ id: payload.notificationId, user_id: payload.userId, type: 'USER_REGISTRATION' as const, message: 'welcome' })))
      .execute();
  });
  return items;
}

/** Counts sends per event id; refuses the events in `refuse` for good. */
function countingSender(refuse: ReadonlySet<string> = new Set()) {
  const sends = new Map<string, number>();
  const sender: NotificationSender = {
    send: async (notification) => {
      sends.set(notification.eventId, (sends.get(notification.eventId) ?? 0) + 1);
      if (refuse.has(notification.eventId)) throw new AppError('SENDER_REJECTED', 'mailbox does not exist');
    },
  };
  return { sender, sends };
}

const outcome = (result: BatchItemResult) => (result.ok ? result.value : result.error.code);

async function statusesOf(items: readonly RegistrationNotification[]): Promise<string[]> {
  const statuses = await notificationStatuses(
    db,
    items.map((item) => item.payload.notificationId),
  );
  return items.map((item) => statuses.get(item.payload.notificationId)?.status ?? 'missing');
}

describe('a batch of notifications in one transaction', () => {
  it('one refused send fails that item alone: its neighbours are SENT and sent exactly once, it stays PENDING with no inbox row', async () => {
    const items = await pending(5);
    const refused = items[2]!;
    const { sender, sends } = countingSender(new Set([refused.eventId]));
    const results = await handleNotificationBatch(db, sender, items, { handler, signal, inboxWindowMs });
    assert.deepEqual(results.map(outcome), ['sent', 'sent', 'SENDER_REJECTED', 'sent', 'sent']);
    assert.deepEqual(await statusesOf(items), ['SENT', 'SENT', 'PENDING', 'SENT', 'SENT']);
    assert.equal(await inboxCount(db, handler, [refused.eventId]), 0, 'the refused one can be retried');
    assert.equal(
      await inboxCount(
        db,
        handler,
        items.map((item) => item.eventId),
      ),
      4,
    );
    assert.deepEqual([...sends.values()], [1, 1, 1, 1, 1], 'no neighbour sent twice');
  });

  it('a batch handled before is all duplicates: nothing sent again', async () => {
    const items = await pending(3);
    await handleNotificationBatch(db, countingSender().sender, items, { handler, signal, inboxWindowMs });
    const again = countingSender();
    const results = await handleNotificationBatch(db, again.sender, items, { handler, signal, inboxWindowMs });
    assert.deepEqual(results.map(outcome), ['duplicate', 'duplicate', 'duplicate']);
    assert.equal(again.sends.size, 0);
  });

  it('an event older than the inbox window whose notification is SENT and inbox row gone (purged) is a duplicate: nothing sent again', async () => {
    const nineDaysAgo = new Date(Date.now() - 9 * 86_400_000).toISOString();
    const items = (await pending(2)).map((item) => ({ ...item, payload: { ...item.payload, registeredAt: nineDaysAgo } }));
    await handleNotificationBatch(db, countingSender().sender, items, { handler, signal, inboxWindowMs });
    await db.deleteFrom('inbox').where('handler', '=', handler).where('event_id', '=', items[0]!.eventId).execute();
    const again = countingSender();
    const results = await handleNotificationBatch(db, again.sender, items, { handler, signal, inboxWindowMs });
    assert.deepEqual(results.map(outcome), ['duplicate', 'duplicate']);
    assert.equal(again.sends.size, 0, 'a redelivery after the inbox purge sent again');
  });

  it('one event twice in a batch is sent once', async () => {
    const [item] = await pending(1);
    const { sender, sends } = countingSender();
    const results = await handleNotificationBatch(db, sender, [item!, item!], { handler, signal, inboxWindowMs });
    assert.deepEqual(results.map(outcome), ['sent', 'duplicate']);
    assert.equal(sends.get(item!.eventId), 1);
  });

  it('a row another transaction holds is left to its own transaction (not-locked) without waiting; a missing row too', async () => {
    const items = await pending(3);
    const missing = { eventId: randomUUID(), payload: { ...items[0]!.payload, notificationId: randomUUID() } };
    const lock = new pg.Client({ connectionString: config.DATABASE_URL });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('select 1 from notifications where id = $1 for update', [items[1]!.payload.notificationId]);
      const { sender, sends } = countingSender();
      const results = await handleNotificationBatch(db, sender, [...items, missing], { handler, signal, inboxWindowMs });
      assert.deepEqual(results.map(outcome), ['sent', 'not-locked', 'sent', 'not-locked']);
      assert.equal(sends.has(items[1]!.eventId), false);
      assert.equal(await inboxCount(db, handler, [items[1]!.eventId, missing.eventId]), 0);
    } finally {
      await lock.query('rollback').catch(() => {});
      await lock.end();
    }
  });
});
