import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Producer } from '../../service/kafka/client.ts';
import { openTopicReader } from '../../service/kafka/topic-reader.ts';
import { freePort } from '../stack/listening-ports.ts';
import { type BenchContext, databaseWritesInFlight } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { wallClockMs } from './commit-clock.ts';
import { spawnConsumer } from './ensure-consumer.ts';
import { hopSamples, toHop } from './hop-result.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { cpuMsOf } from './process-cpu.ts';
import { batchRanges, plannedCount } from './rate-schedule.ts';
import type { ObservabilityRun } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { stages, sustainedRate } from './stage-rate.ts';
import { debeziumEnvelope, notificationRow, type SyntheticRegistration, syntheticRegistration, userRow } from './synthetic-registration.ts';

export const observabilityVariants = ['off', 'metrics', 'metrics+traces'] as const;
export type ObservabilityVariant = (typeof observabilityVariants)[number];

export interface ObservabilityScenario {
  variant: ObservabilityVariant;
  round: number;
  ratePerSecond: number;
  durationMs: number;
  drainEvents: number;
  drainTimeoutMs: number;
  logDirectory: string;
}

// As often as the Prometheus of `make observe` scrapes.
const scrapeIntervalMs = 5_000;

/**
 * What metrics and traces cost the kafka-consumer, A/B on the same machine in the same run: a
 * consumer of its own per variant (own topics, groups and inbox handler), with metrics off
 * (METRICS_PORT=0), on (scraped every 5 s as Prometheus would), or on with every record traced to
 * an OTLP/HTTP endpoint. Its CDC topic is fed directly with Debezium-shaped records right after
 * each registration's commit (no outbox row, so the stack's own pipeline never sees them), which
 * keeps Debezium out of a comparison of the consumer alone. Measured: commit -> SENT at a fixed
 * rate, then the drain of a burst: the router's rate (its records' timestamps) and the notifier's.
 */
export async function runObservabilityCost(context: BenchContext, scenario: ObservabilityScenario): Promise<ObservabilityRun> {
  const { config, admin, db, kafka, progress, tag } = context;
  const { variant, round, ratePerSecond, durationMs, drainEvents, drainTimeoutMs } = scenario;
  const id = `${tag}-${variant.replace('+', '-')}-${round}`;
  const topics = { cdc: `bench.obs.${id}.cdc`, routed: `bench.obs.${id}.routed`, dlq: `bench.obs.${id}.dlq` };
  const groups = { router: `bench-obs-router-${id}`, notifier: `bench-obs-notifier-${id}` };
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: config.TOPIC_PARTITIONS, replicationFactor: -1 })) });
  const sink = variant === 'metrics+traces' ? await startOtlpSink() : undefined;
  const metricsPort = variant === 'off' ? 0 : await freePort();
  const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
  await producer.connect();
  const ids: string[] = [];
  let stopConsumer: (() => Promise<void>) | undefined;
  let scraper: NodeJS.Timeout | undefined;
  let scrapes = 0;
  let pid: number | undefined;
  try {
    progress(`observability cost, ${variant} (round ${round}): a kafka-consumer of its own`);
    // Router and notifier only: a projector here would count the bench's events a second time in the served projection.
    stopConsumer = await spawnConsumer(admin, {
      args: ['--only', 'router', 'notifier'],
      env: {
        LOG_LEVEL: config.LOG_LEVEL,
        CDC_TOPIC: topics.cdc,
        USER_REGISTRATION_TOPIC: topics.routed,
        DLQ_TOPIC: topics.dlq,
        ROUTER_GROUP_ID: groups.router,
        NOTIFIER_GROUP_ID: groups.notifier,
        NOTIFIER_INBOX_HANDLER: `bench-obs-${id}`,
        METRICS_PORT: String(metricsPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: sink?.endpoint ?? '',
        OTEL_SERVICE_NAME: 'bench-kafka-consumer',
      },
      groups: Object.values(groups),
      logPath: path.join(scenario.logDirectory, `observability-${variant.replace('+', '-')}-${round}.log`),
      onSpawn: (spawned) => {
        pid = spawned;
      },
    });
    // Scraped once at once and once at the end (awaited), so that a quick run shorter than the
    // interval still pays for at least two scrapes, and every 5 s in between.
    const scrape = async (): Promise<void> => {
      if (metricsPort === 0) return;
      await fetch(`http://${config.HOST}:${metricsPort}/metrics`)
        .then((response) => response.text())
        .then(
          () => scrapes++,
          () => {},
        );
    };
    await scrape();
    if (metricsPort > 0) scraper = setInterval(() => void scrape(), scrapeIntervalMs);

    // commit -> SENT at a fixed rate
    const count = plannedCount(ratePerSecond, durationMs);
    const commits = new Map<string, number>();
    const sends: Array<Promise<unknown>> = [];
    const writes = await runPacedWrites({
      count,
      ratePerSecond,
      maxInFlight: databaseWritesInFlight,
      write: async (index) => {
        const registration = syntheticRegistration(`${id}-l`, index);
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(userRow(registration)).execute();
          await trx.insertInto('notifications').values(notificationRow(registration)).execute();
        });
        const committed = wallClockMs();
        commits.set(registration.userId, committed);
        sends.push(publish(producer, topics.cdc, [registration], committed));
        return registration.userId;
      },
    });
    throwOnFailedWrites(writes);
    await Promise.all(sends);
    ids.push(...writes.ids);
    const sentAt = await waitForSent(db, writes.ids, { timeoutMs: drainTimeoutMs });
    const latency = toHop(
      'commit -> SENT',
      hopSamples(
        writes.ids,
        (user) => commits.get(user),
        (user) => sentAt.get(user),
      ),
    );

    // the drain of a burst
    const burst = Array.from({ length: drainEvents }, (_, index) => syntheticRegistration(`${id}-d`, index));
    for (const [from, to] of batchRanges(burst.length, 1_000)) {
      const batch = burst.slice(from, to);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(batch.map(userRow)).execute();
        await trx.insertInto('notifications').values(batch.map(notificationRow)).execute();
      });
    }
    const burstIds = burst.map((registration) => registration.userId);
    ids.push(...burstIds);
    progress(`  ${count} at ${ratePerSecond}/s SENT (p50 ${latency.summary.p50} ms); now a burst of ${drainEvents}`);
    const cpuBefore = await cpuMsOf(pid);
    const committed = wallClockMs();
    for (const [from, to] of batchRanges(burst.length, 1_000)) await publish(producer, topics.cdc, burst.slice(from, to), committed);
    const routedAt = await routedTimes(config.KAFKA_BROKERS, topics.routed, new Set(burstIds), drainTimeoutMs);
    const burstSent = await waitForSent(db, burstIds, { timeoutMs: drainTimeoutMs, pollMs: 500 });
    const cpuMs = (await cpuMsOf(pid)) - cpuBefore;
    await scrape();
    const delivered = writes.ids.every((user) => sentAt.has(user)) && routedAt.length === drainEvents && burstSent.size === drainEvents;
    return {
      variant,
      round,
      ratePerSecond,
      latency,
      router: sustainedRate(stages.router, routedAt),
      notifier: sustainedRate(stages.notifier, [...burstSent.values()]),
      cpuMsPerThousand: Math.round((cpuMs * 1000) / drainEvents),
      scrapes,
      spanExports: sink?.received().requests ?? 0,
      delivered,
    };
  } finally {
    clearInterval(scraper);
    await stopConsumer?.().catch(() => {});
    await producer.disconnect().catch(() => {});
    await sink?.close();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.deleteGroups(Object.values(groups)).catch(() => {});
    await removeBenchRows(db, ids);
  }
}

function publish(producer: Producer, topic: string, registrations: readonly SyntheticRegistration[], committedAtMs: number): Promise<unknown> {
  return producer.send({
    topic,
    messages: registrations.map((registration) => ({ key: registration.userId, value: debeziumEnvelope(registration, committedAtMs) })),
  });
}

/** Kafka timestamps of the routed records of these users: when the router produced each. */
async function routedTimes(brokers: string, topic: string, users: ReadonlySet<string>, timeoutMs: number): Promise<number[]> {
  const reader = await openTopicReader({ brokers, topic, from: 'beginning' });
  const times = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  try {
    while (times.size < users.size && Date.now() < deadline) {
      for (const record of await reader.poll())
        if (record.key !== null && users.has(record.key) && !times.has(record.key)) times.set(record.key, record.timestamp);
      if (times.size < users.size) await delay(10);
    }
  } finally {
    await reader.close();
  }
  return [...times.values()];
}
