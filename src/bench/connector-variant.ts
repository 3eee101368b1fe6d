import { createConnectClient } from '../cdc/connect-client.ts';
import { loadConnectorConfig } from '../cdc/connector-config.ts';
import { waitForConnectorRunning } from '../cdc/ensure-connector.ts';
import { dropReplicationSlot } from '../cdc/replication-slot.ts';
import { AppError } from '../errors.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { BenchContext } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { correlateCdcRecord } from './correlate.ts';
import { waitForSent } from './sent-watch.ts';
import { syntheticRegistration, writeRegistration } from './synthetic-registration.ts';
import { watchTopic, type TopicWatch } from './topic-watch.ts';

const variantPrefix = 'benchvariant';

export interface ConnectorVariant {
  overrides: Record<string, string>;
  topic: string;
  watch: TopicWatch;
  remove: () => Promise<void>;
}

/** Parses "poll.interval.ms=10,max.batch.size=512" into overrides. */
export function parseOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new RangeError(`connector override "${pair}" is not key=value`);
    overrides[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return overrides;
}

/**
 * A second, temporary Debezium connector: the live connector's config plus the overrides, with
 * its own replication slot and topic prefix, reading the same publication. Both connectors then
 * relay the SAME events at the same time, so a proposed setting is measured against the current
 * one under identical load, without touching debezium/connector.json or the running connector.
 * Everything it creates (connector, slot, topics) is removed afterwards.
 */
export async function startConnectorVariant(context: BenchContext, overrides: Record<string, string>): Promise<ConnectorVariant> {
  const { config, admin, db, progress, tag } = context;
  const connect = createConnectClient(config.CONNECT_URL);
  const mainName = (await loadConnectorConfig(config.DATABASE_URL)).name;
  const live = await connect.getConfig(mainName);
  if (live === undefined) throw new AppError('CONNECTOR_FAILED', `connector ${mainName} is not registered: make up`);
  const name = `bench-variant-${tag}`;
  const slot = `bench_variant_${tag.replace(/[^a-z0-9]/g, '_')}`;
  const topic = `${variantPrefix}.public.outbox_events`;
  const variant = {
    ...live,
    name,
    'slot.name': slot,
    'topic.prefix': variantPrefix,
    // Only what is written from now on: no snapshot of the whole outbox table.
    'snapshot.mode': 'no_data',
    ...overrides,
  };
  await ensureTopics(admin, [{ topic, numPartitions: config.TOPIC_PARTITIONS }]);
  progress(`connector variant ${name}: ${Object.entries(overrides).map(([key, value]) => `${key}=${value}`).join(', ')}`);
  progress(`  (removed at the end; if the bench is killed first: curl -X DELETE ${config.CONNECT_URL}/connectors/${name}, then select pg_drop_replication_slot('${slot}'))`);
  await connect.putConfig(name, variant);
  const remove = async () => {
    await connect.deleteConnector(name).catch(() => false);
    await dropReplicationSlot(config.DATABASE_URL, slot).catch((error: unknown) => progress(`  could not drop slot ${slot}: ${(error as Error).message}`));
    await admin.deleteTopics({ topics: [topic, `__debezium-heartbeat.${variantPrefix}`] }).catch(() => {});
  };
  let watch: TopicWatch | undefined;
  let canaryId = '';
  try {
    await waitForConnectorRunning(connect, name, { timeoutMs: 60_000 });
    watch = await watchTopic({ brokers: config.KAFKA_BROKERS, topic, correlate: correlateCdcRecord });
    // RUNNING is not streaming yet: wait until a canary event comes through the new slot.
    const canary = syntheticRegistration(`${tag}-canary`, 0);
    canaryId = canary.userId;
    await db.transaction().execute((trx) => writeRegistration(trx, canary));
    if ((await watch.waitFor([canary.userId], 60_000)).length > 0) throw new AppError('TIMEOUT', `connector variant ${name} streamed nothing within 60 s`);
    progress(`  variant streaming on ${topic}`);
  } catch (error) {
    await watch?.close();
    await remove();
    throw error;
  }
  const running = watch;
  return {
    overrides,
    topic,
    watch: running,
    remove: async () => {
      await running.close();
      await remove();
      // The canary is removed once SENT, like every bench row (earlier, it would be dead-lettered).
      if ((await waitForSent(db, [canaryId], { timeoutMs: 30_000 })).size === 1) await removeBenchRows(db, [canaryId]);
    },
  };
}
