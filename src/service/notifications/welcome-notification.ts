import type { Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

export function welcomeMessage(email: string): string {
  return `Welcome aboard, ${email}! Your account is ready.`;
}

/** Written PENDING in the registration transaction; the consumer marks it SENT once delivered. */
export async function insertWelcomeNotification(
  trx: Transaction<Database>,
  notification: { id: string; userId: string; email: string; createdAt: Date },
): Promise<void> {
  await trx
    .insertInto('notifications')
    .values({
      id: notification.id,
      user_id: notification.userId,
      type: 'USER_REGISTRATION',
      status: 'PENDING',
      message: welcomeMessage(notification.email),
      created_at: notification.createdAt,
      updated_at: notification.createdAt,
    })
    .execute();
}
