import { sql } from 'kysely';
import { loadConfig } from '../../src/service/config.ts';
import { createDatabase, type Db } from '../../src/service/db/database.ts';
import { ensureDatabaseExists, migrate } from '../../src/service/db/migrate.ts';

/** The real database the suite runs against (DATABASE_URL), created and migrated on first use. */
export async function openTestDatabase(): Promise<Db> {
  const { DATABASE_URL } = loadConfig();
  await ensureDatabaseExists(DATABASE_URL);
  const db = createDatabase({ url: DATABASE_URL, poolMax: 20 });
  await migrate(db, 'up');
  return db;
}

export interface RowCounts {
  users: number;
  notifications: number;
  outbox_events: number;
}

export async function countRows(db: Db): Promise<RowCounts> {
  const { rows } = await sql<RowCounts>`
    select (select count(*)::int from users) as users,
           (select count(*)::int from notifications) as notifications,
           (select count(*)::int from outbox_events) as outbox_events`.execute(db);
  return rows[0]!;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}
