import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Watermark } from './capture-watermark.ts';
import { type BatchOptions, type PurgeReport, purgeInBatches } from './purge-batches.ts';

export interface OutboxPurgeOptions extends BatchOptions {
  olderThanMs: number;
  /** Only rows of transactions older than this watermark's xmin, which the slot has confirmed: never a row not yet captured. */
  captured: Watermark;
}

/**
 * Deletes outbox rows older than `olderThanMs` that Debezium has captured. The publication
 * publishes inserts only, so the deletes never become events. `age(xmin) > age(bound)` reads "the
 * row's transaction precedes the bound" in xid arithmetic that survives wraparound within 2^31
 * transactions; a row older than that reads as newer and is kept, never deleted early.
 */
export function purgeOutbox(db: Db, { olderThanMs, captured, ...batches }: OutboxPurgeOptions): Promise<PurgeReport> {
  return purgeInBatches(async (batchSize) => {
    const { rows } = await sql<{ rows: number; bytes: string }>`
      with doomed as (
        select id from outbox_events
        where created_at < now() - ${olderThanMs} * interval '1 millisecond'
          and age(xmin) > age(${captured.xmin}::xid)
        order by created_at
        limit ${batchSize}
        for update skip locked
      ), deleted as (
        delete from outbox_events o using doomed where o.id = doomed.id returning pg_column_size(o.*) as size
      )
      select count(*)::int as rows, coalesce(sum(size), 0)::bigint::text as bytes from deleted`.execute(db);
    return { rows: rows[0]!.rows, bytes: Number(rows[0]!.bytes) };
  }, batches);
}

/** Rows older than the cutoff still in the table after a purge: those Debezium has not confirmed yet. */
export async function countOutboxOlderThan(db: Db, olderThanMs: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from outbox_events where created_at < now() - ${olderThanMs} * interval '1 millisecond'`.execute(db);
  return rows[0]!.n;
}
