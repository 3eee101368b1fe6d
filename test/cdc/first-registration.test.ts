import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { waitForConnectorRunning } from '../../src/service/cdc/ensure-connector.ts';
import type { TopicReader } from '../../src/service/kafka/topic-reader.ts';
import { config, insertRow, newRow, openPool, readEvents } from './cdc-support.ts';
import { openWhenCreated, throwawayConnector } from './throwaway-connector.ts';

const pool = openPool();
after(() => pool.end());

// The main connector was registered long ago, so a connector from the same connector.json with its
// own slot and topic prefix plays "the first start"; the main one keeps running untouched.
test('a row committed before the connector was first registered is delivered', { timeout: 180_000 }, async () => {
  const connector = await throwawayConnector('first');
  const client = createConnectClient(config.CONNECT_URL);
  const row = newRow();
  await insertRow(pool, row);
  let reader: TopicReader | undefined;
  try {
    assert.equal(await client.putConfig(connector.config.name, connector.config), true, 'a new connector');
    await waitForConnectorRunning(client, connector.config.name, { timeoutMs: 120_000 });
    reader = await openWhenCreated(connector.topic);
    const record = (await readEvents(reader, [row.id])).find((r) => r.after?.id === row.id);
    // 'r': read by the initial snapshot, which is what publishes rows older than the slot.
    assert.equal(record?.op, 'r');
    assert.deepEqual(JSON.parse(record?.after?.payload as string), row.payload);
  } finally {
    await reader?.close();
    await connector.remove();
  }
});
