import { randomUUID } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Db } from '../db/database.ts';
import { executeAsOneStatement } from '../db/one-statement.ts';
import { AppError, isAppError } from '../errors.ts';
import { welcomeNotificationInsert } from '../notifications/welcome-notification.ts';
import { continueOrStartTrace } from '../outbox/trace-context.ts';
import { outboxEventInsert } from '../outbox/write-outbox-event.ts';
import { activeTraceparent, tracer } from '../tracing/tracer.ts';
import { emailTaken } from './email-taken.ts';
import { userInsert } from './user-repository.ts';

export interface RegisterUserInput {
  email: string;
  password: string;
  /** The caller's W3C traceparent, kept on the event when tracing is off (a fresh one when absent or invalid). */
  traceparent?: string | null;
}

export interface RegisteredUser {
  id: string;
  email: string;
  createdAt: Date;
  notificationId: string;
  eventId: string;
}

export interface RegisterUserDeps {
  db: Db;
  hashPassword: (password: string) => Promise<string>;
  now?: () => Date;
}

/**
 * The write side of the outbox pattern: the user, its pending welcome notification and the
 * UserRegistered event commit in ONE transaction, or none of them does. Nothing here talks to
 * Kafka; Debezium relays the outbox row from the WAL. The three inserts go as one statement.
 *
 * The transaction is a span of its own, and the outbox row stores ITS context: the router continues
 * the trace from there, so the relay hangs under the transaction that wrote the event.
 */
export async function registerUser({ db, hashPassword, now = () => new Date() }: RegisterUserDeps, input: RegisterUserInput): Promise<RegisteredUser> {
  // Hash before the transaction opens: a slow KDF must not hold a pooled connection.
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  const notificationId = randomUUID();
  const createdAt = now();
  try {
    const eventId = await tracer.startActiveSpan('registration transaction', { attributes: { 'db.system.name': 'postgresql' } }, async (span) => {
      try {
        return await db.transaction().execute(async (trx) => {
          const event = outboxEventInsert(trx, {
            type: 'UserRegistered',
            aggregateId: id,
            payload: { userId: id, email: input.email, notificationId, registeredAt: createdAt.toISOString() },
            traceparent: activeTraceparent() ?? continueOrStartTrace(input.traceparent),
          });
          // One round trip for the three rows: the outbox insert then costs little more than its own row.
          await executeAsOneStatement(trx, [
            userInsert(trx, { id, email: input.email, password_hash: passwordHash, created_at: createdAt, updated_at: createdAt }),
            welcomeNotificationInsert(trx, { id: notificationId, userId: id, email: input.email, createdAt }),
            event.insert,
          ]);
          return event.id;
        });
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: isAppError(error) ? error.code : 'INTERNAL' });
        throw error;
      } finally {
        span.end();
      }
    });
    return { id, email: input.email, createdAt, notificationId, eventId };
  } catch (error) {
    if (isAppError(error) && emailTaken(error)) {
      throw new AppError('EMAIL_TAKEN', 'a user with this email is already registered', {
        cause: error,
        details: [{ path: 'email', message: 'already registered' }],
      });
    }
    throw error;
  }
}
