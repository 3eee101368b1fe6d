import type { Db } from '../db/database.ts';
import { AppError, isAppError } from '../errors.ts';
import { continueOrStartTrace } from '../outbox/trace-context.ts';
import { writeOutboxEvent } from '../outbox/write-outbox-event.ts';
import { activeTraceparent } from '../tracing/tracer.ts';
import { emailTaken } from './email-taken.ts';

export interface ChangeEmailInput {
  userId: string;
  email: string;
  traceparent?: string | null;
}

export interface ChangedEmail {
  id: string;
  email: string;
  /** The user's version after the change, carried by the event; unchanged when the email was already this one. */
  version: number;
  /** The UserEmailChanged event written, none when nothing changed. */
  eventId: string | null;
}

/**
 * The user's new email and the UserEmailChanged event commit in ONE transaction, or neither does.
 * The row lock of the update orders concurrent changes of one user, so the versions the events
 * carry grow in commit order, the order Debezium publishes them in. Asking for the email the user
 * already has changes nothing and writes no event (a PUT repeated is harmless).
 */
export async function changeUserEmail({ db, now = () => new Date() }: { db: Db; now?: () => Date }, input: ChangeEmailInput): Promise<ChangedEmail> {
  const changedAt = now();
  try {
    return await db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('users').select(['email', 'version']).where('id', '=', input.userId).forUpdate().executeTakeFirst();
      if (current === undefined) throw new AppError('NOT_FOUND', `no user with id ${input.userId}`);
      if (current.email === input.email) return { id: input.userId, email: current.email, version: current.version, eventId: null };
      const { version } = await trx
        .updateTable('users')
        .set((eb) => ({ email: input.email, version: eb('version', '+', 1), updated_at: changedAt }))
        .where('id', '=', input.userId)
        .returning('version')
        .executeTakeFirstOrThrow();
      const eventId = await writeOutboxEvent(trx, {
        type: 'UserEmailChanged',
        aggregateId: input.userId,
        payload: { userId: input.userId, email: input.email, version, changedAt: changedAt.toISOString() },
        traceparent: activeTraceparent() ?? continueOrStartTrace(input.traceparent),
      });
      return { id: input.userId, email: input.email, version, eventId };
    });
  } catch (error) {
    if (isAppError(error) && emailTaken(error)) {
      throw new AppError('EMAIL_TAKEN', 'another user already has this email', { cause: error, details: [{ path: 'email', message: 'already registered' }] });
    }
    throw error;
  }
}
