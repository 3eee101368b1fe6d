import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { waitForConnectorRunning } from '../../src/service/cdc/ensure-connector.ts';
import { dropReplicationSlot, slotStatus } from '../../src/service/cdc/replication-slot.ts';
import type { TopicReader } from '../../src/service/kafka/topic-reader.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { config, insertRow, newRow, openPool, readEvents } from './cdc-support.ts';
import { openWhenCreated, throwawayConnector } from './throwaway-connector.ts';

const pool = openPool();
after(() => pool.end());

// Why connector.json says snapshot.mode=when_needed: under `initial` a connector whose slot is
// gone fails with "no longer available on the server"; under when_needed it snapshots again, so a
// row committed while nothing captured it is still published.
test('a row committed while the replication slot was lost is delivered by a new snapshot', { timeout: 180_000 }, async () => {
  const connector = await throwawayConnector('slotloss');
  const client = createConnectClient(config.CONNECT_URL);
  const { name, 'slot.name': slotName } = connector.config;
  let reader: TopicReader | undefined;
  try {
    await client.putConfig(name, connector.config);
    await waitForConnectorRunning(client, name, { timeoutMs: 120_000 });
    const before = newRow();
    const lsnBefore = await currentLsn();
    await insertRow(pool, before);
    reader = await openWhenCreated(connector.topic);
    await readEvents(reader, [before.id]);
    // A lost slot only matters to a connector that has an offset to resume from: wait until the
    // streamed row's position is committed (offset.flush.interval.ms), as it would be in production.
    await waitFor(async () => ((await client.getOffsets(name))?.some((entry) => Number(entry.offset.lsn) > lsnBefore) ? true : undefined), {
      what: `the connector's committed offset past LSN ${lsnBefore}`,
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    const stopped = await fetch(new URL(`/connectors/${name}/stop`, config.CONNECT_URL), { method: 'PUT' });
    assert.ok(stopped.ok, `stop answered ${stopped.status}`);
    await waitFor(async () => (await slotStatus(config.DATABASE_URL, slotName))?.active === false, { what: 'the slot released', timeoutMs: 30_000 });
    assert.equal(await dropReplicationSlot(config.DATABASE_URL, slotName), true);
    const lost = newRow();
    await insertRow(pool, lost);

    const resumed = await fetch(new URL(`/connectors/${name}/resume`, config.CONNECT_URL), { method: 'PUT' });
    assert.ok(resumed.ok, `resume answered ${resumed.status}`);
    await waitForConnectorRunning(client, name, { timeoutMs: 120_000 });
    const record = (await readEvents(reader, [lost.id])).find((r) => r.after?.id === lost.id);
    assert.equal(record?.op, 'r');
  } finally {
    await reader?.close();
    await connector.remove();
  }
});

/** The server's WAL insert position as a number, comparable with the lsn Debezium stores in its offsets. */
async function currentLsn(): Promise<number> {
  const { rows } = await pool.query<{ lsn: string }>("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text as lsn");
  return Number(rows[0]!.lsn);
}

// `stack clean` of a stack whose database was never created (or was dropped) must not wait for a
// reader: such a database can hold no slot, since PostgreSQL refuses to drop a database a slot uses.
test('dropping the slot of a database that does not exist says there was none, at once', async () => {
  const missing = Object.assign(new URL(config.DATABASE_URL), { pathname: '/outbox_never_created' }).toString();
  // Before the fix the lookup's failure read as "a reader still holds it": SLOT_IN_USE after the wait.
  assert.equal(await dropReplicationSlot(missing, 'outbox_never_created_slot', 5_000), false);
});
