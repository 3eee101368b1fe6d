import type { Logger } from '../logger.ts';

/** What a sender needs to deliver one notification; `eventId` doubles as an idempotency key. */
export interface OutgoingNotification {
  eventId: string;
  notificationId: string;
  userId: string;
  email: string;
  type: string;
  message: string;
}

/**
 * The edge to an e-mail or push provider. A provider failing transiently throws an AppError with
 * retryable true (the record is retried, then dead-lettered); anything else is treated as a bug.
 */
export interface NotificationSender {
  send(notification: OutgoingNotification): Promise<void>;
}

/** The default: one structured log line per notification, so the demo runs without a provider. */
export function createLogSender(logger: Logger): NotificationSender {
  return {
    async send(notification) {
      logger.info({ notification }, 'notification sent');
    },
  };
}
