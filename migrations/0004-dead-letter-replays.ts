import { type Kysely, sql } from 'kysely';

// What `cli dlq replay` re-published: one row per replay of one dead letter. A replay is written
// here only after the broker acknowledged it, so a crash in between replays again on the next run
// (at-least-once, made harmless by the inbox) rather than marking something replayed that never was.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dead_letter_replays')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('dead_letter', 'text', (col) => col.notNull())
    .addColumn('event_id', 'text')
    .addColumn('stage', 'text', (col) => col.notNull())
    .addColumn('error_code', 'text', (col) => col.notNull())
    .addColumn('replay_topic', 'text', (col) => col.notNull())
    .addColumn('replay_count', 'integer', (col) => col.notNull())
    .addColumn('replayed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('dead_letter_replays_dead_letter').on('dead_letter_replays').column('dead_letter').execute();
  await db.schema.createIndex('dead_letter_replays_event_id').on('dead_letter_replays').column('event_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dead_letter_replays').ifExists().execute();
}
