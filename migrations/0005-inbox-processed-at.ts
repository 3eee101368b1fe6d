import type { Kysely } from 'kysely';

// The inbox purge deletes by age, in small batches in age order: without this index each batch
// would read the whole inbox.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('inbox_processed_at_idx').on('inbox').column('processed_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbox_processed_at_idx').ifExists().execute();
}
