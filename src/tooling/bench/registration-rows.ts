import { sql } from 'kysely';
import type { Db } from '../../service/db/database.ts';
import { AppError } from '../../service/errors.ts';
import type { BenchContext } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { waitForSent } from './sent-watch.ts';

/**
 * Lets a scenario's registrations finish their trip (SENT) before deleting them: a user deleted
 * while its event is in flight would send the notifier looking for a row that is gone.
 */
export async function settleRegistrations(context: BenchContext, userIds: readonly string[], timeoutMs: number): Promise<void> {
  const sent = await waitForSent(context.db, userIds, { timeoutMs, guard: deadLetterStop(userIds, context.watches.dlq.sightings) });
  if (sent.size < userIds.length) {
    throw new AppError(
      'TIMEOUT',
      `${userIds.length - sent.size} of ${userIds.length} registrations not SENT within ${timeoutMs / 1000} s; rows kept for cli trace`,
    );
  }
  await removeBenchRows(context.db, userIds);
}

export interface RowCheck {
  accepted: number;
  users: number;
  notifications: number;
  outboxEvents: number;
  /** Every accepted registration has its user, notification and event; nothing else has any. */
  ok: boolean;
}

/** What the database holds for these emails, against which of them were answered 201. */
export async function checkRegistrationRows(db: Db, emails: readonly string[], acceptedIds: readonly string[]): Promise<RowCheck> {
  const { rows } = await sql<{ users: number; notifications: number; outbox_events: number; foreign: number }>`
    with flood as (select id from users where email = any(${[...emails]}))
    select (select count(*)::int from flood) as users,
           (select count(*)::int from notifications where user_id in (select id from flood)) as notifications,
           (select count(*)::int from outbox_events where aggregate_id in (select id::text from flood)) as outbox_events,
           (select count(*)::int from flood where not (id = any(${[...acceptedIds]}::uuid[]))) as foreign`.execute(db);
  const counts = rows[0]!;
  const expected = acceptedIds.length;
  return {
    accepted: expected,
    users: counts.users,
    notifications: counts.notifications,
    outboxEvents: counts.outbox_events,
    ok: counts.users === expected && counts.notifications === expected && counts.outbox_events === expected && counts.foreign === 0,
  };
}
