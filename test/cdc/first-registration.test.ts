import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { createConnectClient } from '../../src/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../src/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../src/cdc/ensure-connector.ts';
import { dropReplicationSlot } from '../../src/cdc/replication-slot.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { openTopicReader, type TopicReader } from '../../src/kafka/topic-reader.ts';
import { config, insertRow, newRow, openPool, readEvents } from './cdc-support.ts';

const pool = openPool();
after(() => pool.end());

/**
 * The main connector registered long ago, so "rows committed before the connector's first start"
 * is tested with a second connector made from the same connector.json: only its name, slot and
 * topic prefix differ, so it starts from nothing exactly as the real one did on its first day,
 * and the main connector keeps running untouched. Everything it creates is removed afterwards.
 */
test('a row committed before the connector was first registered is delivered', { timeout: 180_000 }, async () => {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
  const base = await loadConnectorConfig(config.DATABASE_URL);
  const firstStart = { ...base, name: `outbox-first-start-${suffix}`, 'slot.name': `outbox_first_${suffix}`, 'topic.prefix': `dbzfirst${suffix}` };
  const topic = `${firstStart['topic.prefix']}.public.outbox_events`;
  const client = createConnectClient(config.CONNECT_URL);

  const row = newRow();
  await insertRow(pool, row);
  let reader: TopicReader | undefined;
  try {
    assert.equal(await client.putConfig(firstStart.name, firstStart), true, 'a new connector');
    await waitForConnectorRunning(client, firstStart.name, { timeoutMs: 120_000 });
    reader = await openWhenCreated(topic, 60_000);
    const records = await readEvents(reader, [row.id]);
    const record = records.find((r) => r.after?.id === row.id);
    // 'r': read by the initial snapshot, which is what publishes rows older than the slot.
    assert.equal(record?.op, 'r');
    assert.deepEqual(JSON.parse(record?.after?.payload as string), row.payload);
  } finally {
    await reader?.close();
    await client.deleteConnector(firstStart.name).catch(() => false);
    await dropReplicationSlot(config.DATABASE_URL, firstStart['slot.name'], 60_000).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
    await deleteTopics([topic, `__debezium-heartbeat.${firstStart['topic.prefix']}`]);
  }
});

/** Connect creates the connector's topic once it has the first record; until then there is none. */
async function openWhenCreated(topic: string, timeoutMs: number): Promise<TopicReader> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'beginning' });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = createKafka(config).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } catch (error) {
    console.error(`cleanup: could not delete topics ${topics.join(', ')}: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
