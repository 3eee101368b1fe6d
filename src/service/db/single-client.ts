import pg from 'pg';
import { hearLostConnection } from './database.ts';
import { classifyingDatabaseErrors } from './database-errors.ts';

/**
 * One connection for one administrative job (a setting, a slot, CREATE DATABASE), closed after it
 * whatever happens: no pool to leave open behind a command. Its errors leave classified.
 */
export async function withPgClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  hearLostConnection(client);
  try {
    return await classifyingDatabaseErrors(async () => {
      await client.connect();
      return await use(client);
    });
  } finally {
    await client.end().catch(() => {});
  }
}

/** The same server's `postgres` database: there even before ours is created. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}
