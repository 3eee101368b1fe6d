import { type Kysely, sql } from 'kysely';

// A per-user version, bumped by every change of the user in the transaction that writes its event:
// the event carries it, so a reader can tell a stale or repeated change (Debezium and the router
// republish after a crash) from a newer one. A registration is version 1.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column version integer not null default 1`.execute(db);
  // The directory keeps the version of the email it shows; a change is applied only over an older one.
  await sql`alter table read_model.registered_users add column version integer not null default 1, add column email_changed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table read_model.registered_users drop column if exists email_changed_at, drop column if exists version`.execute(db);
  await sql`alter table users drop column if exists version`.execute(db);
}
