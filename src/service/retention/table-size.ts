import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export type PurgedTable = 'outbox_events' | 'inbox';

/** The table's size on disk with its indexes and TOAST: what a purge followed by VACUUM lets PostgreSQL reuse. */
export async function tableBytes(db: Db, table: PurgedTable): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`select pg_total_relation_size(${table}::regclass)::text as bytes`.execute(db);
  return Number(rows[0]!.bytes);
}
