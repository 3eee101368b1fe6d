import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  connectionTimeoutMs?: number;
}

/** Kysely over a pg pool. A short connect timeout turns a down database into a quick 503, not a hung request. */
export function createDatabase({ url, poolMax = 10, connectionTimeoutMs = 3_000 }: DatabaseOptions): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: connectionTimeoutMs });
  // An idle client losing its connection (database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
