import { randomUUID } from 'node:crypto';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { type ConnectorConfig, loadConnectorConfig } from '../../src/service/cdc/connector-config.ts';
import { dropReplicationSlot } from '../../src/service/cdc/replication-slot.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import { openTopicReader, type TopicReader } from '../../src/service/kafka/topic-reader.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { config } from './cdc-support.ts';

export interface ThrowawayConnector {
  config: ConnectorConfig & { 'slot.name': string; 'topic.prefix': string };
  topic: string;
  /** Removes the connector, its slot and its topics. */
  remove: () => Promise<void>;
}

/**
 * A connector made from debezium/connector.json with its own name, slot and topic prefix: it
 * starts from nothing, as the real one did on its first day, while the real one runs untouched.
 */
export async function throwawayConnector(label: string): Promise<ThrowawayConnector> {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
  const base = await loadConnectorConfig(config);
  const connectorConfig = { ...base, name: `outbox-${label}-${suffix}`, 'slot.name': `outbox_${label}_${suffix}`, 'topic.prefix': `dbz${label}${suffix}` };
  const topic = `${connectorConfig['topic.prefix']}.public.outbox_events`;
  const client = createConnectClient(config.CONNECT_URL);
  return {
    config: connectorConfig,
    topic,
    async remove() {
      await client.deleteConnector(connectorConfig.name).catch(() => false);
      await dropReplicationSlot(config.DATABASE_URL, connectorConfig['slot.name'], 60_000).catch((error: unknown) =>
        console.error(`cleanup: ${String(error)}`),
      );
      await deleteTopics([topic, `__debezium-heartbeat.${connectorConfig['topic.prefix']}`]);
    },
  };
}

/** Connect creates a connector's topic with its first record; until then there is none to read. */
export function openWhenCreated(topic: string, timeoutMs = 60_000): Promise<TopicReader> {
  return waitFor(() => openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'beginning' }), { what: `topic ${topic} created`, timeoutMs });
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
