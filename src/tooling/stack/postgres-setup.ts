import type pg from 'pg';
import type { Config } from '../../service/config.ts';
import { createDatabase } from '../../service/db/database.ts';
import { classifyDatabaseError } from '../../service/db/database-errors.ts';
import { ensureDatabaseExists, migrate } from '../../service/db/migrate.ts';
import { maintenanceUrl, withPgClient } from '../../service/db/single-client.ts';
import { AppError } from '../../service/errors.ts';
import { isLocalHost, localCluster, type PgCluster, pgCtlCluster, serverAddress } from './postgres-clusters.ts';
import { progress } from './progress.ts';

function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPgClient(maintenanceUrl(databaseUrl), use);
}

async function readWalLevel(databaseUrl: string): Promise<string> {
  return withClient(databaseUrl, async (client) => (await client.query<{ wal_level: string }>('show wal_level')).rows[0]?.wal_level ?? 'unknown');
}

/**
 * PostgreSQL must answer and run with wal_level=logical, or Debezium cannot create its slot. On a
 * Debian-managed local cluster both are fixed here (start it; ALTER SYSTEM + restart), saying so;
 * anywhere else the error says what to run.
 */
export async function ensurePostgresReady(config: Config): Promise<void> {
  const { host, port } = serverAddress(config.DATABASE_URL);
  const cluster = isLocalHost(host) ? await localCluster(port) : undefined;
  let walLevel: string;
  try {
    walLevel = await readWalLevel(config.DATABASE_URL);
  } catch (error) {
    if (classifyDatabaseError(error).code !== 'DATABASE_UNAVAILABLE')
      throw new AppError('DATABASE_UNAVAILABLE', `PostgreSQL at ${host}:${port} refused us: ${(error as Error).message}`, { cause: error });
    if (cluster === undefined || cluster.status === 'online') {
      throw new AppError(
        'DATABASE_UNAVAILABLE',
        `PostgreSQL is unreachable at ${host}:${port}: start it (e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start), or set DATABASE_URL`,
        { cause: error },
      );
    }
    progress(
      `PostgreSQL ${cluster.version}/${cluster.name} is ${cluster.status}: pg_ctlcluster --skip-systemctl-redirect ${cluster.version} ${cluster.name} start`,
    );
    await pgCtlCluster(cluster, 'start');
    walLevel = await readWalLevel(config.DATABASE_URL);
  }
  if (walLevel === 'logical') return;
  await enableLogicalWal(config.DATABASE_URL, walLevel, cluster);
}

async function enableLogicalWal(databaseUrl: string, walLevel: string, cluster: PgCluster | undefined): Promise<void> {
  const instruction = 'run ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL (in Docker: command: postgres -c wal_level=logical)';
  if (cluster === undefined) {
    throw new AppError('PREREQUISITE_MISSING', `PostgreSQL wal_level is ${walLevel}, Debezium needs logical: ${instruction}`);
  }
  progress(`PostgreSQL wal_level is ${walLevel}; Debezium needs logical: ALTER SYSTEM SET wal_level = logical`);
  await withClient(databaseUrl, (client) => client.query('alter system set wal_level = logical'));
  progress(`restarting PostgreSQL: pg_ctlcluster --skip-systemctl-redirect ${cluster.version} ${cluster.name} restart`);
  try {
    await pgCtlCluster(cluster, 'restart');
  } catch (error) {
    throw new AppError(
      'PREREQUISITE_MISSING',
      `restarting PostgreSQL ${cluster.version}/${cluster.name} failed: ${(error as Error).message.trim()}; ${instruction}`,
      { cause: error },
    );
  }
  const now = await readWalLevel(databaseUrl);
  if (now !== 'logical') throw new AppError('PREREQUISITE_MISSING', `PostgreSQL wal_level is still ${now} after the restart: ${instruction}`);
}

/** Creates the database and applies the migrations, reusing what `cli migrate up` does. */
export async function prepareDatabase(config: Config): Promise<void> {
  if (await ensureDatabaseExists(config.DATABASE_URL)) progress(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}`);
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1 });
  try {
    const { results = [] } = await migrate(db, 'up');
    for (const result of results) progress(`migration ${result.migrationName}: ${result.status}`);
  } finally {
    await db.destroy();
  }
}
