import { sql, type Transaction } from 'kysely';
import type { UserRegisteredPayload } from '../contract/events.ts';
import { cancellableTransaction } from '../db/cancellable-transaction.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { outlivesInbox } from '../retention/retention-settings.ts';
import { recordInInbox } from './inbox.ts';
import { type NotificationSender, toSenderError } from './notification-sender.ts';

/** This handler's default name in the inbox; another handler of the same event keeps its own rows. */
export const registrationNotificationHandler = 'user-registration-notification';

export type HandleOutcome = 'sent' | 'duplicate';

export interface RegistrationNotification {
  eventId: string;
  payload: UserRegisteredPayload;
}

/**
 * Sends the welcome notification of one UserRegistered event, at most once in effect.
 *
 * One transaction: inbox row, notification marked SENT, then the send, then commit. The send
 * sits inside the transaction, after the writes, on purpose:
 *  - a send failure rolls back the inbox row and the status, so the retry sends again: the
 *    send is never lost;
 *  - a crash or commit failure after a successful send leaves no inbox row, so the redelivered
 *    record sends a second time: the send itself is at-least-once. The sender gets the event id
 *    as an idempotency key so a provider can drop that rare duplicate.
 * Sending after the commit would instead lose the send on a crash between the two (at-most-once),
 * which is the worse failure for a welcome mail. The price is a row lock held for one send.
 */
export async function handleRegistrationNotification(
  db: Db,
  sender: NotificationSender,
  { eventId, payload }: RegistrationNotification,
  {
    handler = registrationNotificationHandler,
    signal,
    inboxWindowMs,
  }: {
    handler?: string;
    signal: AbortSignal;
    /** INBOX_RETENTION's window (inboxRetentionMs): older events may have lost their inbox row. */
    inboxWindowMs: number;
  },
): Promise<HandleOutcome> {
  // A timed-out attempt cancels its statement and rolls back, so its row locks and its pooled
  // connection are free before the retry starts.
  return cancellableTransaction(db, signal, async (trx) => {
    if (!(await recordInInbox(trx, handler, eventId))) return 'duplicate';
    if (outlivesInbox(payload.registeredAt, inboxWindowMs) && (await alreadySent(trx, payload))) return 'duplicate';
    const notification = await trx
      .updateTable('notifications')
      .set({ status: 'SENT', sent_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', payload.notificationId)
      .where('user_id', '=', payload.userId)
      .returning(['id', 'type', 'message'])
      .executeTakeFirst();
    if (notification === undefined) {
      // Retryable, within the retry budget: PostgreSQL streams a transaction to Debezium once its
      // commit record is flushed, but makes it visible to new snapshots a moment later, so on a
      // busy machine the event can arrive before its own notification row is visible (measured:
      // a bench event dead-lettered 40 ms after its commit). A row still missing after the
      // retries really does not exist, and goes to the dead-letter topic.
      throw new AppError('NOTIFICATION_NOT_FOUND', `notification ${payload.notificationId} of user ${payload.userId} does not exist`, { retryable: true });
    }
    const outgoing = {
      eventId,
      notificationId: notification.id,
      userId: payload.userId,
      email: payload.email,
      type: notification.type,
      message: notification.message,
    };
    await sender.send(outgoing, { signal }).catch((error: unknown) => {
      throw toSenderError(error);
    });
    return 'sent';
  });
}

/**
 * The notification row is the effect's own record, and it outlives the inbox: an event redelivered
 * after INBOX_RETENTION purged its inbox row (a consumer group that lost its offsets re-reads the
 * routed topic, which the projection keeps for ever) finds its notification SENT and sends nothing.
 * Asked only of events older than the window: within it the inbox decides per handler, so two
 * handlers of one event (a second inbox name, as the tests run) still each act once.
 */
async function alreadySent(trx: Transaction<Database>, payload: UserRegisteredPayload): Promise<boolean> {
  const row = await trx
    .selectFrom('notifications')
    .select('status')
    .where('id', '=', payload.notificationId)
    .where('user_id', '=', payload.userId)
    .executeTakeFirst();
  return row?.status === 'SENT';
}
