import { AppError, isAppError } from '../errors.ts';
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
 * The edge to an e-mail or push provider. A provider that refuses for good (a bounced address)
 * throws AppError SENDER_REJECTED, and the record is dead-lettered; any other failure counts as
 * SENDER_UNAVAILABLE and is retried. `signal` fires when the attempt timed out: abort the request.
 */
export interface NotificationSender {
  send(notification: OutgoingNotification, options: { signal: AbortSignal }): Promise<void>;
}

/**
 * A sender's failure in the error model. It is never a database error, whatever its network code
 * says (an HTTP provider refusing a connection is ECONNREFUSED too).
 */
export function toSenderError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('SENDER_UNAVAILABLE', `the notification sender failed: ${message}`, { cause: error });
}

/** The default: one structured log line per notification, so the demo runs without a provider. */
export function createLogSender(logger: Logger): NotificationSender {
  return {
    async send(notification) {
      logger.info({ notification }, 'notification sent');
    },
  };
}
