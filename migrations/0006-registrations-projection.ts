import { type Kysely, sql } from 'kysely';

// The read side: a projection of registrations fed by notif.user.registration (README, "The read
// side"). Its own schema, so it can be rebuilt, dropped or moved without touching the write side.
// The consumed positions live beside the counts and are written in the same transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema read_model`.execute(db);
  await sql`
    create table read_model.registrations_daily (
      day date not null,
      domain text not null,
      registrations bigint not null,
      primary key (day, domain)
    )`.execute(db);
  await sql`
    create table read_model.registered_users (
      user_id uuid primary key,
      email text not null,
      registered_at timestamptz not null,
      event_id uuid not null
    )`.execute(db);
  await sql`create index registered_users_registered_at on read_model.registered_users (registered_at)`.execute(db);
  await sql`
    create table read_model.positions (
      topic text not null,
      partition integer not null,
      next_offset bigint not null,
      records_applied bigint not null,
      last_event_id uuid,
      last_committed_at timestamptz,
      applied_at timestamptz not null default now(),
      primary key (topic, partition)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema if exists read_model cascade`.execute(db);
}
