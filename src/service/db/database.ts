import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ClassifyingDialect } from './classifying-dialect.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  connectionTimeoutMs?: number;
  /** Shown in pg_stat_activity, so an operator (or a test) can tell which process holds which connections. */
  applicationName?: string;
}

// How to reach the server outside a database's pool: a cancel must not wait for a pooled connection.
const serverOf = new WeakMap<Db, pg.ClientConfig>();

/**
 * Kysely over a pg pool. A short connect timeout turns a down database into a quick 503, not a hung
 * request. Every error leaves it classified (see classifying-dialect.ts).
 */
export function createDatabase({ url, poolMax = 10, connectionTimeoutMs = 3_000, applicationName = 'outbox' }: DatabaseOptions): Db {
  const server: pg.ClientConfig = { connectionString: url, connectionTimeoutMillis: connectionTimeoutMs, application_name: applicationName };
  const pool = new pg.Pool({ ...server, max: poolMax });
  // An idle client losing its connection (database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', hearLostConnection);
  const db = new Kysely<Database>({ dialect: new ClassifyingDialect(new PostgresDialect({ pool })) });
  serverOf.set(db, server);
  return db;
}

/**
 * A connection lost while in use (PostgreSQL restarting while a transaction sits between two
 * statements) emits 'error' on its client, which pg-pool hears only while the client is idle: unheard,
 * it crashes the process. Heard, nothing is hidden: the statement in flight, or the next one, fails
 * with DATABASE_UNAVAILABLE, and the pool drops the client when it comes back.
 */
export function hearLostConnection(client: pg.Client): void {
  client.on('error', () => {});
}

/** A connection of its own to the server of `db`, for one short job, closed after it. */
export async function withSideConnection<T>(db: Db, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const server = serverOf.get(db);
  if (server === undefined) throw new Error('not a database made by createDatabase');
  const client = new pg.Client(server);
  hearLostConnection(client);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}
