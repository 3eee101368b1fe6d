import type { Db } from '../db/database.ts';
import { withPollingTable } from './polling-table.ts';
import { notificationRow, outboxRow, userRow, type SyntheticRegistration } from './synthetic-registration.ts';

export interface BulkInsertOptions {
  /** outbox_events feeds Debezium; outbox_events_polling feeds the polling relay. */
  table: 'outbox_events' | 'outbox_events_polling';
  /** Users and notifications too, so the notification stage can reach SENT instead of dead-lettering. */
  withUsers: boolean;
  /** Called after each committed batch with the number of rows committed so far. */
  onBatch?: (committed: number) => void;
}

/**
 * Multi-row INSERTs, one transaction per batch: how a backfill or a burst reaches the outbox.
 * Each batch is one WAL transaction, which is also how Debezium sees it. Batches run one after
 * the other: the point is to feed the relay faster than it drains, not to benchmark PostgreSQL.
 */
export async function bulkInsert(db: Db, batches: readonly (readonly SyntheticRegistration[])[], { table, withUsers, onBatch }: BulkInsertOptions): Promise<void> {
  const polling = withPollingTable(db);
  let committed = 0;
  for (const batch of batches) {
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
}
