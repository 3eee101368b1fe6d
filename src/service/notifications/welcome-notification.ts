import type { InsertQueryBuilder, InsertResult, Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

export function welcomeMessage(email: string): string {
  return `Welcome aboard, ${email}! Your account is ready.`;
}

/** Written PENDING in the registration transaction (this is its insert, not yet run); the consumer marks it SENT once delivered. */
export function welcomeNotificationInsert(
  trx: Transaction<Database>,
  notification: { id: string; userId: string; email: string; createdAt: Date },
): InsertQueryBuilder<Database, 'notifications', InsertResult> {
  return trx.insertInto('notifications').values({
    id: notification.id,
    user_id: notification.userId,
    type: 'USER_REGISTRATION',
    status: 'PENDING',
    message: welcomeMessage(notification.email),
    created_at: notification.createdAt,
    updated_at: notification.createdAt,
  });
}
