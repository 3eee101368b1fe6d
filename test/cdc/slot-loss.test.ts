import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { waitForConnectorRunning } from '../../src/service/cdc/ensure-connector.ts';
import { dropReplicationSlot, slotStatus } from '../../src/service/cdc/replication-slot.ts';
import type { TopicReader } from '../../src/service/kafka/topic-reader.ts';
import { waitFor } from '../../src/tooling/stack/wait-for.ts';
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
    await insertRow(pool, before);
    reader = await openWhenCreated(connector.topic);
    await readEvents(reader, [before.id]);
    // Offsets are flushed every second (offset.flush.interval.ms): let the streamed row's be stored.
    await sleep(3_000);

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
