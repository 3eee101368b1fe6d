import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';
import type { Db } from '../../src/service/db/database.ts';
import { handleRegistrationNotification } from '../../src/service/notifications/handle-registration-notification.ts';
import type { NotificationSender } from '../../src/service/notifications/notification-sender.ts';
import { inboxRetentionMs } from '../../src/service/retention/retention-settings.ts';
import { runCli } from '../support/cli.ts';
import { openTestDatabase } from '../support/database.ts';

// The inbox is the deduplication window: the purge may delete only rows older than any redelivery
// can come (8 days by default). A redelivery inside it must stay a no-op after the purge.
let db: Db;
const handler = `test-inbox-purge-${Date.now().toString(36)}`;
const sent: string[] = [];
const sender: NotificationSender = { send: async (notification) => void sent.push(notification.eventId) };

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

/** A user and its PENDING notification, with no outbox event: the test stack's own pipeline never touches it. */
async function registration(): Promise<{ eventId: string; payload: { userId: string; email: string; notificationId: string; registeredAt: string } }> {
  const [userId, notificationId, eventId] = [randomUUID(), randomUUID(), randomUUID()];
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({ id: userId, email: `inbox-${userId}@example.com`, password_hash: 'x' })
      .execute();
    await trx.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'welcome' }).execute();
  });
  return { eventId, payload: { userId, email: `inbox-${userId}@example.com`, notificationId, registeredAt: new Date().toISOString() } };
}

const deliver = (event: Awaited<ReturnType<typeof registration>>) =>
  handleRegistrationNotification(db, sender, event, { handler, signal: new AbortController().signal, inboxWindowMs: inboxRetentionMs(loadConfig()) });

async function handledDaysAgo(eventId: string, days: number): Promise<void> {
  await db
    .updateTable('inbox')
    .set({ processed_at: new Date(Date.now() - days * 86_400_000) })
    .where('handler', '=', handler)
    .where('event_id', '=', eventId)
    .execute();
}

async function inInbox(eventId: string): Promise<boolean> {
  const row = await db.selectFrom('inbox').select('event_id').where('handler', '=', handler).where('event_id', '=', eventId).executeTakeFirst();
  return row !== undefined;
}

test('after a purge, a redelivery inside the window is still a no-op; outside it the row is gone and the SENT notification still stops a second send', {
  timeout: 60_000,
}, async () => {
  const inside = await registration();
  const old = await registration();
  // An event as old as its inbox row: the notification's SENT status is asked only past the window.
  const outside = { ...old, payload: { ...old.payload, registeredAt: new Date(Date.now() - 9 * 86_400_000).toISOString() } };
  assert.equal(await deliver(inside), 'sent');
  assert.equal(await deliver(outside), 'sent');
  await handledDaysAgo(inside.eventId, 7);
  await handledDaysAgo(outside.eventId, 9);

  const purge = await runCli(['inbox', 'purge']);
  assert.equal(purge.code, 0, purge.stderr);
  assert.match(purge.stdout, /inbox: deleted [1-9]\d* row\(s\)/);
  assert.equal(await inInbox(inside.eventId), true, 'a row inside the 8-day window was purged');
  assert.equal(await inInbox(outside.eventId), false);

  assert.equal(await deliver(inside), 'duplicate');
  assert.deepEqual(
    sent.filter((id) => id === inside.eventId),
    [inside.eventId],
    'the redelivered event was sent twice',
  );
  // Outside the window (a group that lost its offsets re-reads a topic kept for ever): the
  // notification row, SENT, still stops a second send.
  assert.equal(await deliver(outside), 'duplicate');
  assert.deepEqual(
    sent.filter((id) => id === outside.eventId),
    [outside.eventId],
    'an event redelivered after its inbox row was purged was sent twice',
  );
});

test('a purge window shorter than a redelivery can come is refused without --force', async () => {
  const purge = await runCli(['inbox', 'purge', '--older-than', '1d']);
  assert.equal(purge.code, 2);
  assert.match(purge.stderr, /shorter than the deduplication window 8d/);
});
