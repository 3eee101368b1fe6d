import PQueue from 'p-queue';
import { isNotified } from '../contract/events.ts';
import { routedEventType } from '../contract/routed-record.ts';
import type { Db } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { handleRegistrationNotification, type RegistrationNotification } from '../notifications/handle-registration-notification.ts';
import { type BatchOutcome, handleNotificationBatch } from '../notifications/notification-batch.ts';
import type { NotificationSender } from '../notifications/notification-sender.ts';
import { createBatcher } from './batcher.ts';
import { parseRegistrationRecord } from './notification-record.ts';
import type { RecordHandler } from './record-pipeline.ts';

/** Batches of the notifier running at once: one's round trips overlap the other's work. */
export const notifierBatchConcurrency = 2;

export interface NotifyOptions {
  inboxHandler: string;
  /** NOTIFIER_BATCH_MAX; 1 handles each record in a transaction of its own. */
  batchMax: number;
  /** Transactions open at once, batches and single records together: the pool's size. */
  maxTransactions: number;
  /** INBOX_RETENTION's window: an event older than it may have lost its inbox row. */
  inboxWindowMs: number;
  logger: Logger;
}

/**
 * The notification stage: a UserRegistered record -> the inbox-guarded handler, in
 * batches (notification-batch.ts) gathered from the records in flight. A record whose row a batch
 * could not lock is handled on its own, waiting for the lock under its attempt's deadline, so a
 * locked row never holds up a batch. Every transaction waits for one of `maxTransactions` slots
 * rather than for the pool, whose connect timeout would read as the database being down.
 */
export function createNotifyHandler(
  db: Db,
  sender: NotificationSender,
  { inboxHandler: handler, batchMax, maxTransactions, inboxWindowMs, logger }: NotifyOptions,
): RecordHandler {
  const transactions = new PQueue({ concurrency: maxTransactions });
  // No p-queue signal: a running task must settle (roll back) before its attempt ends; a cancelled
  // waiting task starts and ends at once on its aborted signal.
  const single = (notification: RegistrationNotification, signal: AbortSignal) =>
    transactions.add(() => handleRegistrationNotification(db, sender, notification, { handler, signal, inboxWindowMs }));
  const batcher = createBatcher<RegistrationNotification, BatchOutcome>({
    maxBatch: batchMax,
    concurrency: notifierBatchConcurrency,
    run: (items, signal) => transactions.add(() => handleNotificationBatch(db, sender, items, { handler, signal, inboxWindowMs })),
    onSplit: (size, error) =>
      logger.warn({ size, code: error.code, reason: error.message }, 'notification batch failed; splitting it to isolate the record at fault'),
  });

  return async (record, signal) => {
    // The topic carries every event of the user, in order; the notifier acts on those it notifies.
    const type = routedEventType(record.headers, 'UserRegistered');
    if (!isNotified(type)) return 'skipped:not-notified';
    const parsed = parseRegistrationRecord(record.value, record.headers);
    if (isAppError(parsed)) throw parsed;
    if (batchMax === 1) return single(parsed, signal);
    const outcome = await batcher.submit(parsed, signal);
    return outcome === 'not-locked' ? single(parsed, signal) : outcome;
  };
}
