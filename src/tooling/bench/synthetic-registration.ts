import { randomUUID } from 'node:crypto';
import type { Compilable, Insertable, Transaction } from 'kysely';
import { eventCatalog, type UserRegisteredPayload } from '../../service/contract/events.ts';
import { executeAsOneStatement } from '../../service/db/one-statement.ts';
import type { Database, NewNotification, NewUser, OutboxEventTable } from '../../service/db/tables.ts';
import { welcomeMessage, welcomeNotificationInsert } from '../../service/notifications/welcome-notification.ts';
import { outboxEventInsert } from '../../service/outbox/write-outbox-event.ts';
import { userInsert } from '../../service/users/user-repository.ts';

/**
 * Everything one registration writes, without HTTP or password hashing: the bench measures the
 * relay, not the KDF. The hash column holds a marker no login can ever match.
 */
export interface SyntheticRegistration {
  userId: string;
  notificationId: string;
  eventId: string;
  email: string;
  createdAt: Date;
}

export const benchPasswordHash = 'bench:not-a-password-hash';

/** A registration with fresh ids; `tag` keeps emails unique across runs and findable afterwards. */
export function syntheticRegistration(tag: string, index: number, createdAt: Date = new Date()): SyntheticRegistration {
  return { userId: randomUUID(), notificationId: randomUUID(), eventId: randomUUID(), email: `bench-${tag}-${index}@bench.example.com`, createdAt };
}

export function registrationPayload(registration: SyntheticRegistration): UserRegisteredPayload {
  return {
    userId: registration.userId,
    email: registration.email,
    notificationId: registration.notificationId,
    registeredAt: registration.createdAt.toISOString(),
  };
}

/**
 * The registration transaction's statement, composed as register-user.ts composes it from the same
 * builders; `extra` takes the place of the outbox insert (the write-overhead bench's unpublished table).
 */
export async function writeRegistration(
  trx: Transaction<Database>,
  registration: SyntheticRegistration,
  { withOutbox = true, extra }: { withOutbox?: boolean; extra?: Compilable } = {},
): Promise<void> {
  const { userId, notificationId, email, createdAt } = registration;
  const rows: [Compilable, ...Compilable[]] = [
    userInsert(trx, { id: userId, email, password_hash: benchPasswordHash, created_at: createdAt, updated_at: createdAt }),
    welcomeNotificationInsert(trx, { id: notificationId, userId, email, createdAt }),
  ];
  if (withOutbox)
    rows.push(
      outboxEventInsert(trx, { type: 'UserRegistered', id: registration.eventId, aggregateId: userId, payload: registrationPayload(registration) }).insert,
    );
  if (extra !== undefined) rows.push(extra);
  await executeAsOneStatement(trx, rows);
}

/** Row values for multi-row inserts: the same columns the single-row path writes. */
export function userRow(registration: SyntheticRegistration): NewUser {
  return {
    id: registration.userId,
    email: registration.email,
    password_hash: benchPasswordHash,
    created_at: registration.createdAt,
    updated_at: registration.createdAt,
  };
}

export function notificationRow(registration: SyntheticRegistration): NewNotification {
  return {
    id: registration.notificationId,
    user_id: registration.userId,
    type: 'USER_REGISTRATION',
    status: 'PENDING',
    message: welcomeMessage(registration.email),
    created_at: registration.createdAt,
    updated_at: registration.createdAt,
  };
}

export function outboxRow(registration: SyntheticRegistration): Insertable<OutboxEventTable> {
  return {
    id: registration.eventId,
    aggregate_type: eventCatalog.UserRegistered.aggregateType,
    aggregate_id: registration.userId,
    event_type: 'UserRegistered',
    payload: JSON.stringify(registrationPayload(registration)),
    created_at: registration.createdAt,
    traceparent: null,
  };
}

/**
 * The Debezium change record of the registration's outbox row, as the connector would publish it
 * (JSON converter without schemas: the jsonb payload as a string, source.ts_ms the commit time).
 * For scenarios that feed a consumer directly, with the relay out of the measurement.
 */
export function debeziumEnvelope(registration: SyntheticRegistration, committedAtMs: number): string {
  const row = outboxRow(registration);
  return JSON.stringify({
    before: null,
    after: { ...row, created_at: registration.createdAt.toISOString() },
    source: { connector: 'postgresql', db: 'bench', schema: 'public', table: 'outbox_events', ts_ms: committedAtMs },
    op: 'c',
    ts_ms: committedAtMs,
  });
}
