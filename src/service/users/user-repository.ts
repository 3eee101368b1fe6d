import type { InsertQueryBuilder, InsertResult, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, NewUser, NotificationStatus } from '../db/tables.ts';

/** The user insert, not yet run: the registration composes it with the rows that go with it. */
export function userInsert(trx: Transaction<Database>, user: NewUser): InsertQueryBuilder<Database, 'users', InsertResult> {
  return trx.insertInto('users').values(user);
}

export interface UserView {
  id: string;
  email: string;
  createdAt: Date;
  welcomeNotification: { id: string; status: NotificationStatus; sentAt: Date | null } | null;
}

/** The user with the state of its welcome notification; the password hash never leaves this query. */
export async function findUserView(db: Db, id: string): Promise<UserView | undefined> {
  const row = await db
    .selectFrom('users')
    .leftJoin('notifications', (join) => join.onRef('notifications.user_id', '=', 'users.id').on('notifications.type', '=', 'USER_REGISTRATION'))
    .select(['users.id', 'users.email', 'users.created_at', 'notifications.id as notification_id', 'notifications.status', 'notifications.sent_at'])
    .where('users.id', '=', id)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    email: row.email,
    createdAt: row.created_at,
    welcomeNotification:
      row.notification_id === null || row.status === null ? null : { id: row.notification_id, status: row.status, sentAt: row.sent_at ?? null },
  };
}
