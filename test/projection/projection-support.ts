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

/** Each user's directory row (email and version shown), by user id; users not in the directory are absent. */
export async function directoryRows(db: Db, schema: string, userIds: readonly string[]): Promise<Map<string, { email: string; version: number }>> {
  const { rows } = await sql<{ user_id: string; email: string; version: number }>`
    select user_id, email, version from ${sql.id(schema, 'registered_users')} where user_id = any(${userIds}::uuid[])`.execute(db);
  return new Map(rows.map((row) => [row.user_id, { email: row.email, version: row.version }]));
}

/** A fresh email on the test's own domain. */
export function emailAt(domain: string, label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@${domain}`;
}
