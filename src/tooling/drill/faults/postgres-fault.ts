import { sql } from 'kysely';
import type { Config } from '../../../service/config.ts';
import type { Db } from '../../../service/db/database.ts';
import { AppError } from '../../../service/errors.ts';
import { waitFor } from '../../../service/wait-for.ts';
import { isLocalHost, localCluster, type PgCluster, pgCtlCluster, serverAddress } from '../../stack/postgres-clusters.ts';
import { progress } from '../../stack/progress.ts';
import type { Fault } from '../fault.ts';

const leaveOut = 'or leave this fault out: --faults kafka-consumer,connect,kafka,second-consumer';

/**
 * The cluster the drill may restart: Debian-managed (pg_ctlcluster can restart it), local, and serving
 * nobody but this stack; an immediate restart cuts every session of every database on it.
 */
async function restartableCluster(config: Config, db: Db): Promise<PgCluster> {
  const { host, port } = serverAddress(config.DATABASE_URL);
  if (!isLocalHost(host))
    throw new AppError(
      'PREREQUISITE_MISSING',
      `the postgres fault restarts PostgreSQL with pg_ctlcluster, and DATABASE_URL points at ${host}:${port}, not this machine: run the drill where the database runs, ${leaveOut}`,
    );
  const cluster = await localCluster(port);
  if (cluster === undefined)
    throw new AppError(
      'PREREQUISITE_MISSING',
      `the postgres fault restarts PostgreSQL with pg_ctlcluster, and no Debian-managed cluster (pg_lsclusters) serves port ${port} (a container or a hand-started server?): restart it yourself in immediate mode while the drill runs another fault, ${leaveOut}`,
    );
  const { rows } = await sql<{ datname: string; sessions: string }>`
    select datname, count(*) as sessions from pg_stat_activity
    where backend_type in ('client backend', 'walsender') and datname is distinct from current_database()
    group by datname order by datname`.execute(db);
  if (rows.length > 0)
    throw new AppError(
      'PREREQUISITE_MISSING',
      `PostgreSQL ${cluster.version}/${cluster.name} (port ${port}) also serves ${rows.map((r) => `${r.datname ?? 'no database'} (${r.sessions} session(s))`).join(', ')}: an immediate restart would cut them too. Point DATABASE_URL at a cluster of this stack's own (pg_createcluster 15 outbox --port 5433, wal_level = logical in its postgresql.conf, then make up), ${leaveOut}`,
    );
  return cluster;
}

export const postgresFault: Fault = {
  name: 'postgres',
  action: 'restart -m immediate PostgreSQL',
  measures:
    'from the immediate shutdown (no checkpoint: the start runs crash recovery) until a registration committed after it is SENT; registrations attempted meanwhile are refused, and the api-server, Debezium and the kafka-consumer must reconnect by themselves',
  async check({ config, db }) {
    await restartableCluster(config, db);
  },
  async inject({ config, db }) {
    const cluster = await restartableCluster(config, db);
    const at = Date.now();
    progress(`pg_ctlcluster --mode immediate ${cluster.version} ${cluster.name} restart`);
    try {
      await pgCtlCluster(cluster, 'restart', { mode: 'immediate' });
    } catch (error) {
      throw new AppError(
        'PROCESS_FAILED',
        `restarting PostgreSQL ${cluster.version}/${cluster.name} failed: ${(error as Error).message.trim()} (pg_ctlcluster needs root or the cluster's owner; start it again with pg_ctlcluster --skip-systemctl-redirect ${cluster.version} ${cluster.name} start)`,
        { cause: error },
      );
    }
    return { at, target: `cluster ${cluster.version}/${cluster.name}` };
  },
  async restore({ db }, injection) {
    // pg_ctlcluster waits for the start; nothing else is restored by hand.
    await waitFor(async () => (await sql`select 1 as ok`.execute(db)).rows.length === 1, {
      what: 'PostgreSQL answering again',
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    const downMs = Date.now() - injection.at;
    progress(`PostgreSQL answers again ${(downMs / 1000).toFixed(1)} s after the immediate shutdown`);
    return { note: `PostgreSQL answered again after ${(downMs / 1000).toFixed(1)} s` };
  },
};
