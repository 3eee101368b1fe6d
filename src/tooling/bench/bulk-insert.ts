import type { Db } from '../../service/db/database.ts';
import { withPollingTable } from './polling-table.ts';
import { notificationRow, outboxRow, type SyntheticRegistration, userRow } from './synthetic-registration.ts';

export interface BulkInsertOptions {
  /** outbox_events feeds Debezium; outbox_events_polling feeds the polling relay. */
  table: 'outbox_events' | 'outbox_events_polling';
  /** Users and notifications too, so the notification stage can reach SENT instead of dead-lettering. */
  withUsers: boolean;
  /** Called after each committed batch with the number of rows committed so far. */
  onBatch?: (committed: number) => void;
  /** Batches in flight at once: one connection each. */
  concurrency?: number;
}

/**
 * Multi-row INSERTs, one transaction per batch: how a backfill or a burst reaches the outbox.
 * Each batch is one WAL transaction, which is also how Debezium sees it. A few batches run at
 * once so that the inserts outpace the relay: otherwise the relay's rate is only the insert rate.
 */
export async function bulkInsert(
  db: Db,
  batches: readonly (readonly SyntheticRegistration[])[],
  { table, withUsers, onBatch, concurrency = 1 }: BulkInsertOptions,
): Promise<void> {
  const polling = withPollingTable(db);
  let committed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (batch.length === 0) continue;
        await polling.transaction().execute(async (trx) => {
          if (withUsers) {
            await trx.insertInto('users').values(batch.map(userRow)).execute();
            await trx.insertInto('notifications').values(batch.map(notificationRow)).execute();
          }
          await trx.insertInto(table).values(batch.map(outboxRow)).execute();
        });
        committed += batch.length;
        onBatch?.(committed);
      }
    }),
  );
}
