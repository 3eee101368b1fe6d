import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row shapes of every table, as Kysely sees them; the migrations under migrations/ create them. */
export interface Database {
  users: UserTable;
  notifications: NotificationTable;
  outbox_events: OutboxEventTable;
  inbox: InboxTable;
  dead_letter_replays: DeadLetterReplayTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UserTable {
  id: string;
  email: string;
  password_hash: string;
  /** Bumped by every change announced by an event; the event carries it (migrations/0007). */
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export const notificationStatuses = ['PENDING', 'SENT', 'FAILED'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];
export const notificationTypes = ['USER_REGISTRATION'] as const;
export type NotificationType = (typeof notificationTypes)[number];

export interface NotificationTable {
  id: string;
  user_id: string;
  type: NotificationType;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  message: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface OutboxEventTable {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  // jsonb: pg parses it on read; on write it takes the JSON text (see write-outbox-event.ts).
  payload: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  traceparent: string | null;
}

export interface InboxTable {
  handler: string;
  event_id: string;
  processed_at: Generated<Date>;
}

/** One replay of one dead letter by `cli dlq replay` (migrations/0004). */
export interface DeadLetterReplayTable {
  id: Generated<string>;
  /** `<dead-letter topic>:<partition>:<offset>`. */
  dead_letter: string;
  event_id: string | null;
  stage: string;
  error_code: string;
  replay_topic: string;
  replay_count: number;
  replayed_at: Generated<Date>;
}

export type DeadLetterReplay = Selectable<DeadLetterReplayTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Notification = Selectable<NotificationTable>;
export type NewNotification = Insertable<NotificationTable>;
export type NotificationUpdate = Updateable<NotificationTable>;
export type OutboxEvent = Selectable<OutboxEventTable>;
