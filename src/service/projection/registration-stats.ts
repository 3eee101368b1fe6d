import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export type StatsGrouping = 'day' | 'domain';

export interface RegistrationStatsQuery {
  /** First UTC day counted (YYYY-MM-DD), inclusive; none: from the first registration. */
  from?: string;
  /** Last UTC day counted, inclusive; none: up to the newest. */
  to?: string;
  groupBy: StatsGrouping;
}

export interface RegistrationStats {
  rows: Array<{ key: string; registrations: number }>;
  total: number;
  freshness: ProjectionFreshness;
}

export interface ProjectionFreshness {
  /** The newest event the projection applied (by commit time), none before the first. */
  newestEventId: string | null;
  /** When that event's outbox row committed: the projection reflects every commit up to about here. */
  newestEventCommittedAt: Date | null;
  /** When the projection last applied anything. */
  appliedAt: Date | null;
  /** Records read from the topic and applied, every partition together. */
  recordsApplied: number;
}

/** Registrations per UTC day or per email domain over a range of days, read from the projection only. */
export async function registrationStats(db: Db, schema: string, query: RegistrationStatsQuery): Promise<RegistrationStats> {
  const daily = sql.id(schema, 'registrations_daily');
  const key = query.groupBy === 'day' ? sql`to_char(day, 'YYYY-MM-DD')` : sql`domain`;
  const { rows } = await sql<{ key: string; registrations: string }>`
    select ${key} as key, sum(registrations)::text as registrations
      from ${daily}
     where (${query.from ?? null}::date is null or day >= ${query.from ?? null}::date)
       and (${query.to ?? null}::date is null or day <= ${query.to ?? null}::date)
     group by 1
     order by ${query.groupBy === 'day' ? sql`1` : sql`2 desc, 1`}`.execute(db);
  const counted = rows.map((row) => ({ key: row.key, registrations: Number(row.registrations) }));
  return { rows: counted, total: counted.reduce((sum, row) => sum + row.registrations, 0), freshness: await projectionFreshness(db, schema) };
}

export async function projectionFreshness(db: Db, schema: string): Promise<ProjectionFreshness> {
  const { rows } = await sql<{ last_event_id: string | null; last_committed_at: Date | null; applied_at: Date | null; records: string }>`
    select newest.last_event_id, newest.last_committed_at, stats.applied_at, stats.records
      from (select max(applied_at) as applied_at, coalesce(sum(records_applied), 0)::text as records from ${sql.id(schema, 'positions')}) stats
      left join lateral (
        select last_event_id, last_committed_at from ${sql.id(schema, 'positions')}
         where last_committed_at is not null order by last_committed_at desc limit 1
      ) newest on true`.execute(db);
  const row = rows[0]!;
  return {
    newestEventId: row.last_event_id,
    newestEventCommittedAt: row.last_committed_at,
    appliedAt: row.applied_at,
    recordsApplied: Number(row.records),
  };
}
