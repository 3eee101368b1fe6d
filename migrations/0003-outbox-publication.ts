import { type Kysely, sql } from 'kysely';

// The publication Debezium reads (debezium/connector.json: publication.name, with
// publication.autocreate.mode=disabled). It is part of the schema because it is a contract of the
// outbox table: only inserts are published, so an update or a retention delete never reaches the
// WAL stream as an event. Creating it needs no wal_level=logical; PostgreSQL only warns.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create publication outbox_publication for table outbox_events with (publish = 'insert')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop publication if exists outbox_publication`.execute(db);
}
