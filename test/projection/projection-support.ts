import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/service/db/database.ts';

/** A domain no other test uses: the stats for it count this test's registrations only. */
export function uniqueDomain(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}.example`;
}

export async function domainCount(db: Db, schema: string, domain: string): Promise<number> {
  const { rows } = await sql<{
    n: string | null;
  }>`select sum(registrations)::text as n from ${sql.id(schema, 'registrations_daily')} where domain = ${domain}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function recordsApplied(db: Db, schema: string, topic: string): Promise<number> {
  const { rows } = await sql<{ n: string | null }>`select sum(records_applied)::text as n from ${sql.id(schema, 'positions')} where topic = ${topic}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function directoryCount(db: Db, schema: string, domain: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.id(schema, 'registered_users')} where email like ${`%@${domain}`}`.execute(
    db,
  );
  return Number(rows[0]!.n);
}
