import type { Db } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import { handleRegistrationNotification } from '../notifications/handle-registration-notification.ts';
import type { NotificationSender } from '../notifications/notification-sender.ts';
import { parseRegistrationRecord } from './notification-record.ts';
import type { RecordHandler } from './record-pipeline.ts';

/** The notification stage: a notif.user.registration record -> the inbox-guarded handler. */
export function createNotifyHandler(db: Db, sender: NotificationSender, inboxHandler: string): RecordHandler {
  return async (record, signal) => {
    const parsed = parseRegistrationRecord(record.value, record.headers);
    if (isAppError(parsed)) throw parsed;
    return handleRegistrationNotification(db, sender, parsed, { handler: inboxHandler, signal });
  };
}
