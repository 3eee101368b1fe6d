import { sqlStateOf } from '../db/database-errors.ts';
import { withPgClient } from '../db/single-client.ts';
import { AppError, isAppError } from '../errors.ts';
import { waitFor } from '../wait-for.ts';

/** PostgreSQL's own word on how safe the WAL a slot needs is (pg_replication_slots.wal_status). */
export type WalStatus = 'reserved' | 'extended' | 'unreserved' | 'lost';

export interface SlotStatus {
  slotName: string;
  active: boolean;
  /** WAL the server keeps for this slot: how far the connector's confirmed position trails. */
  retainedBytes: number;
  walStatus: WalStatus | null;
  /** Bytes of WAL that can still be written before the slot is in danger of being lost; null without max_slot_wal_keep_size. */
  safeWalBytes: number | null;
}

const slotColumns = `slot_name, active, wal_status, safe_wal_size,
  coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint as retained`;

interface SlotRow {
  slot_name: string;
  active: boolean;
  retained: string;
  wal_status: WalStatus | null;
  safe_wal_size: string | null;
}

function toStatus(row: SlotRow): SlotStatus {
  return {
    slotName: row.slot_name,
    active: row.active,
    retainedBytes: Number(row.retained),
    walStatus: row.wal_status,
    safeWalBytes: row.safe_wal_size === null ? null : Number(row.safe_wal_size),
  };
}

export async function slotStatus(databaseUrl: string, slotName: string): Promise<SlotStatus | undefined> {
  return withPgClient(databaseUrl, async (client) => {
    const { rows } = await client.query<SlotRow>(`select ${slotColumns} from pg_replication_slots where slot_name = $1`, [slotName]);
    return rows[0] === undefined ? undefined : toStatus(rows[0]);
  });
}

/** Every logical slot of the database in the URL: each one, read or not, makes PostgreSQL keep WAL. */
export async function databaseSlots(databaseUrl: string): Promise<SlotStatus[]> {
  return withPgClient(databaseUrl, async (client) => {
    const { rows } = await client.query<SlotRow>(`select ${slotColumns} from pg_replication_slots where database = current_database() order by slot_name`);
    return rows.map(toStatus);
  });
}

/**
 * Drops a logical replication slot once nothing reads it; a slot left behind makes PostgreSQL keep
 * WAL forever. A connector that was just deleted may hold it for a few seconds more.
 */
const undefinedDatabase = '3D000';

export async function dropReplicationSlot(databaseUrl: string, slotName: string, waitMs = 30_000): Promise<boolean> {
  const released = await waitFor(
    async () => {
      // A database that does not exist has no slot: PostgreSQL refuses to drop a database a slot uses.
      const status = await slotStatus(databaseUrl, slotName).catch((error: unknown) => {
        if (isAppError(error) && sqlStateOf(error) === undefinedDatabase) return undefined;
        throw error;
      });
      return status === undefined ? 'gone' : status.active ? undefined : 'inactive';
    },
    { what: `replication slot ${slotName} released by its reader`, timeoutMs: waitMs, hint: 'stop the connector first' },
  ).catch((error: unknown) => {
    throw new AppError('SLOT_IN_USE', `replication slot ${slotName} is still in use after ${waitMs / 1000} s: stop the connector first`, { cause: error });
  });
  if (released === 'gone') return false;
  await withPgClient(databaseUrl, (client) => client.query('select pg_drop_replication_slot($1)', [slotName]));
  return true;
}
