import { slotStatus } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { maintenanceUrl, withPgClient } from '../../service/db/single-client.ts';
import { progress } from './progress.ts';

/** The setting as PostgreSQL reports it, in MB (-1: unlimited). */
async function currentLimitMb(databaseUrl: string): Promise<number> {
  return withPgClient(maintenanceUrl(databaseUrl), async (client) => {
    const { rows } = await client.query<{ mb: string }>(`select setting as mb from pg_settings where name = 'max_slot_wal_keep_size'`);
    return Number(rows[0]!.mb);
  });
}

async function wantedMb(databaseUrl: string, size: string): Promise<number> {
  if (size === '-1') return -1;
  return withPgClient(maintenanceUrl(databaseUrl), async (client) => {
    const { rows } = await client.query<{ mb: string }>('select (pg_size_bytes($1) / 1048576)::bigint::text as mb', [size]);
    return Number(rows[0]!.mb);
  });
}

/**
 * Bounds the WAL a replication slot may hold (max_slot_wal_keep_size, reloadable, no restart), so a
 * connector that is down for days cannot fill the database's disk: past the limit PostgreSQL drops
 * the WAL, the slot becomes `lost`, and the connector recovers by a new snapshot. Server-wide: every
 * slot of the server gets the same bound. Without the right to ALTER SYSTEM, it says what to run.
 */
export async function ensureSlotWalLimit(config: Pick<Config, 'DATABASE_URL' | 'SLOT_MAX_WAL_KEEP_SIZE'>): Promise<void> {
  const size = config.SLOT_MAX_WAL_KEEP_SIZE;
  const [current, wanted] = await Promise.all([currentLimitMb(config.DATABASE_URL), wantedMb(config.DATABASE_URL, size)]);
  if (current === wanted) {
    progress(`max_slot_wal_keep_size is ${size} (SLOT_MAX_WAL_KEEP_SIZE)`);
    return;
  }
  const was = current === -1 ? 'unlimited' : `${current} MB`;
  try {
    await withPgClient(maintenanceUrl(config.DATABASE_URL), async (client) => {
      // ALTER SYSTEM takes no parameters; the value was checked against its pattern by the config.
      await client.query(`alter system set max_slot_wal_keep_size = '${size}'`);
      await client.query('select pg_reload_conf()');
    });
    progress(`max_slot_wal_keep_size set to ${size} (was ${was}): a slot may hold that much WAL before PostgreSQL drops it (SLOT_MAX_WAL_KEEP_SIZE)`);
  } catch (error) {
    progress(
      `warning: max_slot_wal_keep_size is ${was} and could not be set to ${size} (${(error as Error).message}); as a superuser: ALTER SYSTEM SET max_slot_wal_keep_size = '${size}'; SELECT pg_reload_conf();`,
    );
  }
}

/** The slot's line of the summary: how safe the WAL it needs is. */
export async function describeSlotSafety(config: Pick<Config, 'DATABASE_URL' | 'SLOT_NAME' | 'SLOT_MAX_WAL_KEEP_SIZE'>): Promise<string> {
  const slot = await slotStatus(config.DATABASE_URL, config.SLOT_NAME).catch(() => undefined);
  if (slot === undefined) return `${config.SLOT_NAME}: not created yet`;
  const safe = slot.safeWalBytes === null ? 'unlimited' : `${Math.round(slot.safeWalBytes / 1024 ** 2)} MiB`;
  return `${config.SLOT_NAME}: wal_status ${slot.walStatus ?? 'unknown'}, safe_wal_size ${safe} (max_slot_wal_keep_size ${config.SLOT_MAX_WAL_KEEP_SIZE})`;
}
