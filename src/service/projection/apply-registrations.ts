import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import { type PositionedRecord, type RegistrationFact, readRegistrationFact } from './registration-fact.ts';

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
  if (fresh.length === 0) return { fresh: 0, repeated: batch.records.length, added: 0, nextOffset: from };

  const facts = fresh.map(readRegistrationFact).filter((fact): fact is RegistrationFact => !isAppError(fact));
  const added = facts.length === 0 ? 0 : await addRegistrations(trx, schema, facts);
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
  return { fresh: fresh.length, repeated: batch.records.length - fresh.length, added, nextOffset };
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

/** The stored position of every partition of `topic`: where a reader of the projection resumes. */
export async function readPositions(db: Db, schema: string, topic: string): Promise<Map<number, number>> {
  const { rows } = await sql<{ partition: number; next_offset: string }>`
    select partition, next_offset from ${sql.id(schema, 'positions')} where topic = ${topic}`.execute(db);
  return new Map(rows.map((row) => [row.partition, Number(row.next_offset)]));
}
