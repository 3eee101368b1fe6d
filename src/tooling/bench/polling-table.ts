import { type Kysely, sql } from 'kysely';
import type { Database, OutboxEventTable } from '../../service/db/tables.ts';

/**
 * The polling relay's own outbox, bench-only. Same columns and indexes as outbox_events but NOT
 * in outbox_publication, so Debezium never sees these rows and the two relays never compete for
 * the same events: each path is measured alone on an identical workload.
 */
export const pollingTable = 'outbox_events_polling';

export interface PollingDatabase extends Database {
  outbox_events_polling: OutboxEventTable;
}

export function withPollingTable(db: Kysely<Database>): Kysely<PollingDatabase> {
  return db.withTables<{ outbox_events_polling: OutboxEventTable }>();
}

export async function ensurePollingTable(db: Kysely<Database>): Promise<void> {
  await sql`create table if not exists ${sql.table(pollingTable)} (like outbox_events including defaults including indexes including constraints)`.execute(db);
}
