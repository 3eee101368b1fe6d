import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** The tables of a registrations projection; a schema holding all of them is a projection. */
export const projectionTables = ['registrations_daily', 'registered_users', 'positions'] as const;

/**
 * Creates `target` with empty tables shaped like those of `source` (columns, keys, indexes), so a
 * rebuild's shadow, or a test's projection of its own, can never drift from what the migrations made.
 */
export async function cloneProjectionSchema(db: Db, source: string, target: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(target)}`.execute(db);
  for (const table of projectionTables) {
    await sql`create table if not exists ${sql.id(target, table)} (like ${sql.id(source, table)} including all)`.execute(db);
  }
}

export async function dropProjectionSchema(db: Db, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}

export async function schemaExists(db: Db, schema: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`select exists (select 1 from pg_namespace where nspname = ${schema}) as found`.execute(db);
  return rows[0]!.found;
}
