import { setTimeout as sleep } from 'node:timers/promises';
import { withPgClient } from '../db/single-client.ts';

export interface SlotStatus {
  slotName: string;
  active: boolean;
  /** WAL the server keeps for this slot: how far the connector's confirmed position trails. */
  retainedBytes: number;
}

export async function slotStatus(databaseUrl: string, slotName: string): Promise<SlotStatus | undefined> {
  return withPgClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ active: boolean; retained: string }>(
      'select active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint as retained from pg_replication_slots where slot_name = $1',
      [slotName],
    );
    const row = rows[0];
    return row === undefined ? undefined : { slotName, active: row.active, retainedBytes: Number(row.retained) };
  });
}

/**
 * Drops a logical replication slot once nothing reads it; a slot left behind makes PostgreSQL keep
 * WAL forever. A connector that was just deleted may hold it for a few seconds more.
 */
export async function dropReplicationSlot(databaseUrl: string, slotName: string, waitMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const status = await slotStatus(databaseUrl, slotName);
    if (status === undefined) return false;
    if (!status.active) {
      await withPgClient(databaseUrl, (client) => client.query('select pg_drop_replication_slot($1)', [slotName]));
      return true;
    }
    if (Date.now() > deadline) throw new Error(`replication slot ${slotName} is still in use after ${waitMs / 1000} s: stop the connector first`);
    await sleep(500);
  }
}
