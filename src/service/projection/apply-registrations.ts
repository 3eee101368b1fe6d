import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import { type EmailChangeFact, type PositionedRecord, type RegistrationFact, readUserFact, type UserFact } from './user-fact.ts';

export interface PartitionBatch {
  topic: string;
  partition: number;
  /** In offset order, as the partition delivered them. */
  records: readonly PositionedRecord[];
}

export interface BatchOutcome {
  /** Records at or past the stored position: read for the first time, so applied (or skipped as malformed). */
  fresh: number;
  /** Records below the stored position: applied before (a redelivery), so left alone. */
  repeated: number;
  /** Registrations that added a user to the directory (and so one to the counts). */
  added: number;
  /** Directory rows whose email an email change replaced (one per user and batch, with its newest change). */
  changed: number;
  /** Email changes left alone: older than, or the same as, the version shown (a republished event), or of a user not in the directory. */
  staleChanges: number;
  /** The position after this batch: the next offset to read. */
  nextOffset: number;
}

/**
 * Applies one partition's records to the projection in `schema` and moves that partition's stored
 * position past them. MUST run inside a transaction (the caller's): the position and the counts
 * commit together, which is what makes each record count once. The position row is locked first,
 * so two readers of one partition (a rebalance handing it over while the old owner finishes) apply
 * one after the other and the second finds the records already behind the position.
 *
 * Registrations are counted by the email they were made with (a fact of the registration); an
 * email change moves the user's directory row only, never the counts.
 *
 * A registration published twice upstream (Debezium replays after a crash: same event, a new
 * offset) is past the position, so it is read; the directory's primary key on the user id absorbs
 * it, and the counts grow by the directory rows actually inserted, never by records read.
 */
export async function applyRegistrations(trx: Db, schema: string, batch: PartitionBatch): Promise<BatchOutcome> {
  const positions = sql.id(schema, 'positions');
  const { topic, partition } = batch;
  await sql`insert into ${positions} (topic, partition, next_offset, records_applied) values (${topic}, ${partition}, 0, 0) on conflict do nothing`.execute(
    trx,
  );
  const stored = await sql<{
    next_offset: string;
  }>`select next_offset from ${positions} where topic = ${topic} and partition = ${partition} for update`.execute(trx);
  const from = Number(stored.rows[0]!.next_offset);
  const fresh = batch.records.filter((record) => record.offset >= from);
  if (fresh.length === 0) return { fresh: 0, repeated: batch.records.length, added: 0, changed: 0, staleChanges: 0, nextOffset: from };

  const facts = fresh.map(readUserFact).filter((fact): fact is UserFact => fact !== undefined && !isAppError(fact));
  const registrations = facts.filter((fact): fact is RegistrationFact => fact.kind === 'registered');
  const changes = facts.filter((fact): fact is EmailChangeFact => fact.kind === 'email-changed');
  const added = registrations.length === 0 ? 0 : await addRegistrations(trx, schema, registrations);
  // After the registrations: a change read in the same batch as its user's registration finds the row.
  const changed = changes.length === 0 ? 0 : await applyEmailChanges(trx, schema, changes);
  const newest = facts.at(-1);
  const nextOffset = fresh.at(-1)!.offset + 1;
  await sql`
    update ${positions}
       set next_offset = ${nextOffset},
           records_applied = records_applied + ${fresh.length},
           last_event_id = coalesce(${newest?.eventId ?? null}::uuid, last_event_id),
           last_committed_at = coalesce(${newest?.committedAt ?? null}::timestamptz, last_committed_at),
           applied_at = clock_timestamp()
     where topic = ${topic} and partition = ${partition}`.execute(trx);
  return { fresh: fresh.length, repeated: batch.records.length - fresh.length, added, changed, staleChanges: changes.length - changed, nextOffset };
}

/** Inserts into the directory, then counts by (UTC day, email domain) what was really inserted. */
async function addRegistrations(trx: Db, schema: string, facts: readonly RegistrationFact[]): Promise<number> {
  const result = await sql<{ added: string }>`
    with inserted as (
      insert into ${sql.id(schema, 'registered_users')} (user_id, email, registered_at, event_id)
      select * from unnest(${facts.map((f) => f.userId)}::uuid[], ${facts.map((f) => f.email)}::text[],
                           ${facts.map((f) => f.registeredAt)}::timestamptz[], ${facts.map((f) => f.eventId)}::uuid[])
      on conflict (user_id) do nothing
      returning email, registered_at
    ), counted as (
      insert into ${sql.id(schema, 'registrations_daily')} as daily (day, domain, registrations)
      select (registered_at at time zone 'UTC')::date, lower(substring(email from '@([^@]*)$')), count(*)
        from inserted group by 1, 2
      on conflict (day, domain) do update set registrations = daily.registrations + excluded.registrations
      returning registrations
    )
    select count(*)::text as added from inserted`.execute(trx);
  return Number(result.rows[0]!.added);
}

/**
 * Shows each user's newest email of the batch, if it is newer than the version shown. The version,
 * not the order of arrival, decides: Debezium and the router republish events after a crash, so an
 * old change can arrive after a newer one, and must change nothing. A change of a user missing
 * from the directory changes nothing either (its registration was dead-lettered): it never makes a
 * row of its own, whose registration time and counts would be made up.
 */
async function applyEmailChanges(trx: Db, schema: string, changes: readonly EmailChangeFact[]): Promise<number> {
  const result = await sql<{ changed: string }>`
    with newest as (
      select distinct on (user_id) user_id, email, version, changed_at
        from unnest(${changes.map((c) => c.userId)}::uuid[], ${changes.map((c) => c.email)}::text[],
                    ${changes.map((c) => c.version)}::integer[], ${changes.map((c) => c.changedAt)}::timestamptz[]) as c(user_id, email, version, changed_at)
       order by user_id, version desc
    ), changed as (
      update ${sql.id(schema, 'registered_users')} as shown
         set email = newest.email, version = newest.version, email_changed_at = newest.changed_at
        from newest
       where shown.user_id = newest.user_id and shown.version < newest.version
      returning 1
    )
    select count(*)::text as changed from changed`.execute(trx);
  return Number(result.rows[0]!.changed);
}

/** The stored position of every partition of `topic`: where a reader of the projection resumes. */
export async function readPositions(db: Db, schema: string, topic: string): Promise<Map<number, number>> {
  const { rows } = await sql<{ partition: number; next_offset: string }>`
    select partition, next_offset from ${sql.id(schema, 'positions')} where topic = ${topic}`.execute(db);
  return new Map(rows.map((row) => [row.partition, Number(row.next_offset)]));
}
