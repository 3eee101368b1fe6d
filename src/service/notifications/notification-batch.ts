import { sql, type Transaction } from 'kysely';
import { cancellableTransaction } from '../db/cancellable-transaction.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import type { AppError } from '../errors.ts';
import { outlivesInbox } from '../retention/retention-settings.ts';
import type { HandleOutcome, RegistrationNotification } from './handle-registration-notification.ts';
import { type NotificationSender, type OutgoingNotification, toSenderError } from './notification-sender.ts';

/**
 * 'not-locked': this batch could not take the notification row (another transaction holds it, or
 * it is not visible yet): the caller handles that one on its own (handleRegistrationNotification),
 * which waits for the lock or reports NOTIFICATION_NOT_FOUND, so the batch never waits on a lock.
 */
export type BatchOutcome = HandleOutcome | 'not-locked';

/** One item's outcome in a batch that committed: its own outcome, or its own failure (a send). */
export type BatchItemResult = { ok: true; value: BatchOutcome } | { ok: false; error: AppError };

/**
 * The welcome notifications of several UserRegistered events in ONE transaction, with the
 * guarantees of handleRegistrationNotification (which explains why the send sits inside the
 * transaction): rows locked FOR UPDATE SKIP LOCKED, one multi-row inbox insert (ON CONFLICT DO
 * NOTHING RETURNING tells the new events from the duplicates), one UPDATE marking the new ones
 * SENT, the sends, commit. A failed send must not cost its neighbours their send: the writes are
 * rolled back to a savepoint and redone for the notifications that did go out, and the failure is
 * that item's alone. Any other failure throws: nothing is applied, and the caller splits the batch.
 */
export async function handleNotificationBatch(
  db: Db,
  sender: NotificationSender,
  items: readonly RegistrationNotification[],
  { handler, signal, inboxWindowMs }: { handler: string; signal: AbortSignal; inboxWindowMs: number },
): Promise<Array<BatchItemResult>> {
  return cancellableTransaction(db, signal, async (trx) => {
    const results: Array<BatchItemResult> = items.map(() => ({ ok: true, value: 'not-locked' }));
    const rows = await trx
      .selectFrom('notifications')
      .select(['id', 'user_id', 'type', 'message', 'status'])
      .where('id', 'in', [...new Set(items.map((item) => item.payload.notificationId))])
      .forUpdate()
      .skipLocked()
      .execute();
    const rowOf = new Map(rows.map((row) => [row.id, row]));
    const taken = items.flatMap((item, index) => {
      const row = rowOf.get(item.payload.notificationId);
      return row !== undefined && row.user_id === item.payload.userId ? [{ index, item, row }] : [];
    });
    if (taken.length === 0) return results;

    for (const { index } of taken) results[index] = { ok: true, value: 'duplicate' };
    // Older than the inbox window and SENT: recorded in the inbox like any handled event, never sent
    // again (alreadySent in handle-registration-notification.ts says why).
    const alreadySent = new Set(taken.filter(({ item, row }) => row.status === 'SENT' && outlivesInbox(item.payload.registeredAt, inboxWindowMs)));
    await sql`savepoint before_writes`.execute(trx);
    const fresh = await writeSent(trx, handler, taken, alreadySent);
    const sends = await Promise.allSettled(
      fresh.map(({ item, row }) =>
        sender.send(outgoing(item, row), { signal }).catch((error: unknown) => {
          throw toSenderError(error);
        }),
      ),
    );
    // The attempt ended during the sends: roll it all back; the batcher runs the others again.
    signal.throwIfAborted();
    const delivered: Taken[] = [];
    fresh.forEach((entry, i) => {
      const send = sends[i]!;
      if (send.status === 'fulfilled') {
        results[entry.index] = { ok: true, value: 'sent' };
        delivered.push(entry);
      } else results[entry.index] = { ok: false, error: send.reason };
    });
    if (delivered.length < fresh.length) {
      await sql`rollback to savepoint before_writes`.execute(trx);
      const rewritten = new Set((await writeSent(trx, handler, [...delivered, ...alreadySent], alreadySent)).map(({ index }) => index));
      // Applied meanwhile by another process sharing the inbox: a duplicate after all (sent twice: the idempotency key).
      for (const { index } of delivered) if (!rewritten.has(index)) results[index] = { ok: true, value: 'duplicate' };
    }
    return results;
  });
}

interface Taken {
  index: number;
  item: RegistrationNotification;
  row: { id: string; type: string; message: string; status: string };
}

/**
 * Inbox rows for every event, and SENT for those not applied before (nor `alreadySent`); returns
 * those, to be sent (an event twice in the batch counts once).
 */
async function writeSent(trx: Transaction<Database>, handler: string, taken: readonly Taken[], alreadySent: ReadonlySet<Taken>): Promise<Taken[]> {
  if (taken.length === 0) return [];
  const inserted = await trx
    .insertInto('inbox')
    .values(taken.map(({ item }) => ({ handler, event_id: item.eventId })))
    .onConflict((conflict) => conflict.columns(['handler', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  const unclaimed = new Set(inserted.map((row) => row.event_id));
  const fresh = taken.filter((entry) => unclaimed.delete(entry.item.eventId) && !alreadySent.has(entry));
  if (fresh.length > 0) {
    await trx
      .updateTable('notifications')
      .set({ status: 'SENT', sent_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', 'in', [...new Set(fresh.map(({ row }) => row.id))])
      .execute();
  }
  return fresh;
}

function outgoing({ eventId, payload }: RegistrationNotification, row: Taken['row']): OutgoingNotification {
  return { eventId, notificationId: row.id, userId: payload.userId, email: payload.email, type: row.type, message: row.message };
}
