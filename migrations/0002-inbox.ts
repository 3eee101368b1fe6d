import { type Kysely, sql } from 'kysely';

// The consumer's message log: one row per (handler, event) it has applied. Inserting it in the
// same transaction as the effect makes a redelivered event a no-op.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbox')
    .addColumn('handler', 'text', (col) => col.notNull())
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inbox_pkey', ['handler', 'event_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox').ifExists().execute();
}
