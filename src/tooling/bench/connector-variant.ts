import { createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../service/cdc/ensure-connector.ts';
import { dropReplicationSlot } from '../../service/cdc/replication-slot.ts';
import { AppError } from '../../service/errors.ts';
import { ensureTopics } from '../../service/kafka/topics.ts';
import type { BenchContext } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { correlateByKey, correlateCdcRecord, correlateDeadLetter } from './correlate.ts';
import { spawnConsumer } from './ensure-consumer.ts';
import { waitForSent } from './sent-watch.ts';
import { syntheticRegistration, writeRegistration } from './synthetic-registration.ts';
import { type TopicWatch, type TopicWatches, watchTopics } from './topic-watch.ts';

const variantPrefix = 'benchvariant';

export interface ConnectorVariant {
  overrides: Record<string, string>;
  topic: string;
  watch: TopicWatch;
  /** The variant pipeline's own router output and dead letters. */
  routed: TopicWatch;
  dlq: TopicWatch;
  /** The variant notifier's inbox handler name: its processed_at is the variant's SENT time. */
  handler: string;
  remove: () => Promise<void>;
}

/** Parses "poll.interval.ms=10,max.batch.size=512" into overrides. */
export function parseOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new RangeError(`connector override "${pair}" is not key=value`);
    overrides[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return overrides;
}

/**
 * A second, temporary pipeline: a Debezium connector with the live connector's config plus the
 * overrides (its own replication slot and topic prefix, same publication) and a kafka-consumer of
 * its own (own groups, topics and inbox handler name). Both pipelines then carry the SAME events at
 * the same time, so a proposed setting is measured end to end against the current one under
 * identical load, without touching debezium/connector.json or the running connector. Both
 * notifiers mark the same notification SENT (sent_at ends up as the later write), which is why
 * SENT is read from each notifier's own inbox row while a variant runs. Everything it creates
 * (connector, slot, topics, consumer) is removed afterwards.
 */
export async function startConnectorVariant(
  context: BenchContext,
  overrides: Record<string, string>,
  { logPath }: { logPath: string },
): Promise<ConnectorVariant> {
  const { config, admin, db, progress, tag } = context;
  const connect = createConnectClient(config.CONNECT_URL);
  const mainName = (await loadConnectorConfig(config)).name;
  const live = await connect.getConfig(mainName);
  if (live === undefined) throw new AppError('CONNECTOR_FAILED', `connector ${mainName} is not registered: make up`);
  const name = `bench-variant-${tag}`;
  const slot = `bench_variant_${tag.replace(/[^a-z0-9]/g, '_')}`;
  const topic = `${variantPrefix}.public.outbox_events`;
  const routedTopic = `${variantPrefix}.routed`;
  const dlqTopic = `${variantPrefix}.dlq`;
  const handler = `bench-variant-${tag}`;
  const groups = { router: `bench-variant-router-${tag}`, notifier: `bench-variant-notifier-${tag}` };
  const variant = {
    ...live,
    name,
    'slot.name': slot,
    'topic.prefix': variantPrefix,
    // Only what is written from now on: no snapshot of the whole outbox table.
    'snapshot.mode': 'no_data',
    ...overrides,
  };
  await ensureTopics(
    admin,
    [topic, routedTopic, dlqTopic].map((name) => ({ topic: name, numPartitions: config.TOPIC_PARTITIONS })),
  );
  progress(
    `connector variant ${name}: ${Object.entries(overrides)
      .map(([key, value]) => `${key}=${value}`)
      .join(', ')}`,
  );
  progress(
    `  (removed at the end; if the bench is killed first: curl -X DELETE ${config.CONNECT_URL}/connectors/${name}, then select pg_drop_replication_slot('${slot}'))`,
  );
  await connect.putConfig(name, variant);
  let watched: TopicWatches | undefined;
  let stopConsumer: (() => Promise<void>) | undefined;
  const remove = async () => {
    await watched?.close().catch(() => {});
    await stopConsumer?.().catch(() => {});
    await connect.deleteConnector(name).catch(() => false);
    await dropReplicationSlot(config.DATABASE_URL, slot).catch((error: unknown) => progress(`  could not drop slot ${slot}: ${(error as Error).message}`));
    await admin.deleteTopics({ topics: [topic, routedTopic, dlqTopic, `__debezium-heartbeat.${variantPrefix}`] }).catch(() => {});
    await admin.deleteGroups([groups.router, groups.notifier]).catch(() => {});
  };
  let watch: TopicWatch | undefined;
  let routed: TopicWatch | undefined;
  let dlq: TopicWatch | undefined;
  let canaryId = '';
  try {
    await waitForConnectorRunning(connect, name, { timeoutMs: 60_000 });
    watched = await watchTopics(config.KAFKA_BROKERS, [
      { topic, correlate: correlateCdcRecord },
      { topic: routedTopic, correlate: correlateByKey },
      { topic: dlqTopic, correlate: correlateDeadLetter },
    ]);
    [watch, routed, dlq] = watched.watches as [TopicWatch, TopicWatch, TopicWatch];
    // Router and notifier only: a projector here would count the bench's events a second time in the served projection.
    stopConsumer = await spawnConsumer(admin, {
      args: ['--only', 'router', 'notifier'],
      env: {
        LOG_LEVEL: config.LOG_LEVEL,
        CDC_TOPIC: topic,
        USER_REGISTRATION_TOPIC: routedTopic,
        DLQ_TOPIC: dlqTopic,
        ROUTER_GROUP_ID: groups.router,
        NOTIFIER_GROUP_ID: groups.notifier,
        NOTIFIER_INBOX_HANDLER: handler,
        // The stack's own kafka-consumer holds METRICS_PORT.
        METRICS_PORT: '0',
      },
      groups: [groups.router, groups.notifier],
      logPath,
    });
    // RUNNING is not streaming yet: wait until a canary event comes through the new slot.
    const canary = syntheticRegistration(`${tag}-canary`, 0);
    canaryId = canary.userId;
    await db.transaction().execute((trx) => writeRegistration(trx, canary));
    if ((await routed.waitFor([canary.userId], 60_000)).length > 0)
      throw new AppError('TIMEOUT', `connector variant ${name}: the canary was not routed within 60 s`);
    progress(`  variant pipeline running: ${topic} -> ${routedTopic}, inbox handler ${handler}`);
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    overrides,
    topic,
    watch,
    routed,
    dlq,
    handler,
    remove: async () => {
      await remove();
      // The canary is removed once SENT, like every bench row (earlier, it would be dead-lettered).
      if ((await waitForSent(db, [canaryId], { timeoutMs: 30_000 })).size === 1) await removeBenchRows(db, [canaryId]);
    },
  };
}
