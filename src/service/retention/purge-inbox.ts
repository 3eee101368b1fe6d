import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { type BatchOptions, type PurgeReport, purgeInBatches } from './purge-batches.ts';

/**
 * Deletes inbox rows older than `olderThanMs`. The inbox is the deduplication window: a redelivery
 * of an event whose row is gone would apply its effect again, so the window must outlast every way
 * an event can come back (see inboxRetentionMs).
 */
export function purgeInbox(db: Db, { olderThanMs, ...batches }: BatchOptions & { olderThanMs: number }): Promise<PurgeReport> {
  return purgeInBatches(async (batchSize) => {
    const { rows } = await sql<{ rows: number; bytes: string }>`
      with doomed as (
        select handler, event_id from inbox
        where processed_at < now() - ${olderThanMs} * interval '1 millisecond'
        order by processed_at
        limit ${batchSize}
        for update skip locked
      ), deleted as (
        delete from inbox i using doomed where i.handler = doomed.handler and i.event_id = doomed.event_id returning pg_column_size(i.*) as size
      )
      select count(*)::int as rows, coalesce(sum(size), 0)::bigint::text as bytes from deleted`.execute(db);
    return { rows: rows[0]!.rows, bytes: Number(rows[0]!.bytes) };
  }, batches);
}
